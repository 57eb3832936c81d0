"""JWT access tokens bound to one tenant, and opaque refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta

import jwt

from tenant_app.settings import AuthSettings
from tenant_app.users.current_user import CurrentUser
from tenant_app.users.roles import Role

ALGORITHM = "HS256"


class InvalidToken(Exception):
    """Signature, expiry, issuer or audience is wrong."""


def issue_access_token(
    settings: AuthSettings, user: CurrentUser, now: datetime | None = None
) -> tuple[str, int]:
    """A signed token and its lifetime in seconds. ``iss``/``aud`` name the tenant."""
    now = now or datetime.now(UTC)
    ttl = settings.access_token_minutes * 60
    claims = {
        "iss": settings.issuer,
        "aud": settings.audience,
        "sub": str(user.id),
        "email": user.email,
        "role": user.role.value,
        "tenant": settings.tenant_slug,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl)).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHM), ttl


def decode_access_token(settings: AuthSettings, token: str) -> CurrentUser:
    """Validate and read a token; a token of another tenant fails on ``iss``/``aud`` (and the key)."""
    return verify_access_token(settings, token)[0]


def verify_access_token(settings: AuthSettings, token: str) -> tuple[CurrentUser, int]:
    """Like ``decode_access_token``, also returning the expiry (epoch seconds) for caching."""
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret,
            algorithms=[ALGORITHM],
            audience=settings.audience,
            issuer=settings.issuer,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
        if claims.get("tenant") != settings.tenant_slug:
            raise InvalidToken("tenant")
        user = CurrentUser(
            id=uuid.UUID(claims["sub"]), email=str(claims.get("email", "")), role=Role(claims["role"])
        )
        return user, int(claims["exp"])
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        raise InvalidToken(str(exc)) from exc


def new_refresh_token() -> tuple[str, str]:
    """(token for the client, SHA-256 to store)."""
    token = secrets.token_urlsafe(48)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    """Only the digest is stored: a database leak does not leak sessions."""
    return hashlib.sha256(token.encode()).hexdigest()
