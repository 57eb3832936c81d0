"""Bearer-token authentication for every route except the public ones.

The bearer is a staff user's JWT access token or an API client's key
(``cak.<tenant>.…``, see ``tenant_app.clientes_api``).
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from tenant_app.auth.token_cache import VerifiedTokenCache
from tenant_app.auth.tokens import InvalidToken, verify_access_token
from tenant_app.clientes_api import chaves, oauth
from tenant_app.clientes_api.autenticacao import ChaveInvalida, autenticar
from tenant_app.settings import Settings
from tenant_app.users.estado import estado_usuarios

#: Reachable without a token.
PUBLIC_PATHS = [
    "^/health$",
    "^/ready$",
    "^/metrics",
    "^/schema",
    "^/problemas",
    "^/api/auth/login$",
    "^/api/auth/refresh$",
    # OAuth 2.0 client credentials: the API client's key is the credential (clientes_api/oauth.py).
    "^/api/auth/token$",
    # Unsubscribe links of marketing e-mails (an HMAC token, no login).
    "^/publico/",
]


class JWTAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    """Puts a ``CurrentUser`` in ``request.user`` or answers 401."""

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise NotAuthorizedException("token ausente")
        token = token.strip()
        if chaves.parece_chave(token) or oauth.parece_token(token):
            state = connection.app.state
            try:
                cliente = await autenticar(
                    state.session_factory,
                    state.settings.tenant_slug,
                    token,
                    redis=state.redis,
                    redis_settings=state.settings.redis,
                )
            except ChaveInvalida as exc:
                raise NotAuthorizedException("chave de API inválida") from exc
            return AuthenticationResult(user=cliente, auth=token)
        try:
            user = _token_cache(connection).user_for(token)
        except InvalidToken as exc:
            raise NotAuthorizedException("token inválido") from exc
        # The token's role and account are checked against the database (cached for
        # seconds): a deactivated or demoted user loses his rights before the token expires.
        user = await estado_usuarios(connection.app.state).conferir(user)
        return AuthenticationResult(user=user, auth=token)


def _token_cache(connection: ASGIConnection) -> VerifiedTokenCache:
    # One per app (Litestar builds a middleware instance per route), made on first use.
    state = connection.app.state
    cache: VerifiedTokenCache | None = state.get("token_cache")
    if cache is None:
        settings: Settings = state.settings
        cache = VerifiedTokenCache(lambda t: verify_access_token(settings.auth, t))
        state.token_cache = cache
    return cache
