"""Login, refresh, logout and "who am I"."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import JSONBody

from tenant_app.auth import login as entrada
from tenant_app.auth import service
from tenant_app.auth.schemas import LoginIn, MeOut, RefreshIn, TokenOut
from tenant_app.auth.tokens import CurrentUser
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.throttle import login_throttle, origem


class AuthController(Controller):
    """``/api/auth``: public login/refresh, authenticated logout/me."""

    path = "/api/auth"
    tags = ["auth"]  # noqa: RUF012

    @post("/login", operation_id="login", name="auth:login", status_code=200)
    async def login(
        self,
        request: Request[CurrentUser, str, State],
        data: JSONBody[LoginIn],
        uow: NamedDependency[UnitOfWork],
        state: State,
    ) -> TokenOut:
        """Exchange e-mail and password (and the TOTP code, with 2FA enrolled) for tokens.

        Wrong credentials are 401 whether or not the e-mail exists; failures make the next
        attempts of that account and address wait longer and longer (429 with Retry-After),
        never lock the account.
        """
        return await entrada.login(
            uow,
            state.settings.auth,
            data.email,
            data.password,
            data.codigo,
            throttle=login_throttle(state),
            origem=origem(request.scope),
        )

    @post("/refresh", operation_id="refreshToken", name="auth:refresh", status_code=200)
    async def refresh(
        self, data: JSONBody[RefreshIn], uow: NamedDependency[UnitOfWork], state: State
    ) -> TokenOut:
        """Rotate the refresh token and get a new access token."""
        return await service.refresh(uow, state.settings.auth, data.refresh_token)

    @post("/logout", operation_id="logout", name="auth:logout", status_code=204)
    async def logout(self, data: JSONBody[RefreshIn], uow: NamedDependency[UnitOfWork]) -> None:
        """End the session of this refresh token."""
        await service.logout(uow, data.refresh_token)

    @get("/me", operation_id="me", name="auth:me")
    async def me(self, request: Request[CurrentUser, str, State], state: State) -> MeOut:
        """The authenticated user."""
        user = request.user
        return MeOut(
            id=str(user.id), email=user.email, role=user.role.value, tenant=state.settings.tenant_slug
        )
