"""The staff login throttle (``consorcio_kit.login_throttle``): in the control plane's Redis
when it has one (every replica shares the counts), else in this process."""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from consorcio_kit.login_throttle import LoginThrottle, MemoryStore, RedisStore, Store
from control_plane.settings import Settings

KEY_PREFIX = "control-plane:auth:"


def login_throttle(state: Any) -> LoginThrottle:
    """The app's throttle, made on first use."""
    throttle: LoginThrottle | None = state.get("login_throttle")
    if throttle is None:
        settings: Settings = state.settings
        store: Store = RedisStore(Redis.from_url(settings.redis.url)) if settings.redis.url else MemoryStore()
        throttle = state.login_throttle = LoginThrottle(store, KEY_PREFIX)
    return throttle
