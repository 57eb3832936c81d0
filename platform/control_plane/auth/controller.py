"""Staff login and the caller's TOTP second factor."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.audit.service import ActionContext
from control_plane.auth.guards import admin_guard, current_admin
from control_plane.auth.roles import PERMISSIONS, Permission
from control_plane.auth.schemas import (
    LoginRequest,
    MeResponse,
    TokenResponse,
    TotpCodeRequest,
    TotpConfirmedResponse,
    TotpEnrolmentResponse,
)
from control_plane.auth.second_factor import SecondFactorService
from control_plane.auth.service import AdminUserService
from control_plane.auth.throttle import login_throttle
from control_plane.auth.tokens import issue_admin_token

#: Any member of the staff, including a token that may only enrol TOTP (guards.py).
_SELF = {"permission": Permission.PLANS_READ, "totp_enrolment": True}


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
        """Exchange e-mail, password and (once enrolled) a TOTP code for a bearer token.

        A wrong e-mail or password answers 401 `unauthorized`, the same for every account.
        After the right password, an account with TOTP enrolled answers 401 `totp-required`
        without `totp` and 401 `totp-invalid` for a wrong, expired or already used code; a
        recovery code is accepted once. Failed logins make the next attempts of that account
        and address wait longer and longer (429 with Retry-After), whether or not the account
        exists. With `CONTROL_PLANE_REQUIRE_TOTP_FOR_ADMINS`, a platform-admin without TOTP
        gets `totp_enrolment_required: true` and a token that only enrols it.
        """
        principal = await AdminUserService(db_session).authenticate(
            data.email,
            data.password,
            totp=data.totp,
            throttle=login_throttle(state),
            ctx=action_context,
            require_totp_for_admins=state.settings.auth.require_totp_for_admins,
        )
        ttl = state.settings.auth.admin_token_ttl_seconds
        token = issue_admin_token(principal, state.signing_key, ttl)
        return TokenResponse(
            access_token=token,
            token_type="Bearer",
            expires_in=ttl,
            role=principal.role.value,
            totp_enrolment_required=principal.totp_pending,
        )

    @get("/me", operation_id="whoAmI", name="auth:me", guards=[admin_guard], opt=_SELF)
    async def me(self, request: Request, db_session: NamedDependency[AsyncSession]) -> MeResponse:  # type: ignore[type-arg]
        """The caller's identity, permissions and whether TOTP is active."""
        principal = current_admin(request)
        return MeResponse(
            email=principal.email,
            role=principal.role.value,
            permissions=sorted(p.value for p in PERMISSIONS[principal.role]),
            totp_enabled=await AdminUserService(db_session).totp_enabled(principal),
        )

    @post(
        "/totp",
        operation_id="startTotpEnrolment",
        name="auth:totp-start",
        guards=[admin_guard],
        opt=_SELF,
        status_code=201,
    )
    async def start_totp(
        self,
        request: Request,  # type: ignore[type-arg]
        db_session: NamedDependency[AsyncSession],
        action_context: NamedDependency[ActionContext],
    ) -> TotpEnrolmentResponse:
        """Start enrolling a TOTP authenticator: a new secret, its otpauth URI and QR code.

        Shown once; nothing changes at login until `confirmTotpEnrolment` accepts a code.
        Starting again replaces a secret not yet confirmed; 409 when TOTP is already active.
        """
        enrolment = await SecondFactorService(db_session).start(action_context, current_admin(request))
        return TotpEnrolmentResponse(
            secret=enrolment.secret, otpauth_uri=enrolment.otpauth_uri, qr_svg=enrolment.qr_svg
        )

    @post(
        "/totp/confirm",
        operation_id="confirmTotpEnrolment",
        name="auth:totp-confirm",
        guards=[admin_guard],
        opt=_SELF,
        status_code=200,
    )
    async def confirm_totp(
        self,
        request: Request,  # type: ignore[type-arg]
        data: JSONBody[TotpCodeRequest],
        db_session: NamedDependency[AsyncSession],
        state: State,
        action_context: NamedDependency[ActionContext],
    ) -> TotpConfirmedResponse:
        """Activate TOTP with the authenticator's first code; returns ten single-use recovery codes.

        From now on the login needs a code. A wrong code answers 422 and counts in the login
        throttle (429 with Retry-After after too many). A token issued while enrolment was
        required keeps its limits: log in again with a code.
        """
        codes = await SecondFactorService(db_session).confirm(
            action_context, current_admin(request), data.code, throttle=login_throttle(state)
        )
        return TotpConfirmedResponse(recovery_codes=codes)

    @post(
        "/totp/disable",
        operation_id="disableTotp",
        name="auth:totp-disable",
        guards=[admin_guard],
        opt=_SELF,
        status_code=204,
    )
    async def disable_totp(
        self,
        request: Request,  # type: ignore[type-arg]
        data: JSONBody[TotpCodeRequest],
        db_session: NamedDependency[AsyncSession],
        state: State,
        action_context: NamedDependency[ActionContext],
    ) -> None:
        """Turn TOTP off with a current code or a recovery code.

        A wrong code answers 422 and counts in the login throttle. 409 when TOTP is not active,
        or when the caller is a platform-admin and `CONTROL_PLANE_REQUIRE_TOTP_FOR_ADMINS` is on
        (a lost authenticator is reset by an administrator: `python -m control_plane reset-totp`).
        """
        await SecondFactorService(db_session).disable(
            action_context,
            current_admin(request),
            data.code,
            required_for_admins=state.settings.auth.require_totp_for_admins,
            throttle=login_throttle(state),
        )
