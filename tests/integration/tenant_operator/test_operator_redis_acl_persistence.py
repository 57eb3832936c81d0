"""Issue 20 item 3: tenant ACL users survive a restart of the real Redis.

Finding: the provisioner swallowed a failing ``ACL SAVE`` (a Redis without an aclfile),
so the users it wrote lived only in memory and a restart locked every tenant out until
the next resync. Each test runs its own ``redis-server`` (the shared one must not restart
under other tests), configured like devstack's: an aclfile, no RDB/AOF.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis
from tenant_operator import names
from tenant_operator.provisioners.redis_acl import AclNotPersisted, RedisProvisioner

from tests.support.acl_redis import AclRedis

pytestmark = pytest.mark.integration


@pytest.fixture
def server(tmp_path: Path) -> Iterator[AclRedis]:
    srv = AclRedis(tmp_path, aclfile=True).start()
    yield srv
    srv.kill()


async def test_tenant_acl_users_survive_a_redis_restart(server: AclRedis) -> None:
    slug = f"rs{uuid.uuid4().hex[:6]}"
    user, password = names.redis_user(slug), "pw-tenant"
    prov = RedisProvisioner(server.admin_url)
    try:
        assert await prov.ensure(user, slug, password) == ["user missing"]
    finally:
        await prov.close()

    server.stop()
    server.start()

    prefix = names.redis_key_prefix(slug)
    tenant = aioredis.Redis(port=server.port, username=user, password=password, decode_responses=True)
    try:
        await tenant.set(f"{prefix}after-restart", "1")
        assert await tenant.get(f"{prefix}after-restart") == "1"
    finally:
        await tenant.aclose()  # type: ignore[attr-defined]
    prov = RedisProvisioner(server.admin_url)
    try:
        # Exactly as written: nothing for the next resync to repair.
        assert await prov.differences(user, slug, password) == []
        assert await prov.ensure(user, slug, password) == []
    finally:
        await prov.close()
    assert hashlib.sha256(password.encode()).hexdigest() in server.aclfile.read_text()  # type: ignore[union-attr]


async def test_an_acl_that_cannot_be_saved_fails_the_step_instead_of_vanishing_at_restart(
    tmp_path: Path,
) -> None:
    srv = AclRedis(tmp_path, aclfile=False).start()
    prov = RedisProvisioner(srv.admin_url)
    try:
        with pytest.raises(AclNotPersisted, match="ACL SAVE failed"):
            await prov.ensure(names.redis_user("nosave"), "nosave", "pw")
    finally:
        await prov.close()
        srv.kill()


async def test_a_redis_that_keeps_users_otherwise_can_opt_out_of_the_save(tmp_path: Path) -> None:
    srv = AclRedis(tmp_path, aclfile=False).start()
    prov = RedisProvisioner(srv.admin_url, require_save=False)
    try:
        assert await prov.ensure(names.redis_user("optout"), "optout", "pw") == ["user missing"]
    finally:
        await prov.close()
        srv.kill()
