"""Admin access tokens: short-lived HS256 JWTs signed with the instance key."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt

from control_plane.auth.principals import AdminPrincipal
from control_plane.auth.roles import Role

ISSUER = "consorcio-control-plane"
AUDIENCE = "control-plane-admin"


class InvalidToken(Exception):
    pass


def issue_admin_token(
    principal: AdminPrincipal, key: str, ttl_seconds: int, now: datetime | None = None
) -> str:
    now = now or datetime.now(UTC)
    claims: dict[str, object] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(principal.user_id),
        "email": principal.email,
        "role": principal.role.value,
        "iat": now,
        "exp": now + timedelta(seconds=ttl_seconds),
        "jti": uuid.uuid4().hex,
    }
    if principal.totp_pending:
        claims["totp_pending"] = True
    return jwt.encode(claims, key, algorithm="HS256")


def decode_admin_token(token: str, key: str) -> AdminPrincipal:
    """Verify signature, issuer, audience and expiry; InvalidToken otherwise."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["HS256"],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "sub", "role", "email"]},
        )
        return AdminPrincipal(
            uuid.UUID(claims["sub"]),
            str(claims["email"]),
            Role(claims["role"]),
            totp_pending=claims.get("totp_pending") is True,
        )
    except (jwt.PyJWTError, ValueError, KeyError) as err:
        raise InvalidToken(str(err)) from None
