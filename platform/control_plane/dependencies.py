"""Request-scoped dependencies shared by the controllers."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

from litestar import Request
from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.audit.service import ActionContext
from control_plane.auth.principals import AdminPrincipal, TenantAppPrincipal
from control_plane.settings import Settings
from control_plane.tenants.resources import TenantResources


async def provide_db_session(state: State) -> AsyncIterator[AsyncSession]:
    """One session per request; services commit explicitly, anything left is rolled back."""
    async with state.session_factory() as session:
        yield session


def provide_action_context(request: Request[Any, Any, Any]) -> ActionContext:
    principal = getattr(request.state, "principal", None)
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    source_ip = request.client.host if request.client else None
    if isinstance(principal, AdminPrincipal):
        return ActionContext(principal.email, principal.role.value, request_id, source_ip)
    if isinstance(principal, TenantAppPrincipal):
        return ActionContext(principal.username, "tenant-app", request_id, source_ip)
    return ActionContext("anonymous", "anonymous", request_id, source_ip)


def provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


def provide_resources(state: State) -> TenantResources:
    resources: TenantResources = state.tenant_resources
    return resources
