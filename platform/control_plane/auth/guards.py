"""Route guards: platform staff by role, tenant apps by ServiceAccount.

Admin routes declare the permission they need in ``opt={"permission": ...}``;
a route without one is refused, so forgetting to declare it fails closed.
A token issued while TOTP enrolment is pending (``CONTROL_PLANE_REQUIRE_TOTP_FOR_ADMINS``)
only reaches the routes marked ``opt={"totp_enrolment": True}``.
Tenant-app routes carry the tenant slug in the path and the guard requires
it to be the caller's own tenant: that check is the isolation boundary.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from control_plane.auth.principals import AdminPrincipal, TenantAppPrincipal
from control_plane.auth.roles import Permission
from control_plane.auth.service import AdminUserService
from control_plane.auth.tokens import InvalidToken, decode_admin_token
from control_plane.problems import Forbidden, Unauthorized


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send 'Authorization: Bearer <token>'")
    return token.strip()


async def admin_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    permission = handler.opt.get("permission")
    if not isinstance(permission, Permission):
        raise Forbidden("this route declares no permission")
    token = bearer_token(connection)
    state = connection.app.state
    try:
        principal = decode_admin_token(token, state.signing_key)
    except InvalidToken:
        raise Unauthorized("the access token is invalid or expired") from None
    # Tokens outlive role changes and deactivation: check the account each time.
    async with state.session_factory() as session:
        if not await AdminUserService(session).is_active(principal):
            raise Unauthorized("the account is disabled or its role changed; log in again")
    if principal.totp_pending and not handler.opt.get("totp_enrolment"):
        raise Forbidden(
            "this role must use a TOTP authenticator: enrol it (POST /api/auth/totp), then log in again"
        )
    if not principal.can(permission):
        raise Forbidden(f"role {principal.role.value!r} may not {permission.value}")
    connection.state.principal = principal


async def tenant_app_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    token = bearer_token(connection)
    principal: TenantAppPrincipal = await connection.app.state.token_reviewer.authenticate(token)
    if connection.path_params.get("slug") != principal.slug:
        raise Forbidden("a tenant app may only act for its own tenant")
    connection.state.principal = principal


def current_admin(connection: ASGIConnection[Any, Any, Any, Any]) -> AdminPrincipal:
    principal = connection.state.principal
    assert isinstance(principal, AdminPrincipal)
    return principal


def current_tenant_app(connection: ASGIConnection[Any, Any, Any, Any]) -> TenantAppPrincipal:
    principal = connection.state.principal
    assert isinstance(principal, TenantAppPrincipal)
    return principal
