"""Issue 20 item 3: the operator and the control plane no longer use Redis's ``default``
superuser. Their users (``devstack.redis_server``, the same rules docs/security.md gives
for production) are checked on a real ``redis-server``: each does its job, and each is
refused what it must not do. The old devstack handed both the ``default`` user (+@all).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis
from redis.exceptions import NoPermissionError
from tenant_operator import names
from tenant_operator.provisioners.redis_acl import RedisProvisioner

from devstack import redis_server
from tests.support.acl_redis import AclRedis

pytestmark = pytest.mark.integration


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[AclRedis]:
    srv = AclRedis(tmp_path, aclfile=True).start()
    admin = aioredis.Redis.from_url(srv.admin_url)
    for user, rules in (
        ("op", redis_server.operator_rules()),
        ("cp", redis_server.control_plane_rules()),
    ):
        await admin.execute_command("ACL", "SETUSER", user, "reset", "on", f">pw-{user}", *rules)
    await admin.set("control:secret", "x")
    await admin.aclose()  # type: ignore[attr-defined]
    yield srv
    srv.kill()


def _url(srv: AclRedis, user: str, db: int = 0) -> str:
    return f"redis://{user}:pw-{user}@127.0.0.1:{srv.port}/{db}"


async def _refused(srv: AclRedis, user: str, *command: str) -> None:
    """The server's own ACL verdict (``ACL DRYRUN``): refused by the user's rules, whatever
    else the server would say (DEBUG is off anyway, SHUTDOWN would stop it)."""
    admin = aioredis.Redis.from_url(srv.admin_url, decode_responses=True)
    try:
        verdict = await admin.execute_command("ACL", "DRYRUN", user, *command)
    finally:
        await admin.aclose()  # type: ignore[attr-defined]
    assert verdict != "OK", f"{user} may run {command}"


async def test_operator_redis_user_provisions_tenants_and_nothing_more(server: AclRedis) -> None:
    slug = f"lp{uuid.uuid4().hex[:6]}"
    user, prefix = names.redis_user(slug), names.redis_key_prefix(slug)
    prov = RedisProvisioner(_url(server, "op"))
    try:
        assert await prov.ensure(user, slug, "pw-t") == ["user missing"]
        assert await prov.ensure(user, slug, "pw-t") == []
        tenant = aioredis.Redis(port=server.port, username=user, password="pw-t")
        await tenant.set(f"{prefix}k", "v")
        assert await prov.disable(user) is True
        assert await prov.delete(user, prefix) is True
        await tenant.aclose()  # type: ignore[attr-defined]
    finally:
        await prov.close()
    op = aioredis.Redis.from_url(_url(server, "op"))
    try:
        for command in (
            ("GET", "control:secret"),
            ("GET", f"{prefix}k"),  # not even tenants' data: it only scans and unlinks
            ("KEYS", "*"),
            ("FLUSHALL",),
            ("CONFIG", "GET", "*"),
            ("CONFIG", "SET", "maxmemory", "1"),
            ("DEBUG", "SLEEP", "0"),
            ("MONITOR",),
            ("SHUTDOWN", "NOSAVE"),
            ("SELECT", "1"),
            ("EVAL", "return 1", "0"),
            ("SCRIPT", "DEBUG", "SYNC"),
            ("CLIENT", "LIST"),
        ):
            await _refused(server, "op", *command)
        with pytest.raises(NoPermissionError):
            await op.unlink("control:secret")  # keys outside tenant:*
    finally:
        await op.aclose()  # type: ignore[attr-defined]


async def test_control_plane_redis_user_runs_its_broker_in_db_1_and_cannot_reach_tenants(
    server: AclRedis,
) -> None:
    cp = aioredis.Redis.from_url(_url(server, "cp", db=1), decode_responses=True)
    try:
        # What Celery (broker + results) and the flag notifier do.
        await cp.lpush("control-plane", "task")
        assert await cp.brpop(["control-plane"], timeout=1) == ("control-plane", "task")
        await cp.set("celery-task-meta-1", "{}", ex=60)
        await cp.publish("control-plane:flags", "changed")
        sha = hashlib.sha1(b"return 1").hexdigest()
        assert await cp.execute_command("SCRIPT", "LOAD", "return 1") == sha
        assert await cp.evalsha(sha, 0) == 1
        for command in (
            ("SELECT", "0"),  # tenants live in db 0
            ("COPY", "celery-task-meta-1", "tenant:x:stolen", "DB", "0"),
            ("MOVE", "celery-task-meta-1", "0"),
            ("SWAPDB", "0", "1"),
            ("FLUSHALL",),
            ("KEYS", "*"),
            ("CONFIG", "GET", "*"),
            ("ACL", "SETUSER", "evil", "on", "+@all", "~*"),
            ("ACL", "LIST"),
            ("MONITOR",),
            ("CLIENT", "LIST"),
            ("DEBUG", "SLEEP", "0"),
            ("SCRIPT", "DEBUG", "SYNC"),
            ("FUNCTION", "LIST"),
            ("SHUTDOWN", "NOSAVE"),
        ):
            await _refused(server, "cp", *command)
    finally:
        await cp.aclose()  # type: ignore[attr-defined]


def test_a_celery_task_round_trip_works_under_the_control_plane_user(server: AclRedis) -> None:
    # The control plane's worker and beat: broker and result backend both on its user, db 1.
    from celery import Celery
    from celery.contrib.testing.worker import start_worker

    url = _url(server, "cp", db=1)
    app = Celery("acl-check", broker=url, backend=url)
    app.conf.task_default_queue = "control-plane"

    @app.task(name="acl_check.add")
    def add(x: int, y: int) -> int:
        return x + y

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        assert add.delay(2, 3).get(timeout=20) == 5
