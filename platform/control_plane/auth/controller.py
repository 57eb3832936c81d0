"""Staff login."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.audit.service import ActionContext
from control_plane.auth.guards import admin_guard, current_admin
from control_plane.auth.roles import PERMISSIONS, Permission
from control_plane.auth.schemas import LoginRequest, MeResponse, TokenResponse
from control_plane.auth.service import AdminUserService
from control_plane.auth.throttle import login_throttle
from control_plane.auth.tokens import issue_admin_token


class AuthController(Controller):
    path = "/api/auth"
    tags = ("auth",)

    @post("/token", operation_id="createAccessToken", name="auth:token", status_code=200)
    async def token(
        self,
        data: JSONBody[LoginRequest],
        db_session: NamedDependency[AsyncSession],
        state: State,
        action_context: NamedDependency[ActionContext],
    ) -> TokenResponse:
        """Exchange e-mail and password for a bearer token.

        Failed logins make the next attempts of that account and address wait longer and
        longer (429 with Retry-After), whether or not the account exists.
        """
        principal = await AdminUserService(db_session).authenticate(
            data.email, data.password, throttle=login_throttle(state), ctx=action_context
        )
        ttl = state.settings.auth.admin_token_ttl_seconds
        token = issue_admin_token(principal, state.signing_key, ttl)
        return TokenResponse(
            access_token=token, token_type="Bearer", expires_in=ttl, role=principal.role.value
        )

    @get(
        "/me",
        operation_id="whoAmI",
        name="auth:me",
        guards=[admin_guard],
        opt={"permission": Permission.PLANS_READ},
    )
    async def me(self, request: Request) -> MeResponse:  # type: ignore[type-arg]
        """The caller's identity and permissions."""
        principal = current_admin(request)
        return MeResponse(
            email=principal.email,
            role=principal.role.value,
            permissions=sorted(p.value for p in PERMISSIONS[principal.role]),
        )
