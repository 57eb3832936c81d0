"""The tenant app's login throttle (``consorcio_kit.login_throttle``) and the caller's address.

The address is the TCP peer, or the ``X-Forwarded-For`` the ingress controller sets
when uvicorn trusts it (``FORWARDED_ALLOW_IPS``, which the operator sets to the
pod network: a tenant pod is reachable only through the ingress). Without that,
every login would seem to come from the ingress and share one per-address budget.
"""

from __future__ import annotations

from typing import Any

from consorcio_kit.login_throttle import DelayPolicy, LoginThrottle, RedisStore, ThrottlePolicy
from tenant_app.settings import Settings


def politica(settings: Settings) -> ThrottlePolicy:
    """The delays of this tenant's logins, from its settings."""
    auth = settings.auth
    padrao = ThrottlePolicy()
    return ThrottlePolicy(
        pair=DelayPolicy(
            free=auth.max_failed_logins,
            base_seconds=1,
            cap_seconds=auth.lockout_minutes * 60,
            window_seconds=padrao.pair.window_seconds,
        ),
        source=DelayPolicy(
            free=auth.free_failures_per_source,
            base_seconds=1,
            cap_seconds=padrao.source.cap_seconds,
            window_seconds=padrao.source.window_seconds,
        ),
        account=padrao.account,
    )


def login_throttle(state: Any) -> LoginThrottle:
    """The app's throttle on its Redis ACL user, made on first use."""
    throttle: LoginThrottle | None = state.get("login_throttle")
    if throttle is None:
        settings: Settings = state.settings
        throttle = LoginThrottle(RedisStore(state.redis), settings.redis.key("auth", ""), politica(settings))
        state.login_throttle = throttle
    return throttle


def origem(scope: Any) -> str:
    """The client's address as the server saw it (after trusted proxy headers)."""
    client = scope.get("client") if isinstance(scope, dict) else None
    return str(client[0]) if client else "desconhecida"
