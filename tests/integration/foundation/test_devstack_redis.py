"""The devstack Redis enforces ACL key patterns, which tenant isolation uses."""

from __future__ import annotations

import uuid

import pytest
import redis

pytestmark = pytest.mark.integration


def test_acl_user_is_confined_to_its_key_prefix(redis_url: str) -> None:
    admin = redis.Redis.from_url(redis_url)
    user = f"test-{uuid.uuid4().hex[:8]}"
    prefix = f"tenant:{user}:"
    admin.acl_setuser(
        user,
        enabled=True,
        passwords=[f"+pw-{user}"],
        keys=[f"{prefix}*"],
        channels=[f"{prefix}*"],
        commands=["+@all", "-@admin", "-@dangerous"],
        reset_keys=True,
        reset_channels=True,
    )
    admin.set("tenant:other:secret", "b's data")
    host_port = redis_url.rsplit("@", 1)[1]
    tenant = redis.Redis.from_url(f"redis://{user}:pw-{user}@{host_port}")
    try:
        tenant.set(f"{prefix}k", "mine")
        assert tenant.get(f"{prefix}k") == b"mine"
        with pytest.raises(redis.exceptions.NoPermissionError):
            tenant.get("tenant:other:secret")
        with pytest.raises(redis.exceptions.NoPermissionError):
            tenant.set("unprefixed", "x")
        with pytest.raises(redis.exceptions.NoPermissionError):
            tenant.publish("tenant:other:events", "x")
        with pytest.raises(redis.exceptions.NoPermissionError):
            tenant.execute_command("FLUSHALL")
    finally:
        tenant.close()
        admin.acl_deluser(user)
        admin.delete("tenant:other:secret", f"{prefix}k")
        admin.close()
