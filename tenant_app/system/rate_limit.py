"""Fixed-window rate limits in Redis, per user and per tenant."""

from __future__ import annotations

import logging
import time
from typing import Any

from litestar.types import ASGIApp, Receive, Scope, Send
from redis.asyncio import Redis
from redis.exceptions import RedisError

from tenant_app.auth.tokens import CurrentUser
from tenant_app.http.problems import PROBLEM_JSON
from tenant_app.settings import Settings
from tenant_app.system.redis_keys import rate_limit_key

log = logging.getLogger("tenant_app.rate_limit")
_WINDOW = 60
_EXEMPT = ("/health", "/ready", "/metrics")


async def hit(
    redis: Redis, settings: Settings, user: CurrentUser | None, now: float | None = None
) -> int | None:
    """Count one request; seconds to wait when a limit is exceeded, else None."""
    window = int((now or time.time()) // _WINDOW)
    tenant_key = rate_limit_key(settings.redis, "tenant", settings.tenant_slug, window)
    pipe = redis.pipeline(transaction=False)
    pipe.incr(tenant_key)
    pipe.expire(tenant_key, _WINDOW + 5)
    if user is not None:
        user_key = rate_limit_key(settings.redis, "user", str(user.id), window)
        pipe.incr(user_key)
        pipe.expire(user_key, _WINDOW + 5)
    results = await pipe.execute()
    retry = _WINDOW - int((now or time.time()) % _WINDOW)
    if results[0] > settings.rate_limit.per_tenant_per_minute:
        return retry
    if user is not None and results[2] > settings.rate_limit.per_user_per_minute:
        return retry
    return None


class RateLimitMiddleware:
    """Runs after authentication (it needs the user); fails open if Redis is down."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_EXEMPT):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        user = scope.get("user")
        try:
            retry = await hit(state.redis, state.settings, user if isinstance(user, CurrentUser) else None)
        except RedisError:
            log.warning("rate limit skipped: redis unavailable")
            retry = None
        if retry is not None:
            body = (
                '{"type":"about:blank","title":"Muitas requisições","status":429,'
                '"detail":"Limite de requisições excedido. Tente novamente em instantes."}'
            ).encode()
            start: Any = {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"retry-after", str(retry).encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
            await send(start)
            end: Any = {"type": "http.response.body", "body": body}
            await send(end)
            return
        await self.app(scope, receive, send)
