"""TOTP second factor for platform staff (the RFC 6238 parts are ``consorcio_kit.totp``).

Enrolment: ``start`` stores a new secret unactivated and shows it once (URI + QR); the first
valid code (``confirm``) activates it and returns ten single-use recovery codes, of which only
hashes are kept. From then on the login needs a code (``check_login_code``); a code is never
accepted twice (the last accepted step is kept, under a row lock). Disabling needs a current
code or a recovery code; an administrator's reset (``reset``, the CLI's ``reset-totp``) needs
neither. Wrong codes on enrol/disable count in the login throttle like wrong passwords, so a
stolen access token cannot be used to guess them. Every change is audited.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from consorcio_kit import totp
from consorcio_kit.login_throttle import LoginThrottle
from control_plane.audit.service import ActionContext, AuditService
from control_plane.auth.models import AdminUser
from control_plane.auth.principals import AdminPrincipal
from control_plane.auth.roles import Role
from control_plane.problems import Conflict, InvalidInput, NotFound, TooManyAttempts, Unauthorized

ISSUER = "Consórcio Control Plane"


@dataclass(frozen=True)
class Enrolment:
    secret: str
    otpauth_uri: str
    qr_svg: str


def must_use_totp(role: Role, required_for_admins: bool) -> bool:
    """Whether ``role`` may not work without TOTP (``CONTROL_PLANE_REQUIRE_TOTP_FOR_ADMINS``)."""
    return required_for_admins and role == Role.PLATFORM_ADMIN


def check_login_code(user: AdminUser, code: str, now: float | None = None) -> str | None:
    """Accept a TOTP code or a recovery code for ``user`` (locked row), consuming it.

    Returns ``"totp"`` or ``"recovery-code"``, or None when neither matched (wrong, expired,
    replayed, already used). The caller commits.
    """
    if user.totp_secret is None or user.totp_enabled_at is None:
        return None
    now = time.time() if now is None else now
    step = totp.accepted_step(user.totp_secret, code, user.totp_last_step, now)
    if step is not None:
        user.totp_last_step = step
        return "totp"
    used = totp.matching_recovery_hash(code, list(user.totp_recovery_hashes or []))
    if used is not None:
        user.totp_recovery_hashes = [h for h in user.totp_recovery_hashes if h != used]
        return "recovery-code"
    return None


class SecondFactorService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _locked(self, user_id: uuid.UUID) -> AdminUser:
        user = await self.session.get(AdminUser, user_id, with_for_update=True, populate_existing=True)
        if user is None or not user.active:
            raise Unauthorized("the account is disabled; log in again")
        return user

    async def _wrong_code(
        self, ctx: ActionContext, user: AdminUser, action: str, throttle: LoginThrottle | None
    ) -> InvalidInput:
        AuditService(self.session).record(
            ctx, "admin_user.totp_code_failed", "admin_user", user.email, {"during": action}
        )
        await self.session.commit()
        if throttle is not None:
            await throttle.failed(user.email, ctx.source_ip or "unknown")
        return InvalidInput.field("code", "the code is wrong, expired or already used")

    async def _throttled(self, ctx: ActionContext, email: str, throttle: LoginThrottle | None) -> None:
        if throttle is not None:
            wait = await throttle.wait_seconds(email, ctx.source_ip or "unknown")
            if wait > 0:
                raise TooManyAttempts(wait)

    async def start(self, ctx: ActionContext, principal: AdminPrincipal) -> Enrolment:
        """A new, unactivated secret for the caller (409 when TOTP is already active)."""
        user = await self._locked(principal.user_id)
        if user.totp_enabled_at is not None:
            raise Conflict("TOTP is already active; disable it first to enrol another authenticator")
        user.totp_secret = totp.new_secret()
        uri = totp.provisioning_uri(user.totp_secret, user.email, ISSUER)
        AuditService(self.session).record(ctx, "admin_user.totp_enrolment_started", "admin_user", user.email)
        enrolment = Enrolment(user.totp_secret, uri, totp.qr_svg(uri))
        await self.session.commit()
        return enrolment

    async def confirm(
        self,
        ctx: ActionContext,
        principal: AdminPrincipal,
        code: str,
        *,
        throttle: LoginThrottle | None = None,
        now: float | None = None,
    ) -> list[str]:
        """Activate the enrolment with its first valid code; the new recovery codes (shown once)."""
        await self._throttled(ctx, principal.email, throttle)
        user = await self._locked(principal.user_id)
        if user.totp_enabled_at is not None:
            raise Conflict("TOTP is already active")
        if user.totp_secret is None:
            raise Conflict("no enrolment was started: POST /api/auth/totp first")
        step = totp.accepted_step(user.totp_secret, code, None, time.time() if now is None else now)
        if step is None:
            raise await self._wrong_code(ctx, user, "enrolment", throttle)
        codes = totp.new_recovery_codes()
        user.totp_enabled_at = datetime.now(UTC)
        user.totp_last_step = step
        user.totp_recovery_hashes = [totp.recovery_code_hash(c) for c in codes]
        AuditService(self.session).record(ctx, "admin_user.totp_enabled", "admin_user", user.email)
        await self.session.commit()
        return codes

    async def disable(
        self,
        ctx: ActionContext,
        principal: AdminPrincipal,
        code: str,
        *,
        required_for_admins: bool,
        throttle: LoginThrottle | None = None,
        now: float | None = None,
    ) -> None:
        """Turn TOTP off with a current code or a recovery code (409 when the role must keep it)."""
        await self._throttled(ctx, principal.email, throttle)
        user = await self._locked(principal.user_id)
        if user.totp_enabled_at is None:
            raise Conflict("TOTP is not active")
        if must_use_totp(user.role, required_for_admins):
            raise Conflict("platform admins must keep TOTP; another admin can reset it (reset-totp)")
        if check_login_code(user, code, now) is None:
            raise await self._wrong_code(ctx, user, "disable", throttle)
        _clear(user)
        AuditService(self.session).record(ctx, "admin_user.totp_disabled", "admin_user", user.email)
        await self.session.commit()

    async def reset(self, ctx: ActionContext, email: str) -> None:
        """An administrator's reset (lost device): TOTP off without a code; audited."""
        user = await self.session.scalar(
            select(AdminUser).where(AdminUser.email == email.strip().lower()).with_for_update()
        )
        if user is None:
            raise NotFound(f"no staff account {email!r}")
        was_active = user.totp_enabled_at is not None
        _clear(user)
        AuditService(self.session).record(
            ctx, "admin_user.totp_reset", "admin_user", user.email, {"wasActive": was_active}
        )
        await self.session.commit()


def _clear(user: AdminUser) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.totp_recovery_hashes = []
