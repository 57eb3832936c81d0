"""Redis: every key under the tenant prefix (ACL-confined user), rate limits, a real Celery worker."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid

import pytest
import redis
from tenant_operator.specs.redis_acl import VETTED_SCRIPTS

from tenant_app.users.roles import Role
from tenant_app.worker import QUEUE, create_celery
from tests.support.tenant_app_fixtures import provision_tenant

pytestmark = pytest.mark.integration


async def test_rate_limit_per_user_is_enforced_with_prefixed_keys(make_database, redis_url) -> None:  # type: ignore[no-untyped-def]
    t = await provision_tenant(
        make_database,
        redis_url,
        f"rl{uuid.uuid4().hex[:6]}",
        roles=(Role.ADMIN,),
        per_user=5,
        per_tenant=1000,
    )
    try:
        codes = [(await t.client.get("/api/auth/me", headers=t.auth())).status_code for _ in range(8)]
        assert 429 in codes and codes[0] == 200
        r = await t.client.get("/api/auth/me", headers=t.auth())
        assert r.status_code == 429 and r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["type"].endswith("/problemas/muitas_requisicoes")
        assert int(r.headers["retry-after"]) >= 1
        # Health stays reachable for the kubelet.
        assert (await t.client.get("/health")).status_code == 200
        admin = redis.Redis.from_url(redis_url, decode_responses=True)
        keys = list(admin.scan_iter(match=f"{t.settings.redis.key_prefix}ratelimit:*"))
        admin.close()
        assert any(":user:" in k for k in keys) and any(":tenant:" in k for k in keys)
        # Counting uses no Lua (the tenant's ACL allows no SCRIPT LOAD/EVAL): an emptied script
        # cache (Redis restart, SCRIPT FLUSH) changes nothing; still over the limit here.
        admin = redis.Redis.from_url(redis_url, decode_responses=True)
        admin.script_flush()
        for script in VETTED_SCRIPTS:  # what the operator reloads; concurrent workers need it
            admin.script_load(script)
        admin.close()
        assert (await t.client.get("/api/auth/me", headers=t.auth())).status_code == 429
    finally:
        await t.client.__aexit__(None, None, None)


async def test_celery_broker_uses_only_prefixed_keys(make_database, redis_url) -> None:  # type: ignore[no-untyped-def]
    t = await provision_tenant(make_database, redis_url, f"wk{uuid.uuid4().hex[:6]}", roles=(Role.ADMIN,))
    prefix = t.settings.redis.key_prefix
    admin = redis.Redis.from_url(redis_url, decode_responses=True)
    celery = create_celery(t.settings)
    token = uuid.uuid4().hex
    worker = None
    try:
        # Publishing works through the ACL user confined to ~prefix* (NOPERM otherwise)...
        await asyncio.to_thread(celery.send_task, "tenant_app.ping", args=[token])
        # ...and the queue is a prefixed key.
        assert admin.llen(f"{prefix}{QUEUE}") == 1
        assert admin.llen(QUEUE) == 0
        env = {**os.environ, **t.env}
        worker = subprocess.Popen(  # noqa: ASYNC220 - a background process, never waited on here
            [sys.executable, "-m", "tenant_app", "worker", "--no-beat"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and admin.get(f"{prefix}worker:ping") != token:
            assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
            await asyncio.sleep(0.5)
        assert admin.get(f"{prefix}worker:ping") == token
        assert admin.llen(f"{prefix}{QUEUE}") == 0
        # Whatever kombu created lives under the prefix.
        assert list(admin.scan_iter(match=f"{prefix}_kombu*"))
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        admin.close()
        await t.client.__aexit__(None, None, None)
