"""The operator's contract: ``python -m tenant_app migrate|create-admin|seed-demo|serve``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from tests.support.tenant_app_fixtures import make_redis_user

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tenant_app", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_migrate_seed_twice_and_serve(make_database, redis_url) -> None:  # type: ignore[no-untyped-def]
    slug = f"cli{uuid.uuid4().hex[:6]}"
    redis_user_url, prefix = make_redis_user(redis_url, slug)
    env = {
        **os.environ,
        "TENANT_SLUG": slug,
        "DATABASE_URL": make_database(),
        "REDIS_URL": redis_user_url,
        "REDIS_KEY_PREFIX": prefix,
        "JWT_SECRET": uuid.uuid4().hex,
        "INITIAL_ADMIN_EMAIL": f"admin@{slug}.example",
        "INITIAL_ADMIN_PASSWORD": "senha-do-admin-1",
        "SEED_DEMO_MEMBERS": "8",
    }
    for _ in range(2):  # migrate is idempotent
        done = _run(env, "migrate")
        assert done.returncode == 0, done.stderr
    assert "already exists" in done.stdout
    first = _run(env, "seed-demo")
    assert first.returncode == 0 and "8 members" in first.stdout, first.stderr
    assert "3 yield periods" in first.stdout, first.stdout
    second = _run(env, "seed-demo")
    assert second.returncode == 0 and "nothing to do" in second.stdout
    assert (
        _run(env, "create-admin", "--email", f"outro@{slug}.example", "--password", "curta").returncode == 2
    )

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tenant_app", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None
            time.sleep(0.3)
        token = httpx.post(
            f"{base}/api/auth/login", json={"email": f"admin@{slug}.example", "password": "senha-do-admin-1"}
        ).json()["access_token"]
        grupos = httpx.get(f"{base}/api/grupos/", headers={"Authorization": f"Bearer {token}"}).json()
        assert [g["codigo"] for g in grupos["items"]] == ["DEMO-AUTO-01"]
        grupo = grupos["items"][0]
        assert grupo["status"] == "em_andamento" and float(grupo["saldo_fundo_comum"]) > 0
        fundos = httpx.get(
            f"{base}/api/grupos/{grupo['id']}/fundos", headers={"Authorization": f"Bearer {token}"}
        ).json()
        assert fundos["conciliado"] is True
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=20)
    # JSON logs with a request id.
    import json

    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "tenant_app.access"]
    assert access and all(line["request_id"] for line in access)
