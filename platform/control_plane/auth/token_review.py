"""Tenant-app authentication: ServiceAccount tokens checked by the API server (TokenReview).

The control plane never validates these tokens itself: the API server knows
whether the token was revoked, whether its pod still exists and which
audiences it carries. Reviews are cached briefly (keyed by a hash of the
token): successes because tenant apps call several times a second, failures
(``negative_cache_seconds``) so that a flood of random bearers costs one
TokenReview each per few seconds, not one per request, to the API server. An
unreachable API server is never cached.

Only tokens minted for the control plane's audience are accepted by default
(the projected token the operator mounts in tenant pods). A token for the API
server's own audience (a pod's default token) would let whoever steals it from
either side use it on the other, so it is refused unless
``accept_api_server_audience`` is on, which exists only to migrate tenants
whose pods predate the projected token.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable

from kubernetes import client

from control_plane.auth.principals import TenantAppPrincipal, tenant_slug_for_username
from control_plane.problems import Forbidden, Unauthorized, UpstreamUnavailable

_MAX_CACHE = 10_000


class TokenReviewer:
    def __init__(
        self,
        api_client: client.ApiClient,
        *,
        audience: str | None = None,
        accept_api_server_audience: bool = False,
        cache_seconds: int = 30,
        negative_cache_seconds: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not audience and not accept_api_server_audience:
            raise ValueError("no token audience to accept: set one, or accept API-server tokens")
        self._api = client.AuthenticationV1Api(api_client)
        self._audience = audience or None
        self._accept_default = accept_api_server_audience
        self._cache_seconds = cache_seconds
        # Refusals: 10 s by default, never longer than successes (0 turns both off).
        self._negative_seconds = (
            min(10, cache_seconds) if negative_cache_seconds is None else negative_cache_seconds
        )
        self._clock = clock
        self._cache: dict[str, tuple[float, TenantAppPrincipal | Unauthorized | Forbidden]] = {}

    async def authenticate(self, token: str) -> TenantAppPrincipal:
        """The tenant app behind ``token``; Unauthorized/Forbidden otherwise."""
        digest = hashlib.sha256(token.encode()).hexdigest()
        cached = self._cache.get(digest)
        now = self._clock()
        if cached and cached[0] > now:
            if isinstance(cached[1], TenantAppPrincipal):
                return cached[1]
            raise cached[1]
        try:
            username = await asyncio.to_thread(self._review, token)
            slug = tenant_slug_for_username(username)
            if slug is None:
                raise Forbidden("only the tenant-app ServiceAccount of a tenant namespace may call this API")
        except (Unauthorized, Forbidden) as refused:
            self._remember(digest, now + self._negative_seconds, refused, self._negative_seconds)
            raise
        principal = TenantAppPrincipal(slug=slug, username=username)
        self._remember(digest, now + self._cache_seconds, principal, self._cache_seconds)
        return principal

    def _remember(
        self,
        digest: str,
        until: float,
        answer: TenantAppPrincipal | Unauthorized | Forbidden,
        seconds: int,
    ) -> None:
        if seconds <= 0:
            return
        now = self._clock()
        if len(self._cache) >= _MAX_CACHE:
            self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
            if len(self._cache) >= _MAX_CACHE:
                self._cache.clear()
        self._cache[digest] = (until, answer)

    def _review(self, token: str) -> str:
        # A token minted for the control plane's audience is tried first; the
        # API server's own audience only when the migration switch is on.
        attempts: list[list[str] | None] = []
        if self._audience:
            attempts.append([self._audience])
        if self._accept_default:
            attempts.append(None)
        for audiences in attempts:
            username = self._review_once(token, audiences)
            if username is not None:
                return username
        raise Unauthorized("the ServiceAccount token was not accepted")

    def _review_once(self, token: str, audiences: list[str] | None) -> str | None:
        spec = client.V1TokenReviewSpec(token=token, audiences=audiences)
        try:
            review = self._api.create_token_review(client.V1TokenReview(spec=spec))
        except client.ApiException as err:
            raise UpstreamUnavailable(f"TokenReview failed: HTTP {err.status}") from None
        except Exception as err:  # connection errors from urllib3
            raise UpstreamUnavailable(f"TokenReview failed: {type(err).__name__}") from None
        status = review.status
        if status is None or not status.authenticated or status.user is None:
            return None
        # An authenticator that ignores audiences would answer "authenticated"
        # for a token minted for anyone: the API server must echo ours back.
        if audiences is not None and not set(audiences) & set(status.audiences or []):
            return None
        return str(status.user.username)
