"""User and RefreshToken tables."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tenant_app.database.base import Base, Timestamps, UUIDPrimaryKey, str_enum
from tenant_app.users.roles import Role


class User(UUIDPrimaryKey, Timestamps, Base):
    """A staff member who logs in to the tenant app."""

    __tablename__ = "users"
    __audit_exclude__ = frozenset(
        {
            "password_hash",
            "failed_logins",
            "locked_until",
            "last_login_at",
            "totp_secret",
            "totp_ultimo_passo",
        }
    )

    email: Mapped[str] = mapped_column(String(254), unique=True)
    nome: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role, 16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    #: Base32 TOTP secret (RFC 6238), set at enrolment; the second factor counts once activated.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_ativado_em: Mapped[datetime | None]
    #: Last accepted 30-second step: a code is accepted once (no replay within its window).
    totp_ultimo_passo: Mapped[int | None] = mapped_column(BigInteger)


class RefreshToken(UUIDPrimaryKey, Base):
    """One refresh token; rotation marks it used and issues the next of the same family.

    Presenting a used token again means it leaked: the whole family is revoked.
    Only a SHA-256 of the token is stored.
    """

    __tablename__ = "refresh_tokens"
    __audited__ = False

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
