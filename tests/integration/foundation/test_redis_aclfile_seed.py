"""Issue 20 item 3 in production: terraform/modules/redis seeds an aclfile on the Bitnami
master's volume before redis-server starts, with the platform's least-privilege users.

The real script (the module's template, rendered as templatefile() renders it) runs with
``sh`` on a temporary "volume", then a real ``redis-server`` starts the way the Bitnami chart's
start-master.sh starts it: ``--requirepass "$REDIS_PASSWORD" --masterauth ... --include
redis.conf --include master.conf``, master.conf holding ``dir``, our ``aclfile`` line and the
chart's default ``rename-command FLUSHDB/FLUSHALL ""``. Without the seed an aclfile voids the
password (``default`` comes up ``nopass``) and ACL SAVE has nowhere to write.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio as aioredis
from redis.backoff import NoBackoff
from redis.retry import Retry
from tenant_operator import names
from tenant_operator.provisioners.redis_acl import RedisProvisioner

from devstack import redis_server
from tests.support.private_redis import free_port
from tests.support.redis_aclfile import render

pytestmark = pytest.mark.integration

OPERATOR_PASSWORD = "op-" + uuid.uuid4().hex
CONTROL_PLANE_PASSWORD = "cp-" + uuid.uuid4().hex


class BitnamiLikeMaster:
    """The chart's master container, reduced to what matters here: the seed script as a
    preExecCmd, then redis-server with the password on the command line and the aclfile."""

    def __init__(self, volume: Path) -> None:
        self.volume = volume
        self.aclfile = volume / "users.acl"
        self.script = volume.parent / "seed-aclfile.sh"
        self.script.write_text(render(self.aclfile))
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def seed(self, default_password: str) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "REDIS_PASSWORD": default_password,
            "CONSORCIO_OPERATOR_PASSWORD": OPERATOR_PASSWORD,
            "CONSORCIO_CONTROL_PLANE_PASSWORD": CONTROL_PLANE_PASSWORD,
        }
        return subprocess.run(["sh", str(self.script)], env=env, capture_output=True, text=True, timeout=30)

    def start(self, default_password: str) -> BitnamiLikeMaster:
        seeded = self.seed(default_password)
        assert seeded.returncode == 0, seeded.stderr
        etc = self.volume.parent / "etc"
        etc.mkdir(exist_ok=True)
        (etc / "redis.conf").write_text("bind 127.0.0.1\nappendonly no\nsave ''\n")
        # The chart's master.conf: `dir`, master.configuration, then disableCommands' renames.
        master_conf = [f"dir {self.volume}", f"aclfile {self.aclfile}"]
        master_conf += ['rename-command FLUSHDB ""', 'rename-command FLUSHALL ""']
        (etc / "master.conf").write_text("\n".join(master_conf) + "\n")
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--requirepass",
                default_password,
                "--masterauth",
                default_password,
                "--include",
                str(etc / "redis.conf"),
                "--include",
                str(etc / "master.conf"),
            ],
            cwd=self.volume,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "redis-server refused the seeded aclfile"
            try:
                redis.Redis(
                    host="127.0.0.1", port=self.port, password=default_password, socket_timeout=1
                ).ping()
                return self
            except redis.RedisError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def url(self, user: str, password: str, db: int = 0) -> str:
        return f"redis://{user}:{password}@127.0.0.1:{self.port}/{db}"


@pytest.fixture
def master(tmp_path: Path) -> Iterator[BitnamiLikeMaster]:
    volume = tmp_path / "data"
    volume.mkdir()
    srv = BitnamiLikeMaster(volume)
    yield srv
    srv.stop()


def _default_works(srv: BitnamiLikeMaster, password: str | None) -> bool:
    """Can the ``default`` user (what AUTH <password> and the chart's probes use) write?"""
    if password is None:
        # No AUTH at all: a nopass `default` would answer +PONG.
        with socket.create_connection(("127.0.0.1", srv.port), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            reply = sock.recv(256)
        assert reply.startswith((b"+PONG", b"-NOAUTH")), reply
        return reply.startswith(b"+PONG")
    client = redis.Redis(
        host="127.0.0.1", port=srv.port, password=password, socket_timeout=2, retry=Retry(NoBackoff(), 0)
    )
    try:
        return client.set("probe", "1") is True
    except redis.AuthenticationError:
        return False
    finally:
        client.close()


def _platform_users_work(srv: BitnamiLikeMaster) -> None:
    op = redis.Redis.from_url(srv.url(redis_server.OPERATOR_USER, OPERATOR_PASSWORD), decode_responses=True)
    cp = redis.Redis.from_url(
        srv.url(redis_server.CONTROL_PLANE_USER, CONTROL_PLANE_PASSWORD, db=1), decode_responses=True
    )
    try:
        assert op.execute_command("ACL", "WHOAMI") == redis_server.OPERATOR_USER
        cp.lpush("control-plane", "task")
        assert cp.rpop("control-plane") == "task"
    finally:
        op.close()
        cp.close()


def _acl_getuser(srv: BitnamiLikeMaster, password: str, user: str) -> dict[str, Any]:
    admin = redis.Redis(host="127.0.0.1", port=srv.port, password=password, decode_responses=True)
    try:
        found = admin.acl_getuser(user)
        assert found is not None, user
        return dict(found)
    finally:
        admin.close()


async def test_seeded_aclfile_keeps_the_password_the_platform_users_and_the_tenants(
    master: BitnamiLikeMaster,
) -> None:
    first, rotated = "default-" + uuid.uuid4().hex, "rotated-" + uuid.uuid4().hex
    master.start(first)

    # default: the password from the Secret, never nopass.
    assert _default_works(master, first)
    assert not _default_works(master, None)
    assert not _default_works(master, "wrong")
    _platform_users_work(master)
    # Exactly the devstack's rules (Redis normalises them; compare with a devstack-made user).
    admin = redis.Redis(host="127.0.0.1", port=master.port, password=first, decode_responses=True)
    for user, rules in (
        ("devstack-op", redis_server.operator_rules()),
        ("devstack-cp", redis_server.control_plane_rules()),
    ):
        admin.execute_command("ACL", "SETUSER", user, "reset", "on", ">x", *rules)
    admin.close()
    for seeded, reference in (
        (redis_server.OPERATOR_USER, "devstack-op"),
        (redis_server.CONTROL_PLANE_USER, "devstack-cp"),
    ):
        got, want = _acl_getuser(master, first, seeded), _acl_getuser(master, first, reference)
        for field in ("commands", "keys", "channels", "selectors"):
            assert got[field] == want[field], (seeded, field, got[field], want[field])
        assert "on" in got["flags"] and "nopass" not in got["flags"]
    cleanup = redis.Redis(host="127.0.0.1", port=master.port, password=first)
    cleanup.execute_command("ACL", "DELUSER", "devstack-op", "devstack-cp")
    cleanup.close()

    # The operator's own code path with its own user: ACL SETUSER + a strict ACL SAVE.
    slug = f"sd{uuid.uuid4().hex[:6]}"
    user, prefix, tenant_password = names.redis_user(slug), names.redis_key_prefix(slug), "pw-tenant"
    prov = RedisProvisioner(master.url(redis_server.OPERATOR_USER, OPERATOR_PASSWORD), require_save=True)
    try:
        assert await prov.ensure(user, slug, tenant_password) == ["user missing"]
    finally:
        await prov.close()
    assert f"user {user} " in master.aclfile.read_text()

    # The operator's user still reads no data (the server's own verdict).
    admin = redis.Redis(host="127.0.0.1", port=master.port, password=first, decode_responses=True)
    try:
        for command in (("GET", f"{prefix}k"), ("GET", "probe"), ("CONFIG", "GET", "*"), ("SELECT", "1")):
            verdict = admin.execute_command("ACL", "DRYRUN", redis_server.OPERATOR_USER, *command)
            assert verdict != "OK", command
    finally:
        admin.close()

    # Rotate the Secret: the pod restarts, the preExecCmd re-seeds with the new password.
    master.stop()
    master.start(rotated)
    assert _default_works(master, rotated)
    assert not _default_works(master, first)
    assert not _default_works(master, None)
    _platform_users_work(master)
    tenant = aioredis.Redis(
        host="127.0.0.1", port=master.port, username=user, password=tenant_password, decode_responses=True
    )
    try:
        await tenant.set(f"{prefix}after-restart", "1")
        assert await tenant.get(f"{prefix}after-restart") == "1"
    finally:
        await tenant.aclose()  # type: ignore[attr-defined]
    prov = RedisProvisioner(master.url(redis_server.OPERATOR_USER, OPERATOR_PASSWORD))
    try:
        assert await prov.differences(user, slug, tenant_password) == []  # nothing to repair
    finally:
        await prov.close()
    lines = master.aclfile.read_text().splitlines()
    assert [line.split()[1] for line in lines].count("default") == 1
    assert sum(line.startswith(f"user {user} ") for line in lines) == 1


def test_seed_creates_a_missing_aclfile_and_refuses_an_empty_password(master: BitnamiLikeMaster) -> None:
    assert not master.aclfile.exists()
    refused = master.seed("")
    assert refused.returncode != 0 and "empty password" in refused.stderr
    assert not master.aclfile.exists() or "user default" not in master.aclfile.read_text()
    assert master.seed("pw").returncode == 0
    users = [line.split()[1] for line in master.aclfile.read_text().splitlines()]
    assert users == ["default", redis_server.OPERATOR_USER, redis_server.CONTROL_PLANE_USER]
    assert ">pw" not in master.aclfile.read_text()  # hashed, never the password itself
    assert oct(master.aclfile.stat().st_mode & 0o777) == "0o600"
