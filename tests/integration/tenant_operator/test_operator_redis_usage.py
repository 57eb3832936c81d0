"""Issue 20 item 3: each tenant's keys and memory on the shared Redis, measured by the operator's
least-privilege user on a real ``redis-server`` and published as gauges for this operator's tenants."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis
from prometheus_client import REGISTRY
from redis.exceptions import NoPermissionError
from tenant_operator import names
from tenant_operator.handlers.redis_usage_loop import run_once
from tenant_operator.provisioners.redis_acl import RedisProvisioner

from devstack import redis_server
from tests.support.acl_redis import AclRedis

pytestmark = pytest.mark.integration


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[AclRedis]:
    srv = AclRedis(tmp_path, aclfile=True).start()
    admin = aioredis.Redis.from_url(srv.admin_url)
    await admin.execute_command(
        "ACL", "SETUSER", "op", "reset", "on", ">pw-op", *redis_server.operator_rules()
    )
    await admin.aclose()  # type: ignore[attr-defined]
    yield srv
    srv.kill()


class _Fleet:
    def __init__(self, tenants: list[str]) -> None:
        self.tenants = tenants

    def names(self) -> list[str]:
        return list(self.tenants)


class _Runtime:
    def __init__(self, redis: RedisProvisioner, tenants: list[str]) -> None:
        self.redis = redis
        self.fleet = _Fleet(tenants)


def _gauge(name: str, tenant: str) -> float | None:
    return REGISTRY.get_sample_value(name, {"tenant": tenant})


async def test_usage_per_tenant_by_the_operator_user(server: AclRedis) -> None:
    grande, pequeno, vazio, alheio = (f"u{uuid.uuid4().hex[:6]}" for _ in range(4))
    admin = aioredis.Redis.from_url(server.admin_url)
    pipe = admin.pipeline()
    for i in range(2500):  # more than one SCAN/pipeline batch
        pipe.set(f"{names.redis_key_prefix(grande)}k{i}", "x" * 200)
    for i in range(3):
        pipe.set(f"{names.redis_key_prefix(pequeno)}k{i}", "y")
    pipe.set(f"{names.redis_key_prefix(alheio)}celery", "z")  # another operator instance's tenant
    pipe.set("control:secret", "s" * 10_000)  # not a tenant's: never counted
    pipe.set("tenant:semdoispontos", "w")
    await pipe.execute()
    await admin.aclose()  # type: ignore[attr-defined]

    prov = RedisProvisioner(f"redis://op:pw-op@127.0.0.1:{server.port}/0")
    try:
        usage = await prov.usage()
        assert set(usage) == {grande, pequeno, alheio}
        assert usage[grande].keys == 2500 and usage[pequeno].keys == 3
        assert usage[grande].bytes > 2500 * 200 > 10 * usage[pequeno].bytes > 0

        runtime = _Runtime(prov, [grande, pequeno, vazio])
        published = await run_once(runtime, set())  # type: ignore[arg-type]
        assert published == {grande, pequeno, vazio}
        assert _gauge("consorcio_operator_tenant_redis_keys", grande) == 2500
        assert _gauge("consorcio_operator_tenant_redis_memory_bytes", grande) == usage[grande].bytes
        assert _gauge("consorcio_operator_tenant_redis_keys", vazio) == 0
        assert _gauge("consorcio_operator_tenant_redis_keys", alheio) is None

        # A tenant deleted since: its series go away.
        runtime.fleet.tenants = [grande]
        assert await run_once(runtime, published) == {grande}  # type: ignore[arg-type]
        assert _gauge("consorcio_operator_tenant_redis_keys", pequeno) is None
        assert _gauge("consorcio_operator_tenant_redis_memory_bytes", vazio) is None
    finally:
        await prov.close()
    # Measuring is not reading: the operator user still cannot GET a tenant's value.
    op = aioredis.Redis(port=server.port, username="op", password="pw-op")
    with pytest.raises(NoPermissionError):
        await op.get(f"{names.redis_key_prefix(grande)}k0")
    await op.aclose()  # type: ignore[attr-defined]
