"""Who is calling: a member of the platform staff or a tenant app."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from consorcio_contract.names import TENANT_APP_SERVICE_ACCOUNT, TENANT_NAMESPACE_PREFIX
from control_plane.auth.roles import Permission, Role, allows

# The operator runs each tenant app as this ServiceAccount in its namespace.
_TENANT_APP_USERNAME = re.compile(
    rf"^system:serviceaccount:{re.escape(TENANT_NAMESPACE_PREFIX)}([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)"
    rf":{re.escape(TENANT_APP_SERVICE_ACCOUNT)}$"
)


@dataclass(frozen=True)
class AdminPrincipal:
    user_id: uuid.UUID
    email: str
    role: Role
    totp_pending: bool = False
    """The role must use TOTP and the account has not enrolled it: the token only enrols it."""

    @property
    def actor(self) -> str:
        return self.email

    def can(self, permission: Permission) -> bool:
        return allows(self.role, permission)


@dataclass(frozen=True)
class TenantAppPrincipal:
    """A tenant app, identified by its ServiceAccount through TokenReview."""

    slug: str
    username: str

    @property
    def actor(self) -> str:
        return self.username


@dataclass(frozen=True)
class SystemActor:
    """Scheduled jobs (Celery beat) and the CLI."""

    name: str

    @property
    def actor(self) -> str:
        return f"system:{self.name}"


def tenant_slug_for_username(username: str) -> str | None:
    """``system:serviceaccount:tenant-acme:tenant-app`` -> ``acme``; anything else -> None.

    Only the ``tenant-app`` ServiceAccount of a ``tenant-*`` namespace speaks
    for a tenant: the namespace's ``default`` account or any other workload
    in it does not.
    """
    match = _TENANT_APP_USERNAME.match(username)
    return match.group(1) if match else None
