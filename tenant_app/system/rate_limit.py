"""Fixed-window rate limits in Redis, per user (or API client) and per tenant.

Each request is counted at once in this process and decided on the window's
count as Redis last reported it (every replica's requests) plus this process's
requests not yet acknowledged by Redis. The local counts reach Redis in the
background, one ``MULTI``/``EXEC`` (``INCRBY`` + ``EXPIRE NX`` per key) in flight at a time carrying
everything counted since the previous one: under load one Redis round trip
serves many requests and no request waits for Redis. Within one process the
limit is exact; across replicas it lags by one round trip (a few ms), which a
limit per minute does not notice. Redis down: requests pass (fail open) and a
warning is logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from litestar.types import ASGIApp, Receive, Scope, Send
from redis.asyncio import Redis
from redis.exceptions import RedisError

from tenant_app.auth.tokens import CurrentUser
from tenant_app.http.catalogo import base_do_escopo, tipo_uri
from tenant_app.http.problems import PROBLEM_JSON
from tenant_app.settings import Settings
from tenant_app.system.redis_keys import rate_limit_key

log = logging.getLogger("tenant_app.rate_limit")
_WINDOW = 60
_EXEMPT = ("/health", "/ready", "/metrics")


async def _add(redis: Redis, amounts: dict[str, int]) -> dict[str, int]:
    """Add ``amounts`` to the Redis counters; their totals afterwards.

    One MULTI/EXEC: each counter and its expiry (set only when it has none)
    are applied together or not at all. No Lua: the tenant's Redis ACL allows
    no scripting (a busy script would stall every tenant on the server).
    """
    keys = list(amounts)
    async with redis.pipeline(transaction=True) as pipe:
        for key in keys:
            pipe.incrby(key, amounts[key])
            pipe.expire(key, _WINDOW + 5, nx=True)
        replies = await pipe.execute()
    return {k: int(n) for k, n in zip(keys, replies[::2], strict=True)}


class RateCounter:
    """The counts of the current window: Redis's last answer, in flight, and not yet sent."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._window = -1
        self._known: dict[str, int] = {}
        self._in_flight: dict[str, int] = {}
        self._pending: dict[str, int] = {}
        self._sender: asyncio.Task[None] | None = None

    def _count(self, key: str) -> int:
        self._pending[key] = self._pending.get(key, 0) + 1
        return self._known.get(key, 0) + self._in_flight.get(key, 0) + self._pending[key]

    def hit(self, user: CurrentUser | None, now: float, origin: str = "unknown") -> int | None:
        """Count one request (``origin``: the client's address); seconds to wait when a limit is
        exceeded, else None."""
        window = int(now // _WINDOW)
        if window != self._window:
            # A new window starts from zero; what the old one did not send no longer matters.
            self._window = window
            self._known, self._in_flight, self._pending = {}, {}, {}
        redis_settings, limits = self._settings.redis, self._settings.rate_limit
        retry = _WINDOW - int(now % _WINDOW)
        if user is None:
            # Unauthenticated (login, refresh, public pages): counted per client address only;
            # one address must not spend the tenant-wide budget every logged-in user shares.
            by_origin = self._count(rate_limit_key(redis_settings, "origin", origin, window))
            return retry if by_origin > limits.per_user_per_minute else None
        tenant = self._count(rate_limit_key(redis_settings, "tenant", self._settings.tenant_slug, window))
        per_user = (
            0 if user is None else self._count(rate_limit_key(redis_settings, "user", str(user.id), window))
        )
        if user is None:
            user_limit = limits.per_user_per_minute
        elif user.limite_por_minuto is not None:  # an API client's own limit
            user_limit = user.limite_por_minuto
        else:
            user_limit = limits.per_user_limit(user.email)
        if tenant > limits.per_tenant_per_minute or per_user > user_limit:
            return retry
        return None

    def send_soon(self, redis: Redis) -> None:
        """Start sending the local counts unless a send is already running (it sends them next)."""
        if self._pending and (self._sender is None or self._sender.done()):
            self._sender = asyncio.get_running_loop().create_task(self.send(redis))

    async def send(self, redis: Redis) -> None:
        """Send the local counts until none are left; Redis's totals replace the known counts."""
        while self._pending:
            window = self._window
            self._in_flight, self._pending = self._pending, {}
            try:
                totals = await _add(redis, self._in_flight)
            except RedisError:
                log.warning("rate limit counts not stored: redis unavailable")
                totals = {}
            if window != self._window:
                continue  # the window ended meanwhile: the reset dropped these counts
            self._known.update(totals)
            self._in_flight = {}


def rate_counter(state: Any) -> RateCounter:
    """The app's counter, made on first use (one per app instance, like its settings)."""
    counter: RateCounter | None = state.get("rate_counter")
    if counter is None:
        counter = state.rate_counter = RateCounter(state.settings)
    return counter


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
        counter = rate_counter(state)
        client = scope.get("client")
        retry = counter.hit(
            user if isinstance(user, CurrentUser) else None,
            time.time(),
            origin=str(client[0]) if client else "unknown",
        )
        counter.send_soon(state.redis)
        if retry is not None:
            tipo = tipo_uri(base_do_escopo(scope, state.settings.app_base_url), "muitas_requisicoes")
            body = json.dumps(
                {
                    "type": tipo,
                    "title": "Muitas requisições",
                    "status": 429,
                    "detail": "Limite de requisições excedido. Tente novamente em instantes.",
                },
                ensure_ascii=False,
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
