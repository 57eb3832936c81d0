"""Request and response bodies of the auth endpoints."""

from __future__ import annotations

from typing import Annotated

import msgspec


class LoginIn(msgspec.Struct, kw_only=True):
    """E-mail and password, and the authenticator's code when the account has 2FA enrolled."""

    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    codigo: (
        Annotated[
            str,
            msgspec.Meta(
                pattern=r"^[0-9]{6}$",
                description="Código de 6 dígitos do aplicativo autenticador (contas com verificação "
                "em duas etapas ativa).",
            ),
        ]
        | None
    ) = None


class RefreshIn(msgspec.Struct, kw_only=True):
    """A refresh token obtained at login or at the previous refresh."""

    refresh_token: Annotated[str, msgspec.Meta(min_length=10, max_length=200)]


class TokenOut(msgspec.Struct, kw_only=True):
    """Tokens after login or refresh."""

    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"


class MeOut(msgspec.Struct, kw_only=True):
    """The caller."""

    id: str
    email: str
    role: str
    tenant: str
