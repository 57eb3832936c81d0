"""The authenticated caller as handlers and guards see it (the access token's claims)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from tenant_app.users.roles import Role


@dataclass(frozen=True)
class CurrentUser:
    """The authenticated caller as the token describes it."""

    id: uuid.UUID
    email: str
    role: Role
