"""Every Redis key the app and its worker use goes through here, so all carry the tenant prefix."""

from __future__ import annotations

from redis.asyncio import Redis

from tenant_app.settings import RedisSettings


def create_redis(settings: RedisSettings) -> Redis:
    """Async client for the tenant's ACL user."""
    return Redis.from_url(settings.url, decode_responses=True, health_check_interval=30)


def rate_limit_key(settings: RedisSettings, scope: str, subject: str, window: int) -> str:
    """``<prefix>ratelimit:<scope>:<subject>:<window>``."""
    return settings.key("ratelimit", scope, subject, str(window))


def lock_key(settings: RedisSettings, name: str) -> str:
    """``<prefix>lock:<name>``."""
    return settings.key("lock", name)
