"""Bodies of the user-management endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from consorcio_kit.input_rules import Email
from tenant_app.users.roles import Role


class UserCreate(msgspec.Struct, kw_only=True):
    """A new staff user."""

    email: Email
    nome: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
    role: Role
    password: Annotated[str, msgspec.Meta(min_length=10, max_length=200)]


class UserUpdate(msgspec.Struct, kw_only=True):
    """Change role, name or deactivate."""

    nome: Annotated[str, msgspec.Meta(min_length=2, max_length=200)] | None = None
    role: Role | None = None
    active: bool | None = None


class UserOut(msgspec.Struct, kw_only=True):
    """A user without secrets."""

    id: uuid.UUID
    email: str
    nome: str
    role: Role
    active: bool
    locked_until: datetime | None
    last_login_at: datetime | None
    created_at: datetime
