"""The authenticated caller as handlers and guards see it (a JWT's claims, or an API key's client)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from tenant_app.users.roles import Permission, Role, role_can


@dataclass(frozen=True)
class CurrentUser:
    """The authenticated caller as the token describes it.

    An API client (``tenant_app.clientes_api``) is a caller too: its id is the client's,
    ``role`` is the role bounding it, ``permissoes`` narrows that role further and
    ``limite_por_minuto`` replaces the per-user rate limit.
    """

    id: uuid.UUID
    email: str
    role: Role
    #: None for staff users (the role decides); for API clients, the permissions granted.
    permissoes: frozenset[Permission] | None = None
    limite_por_minuto: int | None = None

    def pode(self, permission: Permission) -> bool:
        """The role grants ``permission`` and, for an API client, so does its scope."""
        if not role_can(self.role, permission):
            return False
        return self.permissoes is None or permission in self.permissoes
