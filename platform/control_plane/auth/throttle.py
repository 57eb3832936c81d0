"""The staff login throttle (``consorcio_kit.login_throttle``): in the control plane's Redis
when it has one (every replica shares the counts), else in this process."""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from consorcio_kit.login_throttle import (
    DelayPolicy,
    LoginThrottle,
    MemoryStore,
    RedisStore,
    Store,
    ThrottlePolicy,
)
from control_plane.settings import Settings

KEY_PREFIX = "control-plane:auth:"


def login_throttle(state: Any) -> LoginThrottle:
    """The app's throttle, made on first use."""
    throttle: LoginThrottle | None = state.get("login_throttle")
    if throttle is None:
        settings: Settings = state.settings
        store: Store = RedisStore(Redis.from_url(settings.redis.url)) if settings.redis.url else MemoryStore()
        default = ThrottlePolicy()
        source = DelayPolicy(
            free=settings.auth.login_free_failures_per_source,
            base_seconds=default.source.base_seconds,
            cap_seconds=default.source.cap_seconds,
            window_seconds=default.source.window_seconds,
        )
        policy = ThrottlePolicy(pair=default.pair, source=source, account=default.account)
        throttle = state.login_throttle = LoginThrottle(store, KEY_PREFIX, policy)
    return throttle
