"""Platform staff accounts and instance secrets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from control_plane.auth.roles import Role
from control_plane.database.base import Base, Timestamps, UUIDPrimaryKey, str_enum


class AdminUser(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "admin_users"

    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    # TOTP second factor (auth/second_factor.py). The secret is stored in clear, like the
    # tenant app's: the control plane has no encryption key apart from its token key.
    totp_secret: Mapped[str | None] = mapped_column(Text)  # set at enrolment start
    totp_enabled_at: Mapped[datetime | None]  # set by the first valid code; None: not enrolled
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)  # no code of this step or older
    totp_recovery_hashes: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")


class InstanceSecret(Base):
    """Secrets generated once per installation (the admin-token key when none is configured)."""

    __tablename__ = "instance_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
