"""Platform staff accounts, logins and the admin-token signing key."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from consorcio_kit.login_throttle import LoginThrottle, account_id
from control_plane.audit.service import ActionContext, AuditService
from control_plane.auth.models import AdminUser, InstanceSecret
from control_plane.auth.passwords import hash_password, verify_password
from control_plane.auth.principals import AdminPrincipal
from control_plane.auth.roles import Role
from control_plane.auth.second_factor import check_login_code, must_use_totp
from control_plane.problems import TooManyAttempts, TotpInvalid, TotpRequired, Unauthorized

SIGNING_KEY_NAME = "admin-token-signing-key"


async def ensure_signing_key(session: AsyncSession) -> str:
    """The installation's admin-token key, generated on first use (race-safe)."""
    await session.execute(
        insert(InstanceSecret)
        .values(name=SIGNING_KEY_NAME, value=secrets.token_urlsafe(48))
        .on_conflict_do_nothing(index_elements=["name"])
    )
    value = await session.scalar(select(InstanceSecret.value).where(InstanceSecret.name == SIGNING_KEY_NAME))
    await session.commit()
    assert value is not None
    return value


class AdminUserService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def upsert(
        self, ctx: ActionContext, email: str, password: str, role: Role, display_name: str = ""
    ) -> AdminUser:
        """Create the account or reset its password and role (idempotent for ``create-admin``)."""
        email = email.strip().lower()
        user = await self.session.scalar(select(AdminUser).where(AdminUser.email == email))
        created = user is None
        if user is None:
            user = AdminUser(email=email, display_name=display_name, role=role, password_hash="")
            self.session.add(user)
        user.password_hash = hash_password(password)
        user.role = role
        user.active = True
        if display_name:
            user.display_name = display_name
        await self.session.flush()
        AuditService(self.session).record(
            ctx,
            "admin_user.create" if created else "admin_user.update",
            "admin_user",
            email,
            {"role": role.value},
        )
        await self.session.commit()
        return user

    async def authenticate(
        self,
        email: str,
        password: str,
        *,
        totp: str | None = None,
        throttle: LoginThrottle | None = None,
        ctx: ActionContext | None = None,
        require_totp_for_admins: bool = False,
    ) -> AdminPrincipal:
        """Check a password login (and its TOTP code when enrolled); one error for a wrong password.

        Throttled (``consorcio_kit.login_throttle``): while this account or address must
        wait, 429 before the password is even checked, whether or not the account exists.
        A wrong e-mail or password answers the same whatever went wrong (no account probing)
        and the code is not looked at. After the right password, an enrolled account without
        a code gets ``totp-required`` and with a wrong, expired or replayed one ``totp-invalid``
        (``second_factor.check_login_code``; a recovery code is accepted once). Every failure
        counts in the throttle and is audited (``admin_user.login_failed``, the e-mail only
        as a hash, with the ``reason``).
        """
        source = (ctx.source_ip if ctx else None) or "unknown"
        if throttle is not None:
            wait = await throttle.wait_seconds(email, source)
            if wait > 0:
                raise TooManyAttempts(wait)
        user = await self.session.scalar(select(AdminUser).where(AdminUser.email == email.strip().lower()))
        ok = verify_password(user.password_hash if user else None, password)
        if user is None or not ok or not user.active:
            await self._login_failed(email, source, ctx, "password", account_exists=user is not None)
            if throttle is not None:
                await throttle.failed(email, source)
            raise Unauthorized("wrong e-mail or password")
        factor: str | None = "password"
        if user.totp_enabled_at is not None:
            # Locked: two logins with the same code must not both pass (replay).
            user = await self.session.get(AdminUser, user.id, with_for_update=True, populate_existing=True)
            assert user is not None
            factor = check_login_code(user, totp) if totp else "missing"
            if factor in ("missing", None):
                reason = "totp-missing" if factor == "missing" else "totp-invalid"
                await self._login_failed(email, source, ctx, reason, account_exists=True)
                if throttle is not None:
                    await throttle.failed(email, source)
                if factor == "missing":
                    raise TotpRequired("this account uses TOTP: send the authenticator's code in 'totp'")
                raise TotpInvalid("the code is wrong, expired or already used")
        if throttle is not None:
            await throttle.succeeded(email, source)
        user.last_login_at = datetime.now(UTC)
        pending = user.totp_enabled_at is None and must_use_totp(user.role, require_totp_for_admins)
        principal = AdminPrincipal(user.id, user.email, user.role, totp_pending=pending)
        details: dict[str, Any] = {"factor": factor}
        if factor == "recovery-code":
            details["recoveryCodesLeft"] = len(user.totp_recovery_hashes)
        if pending:
            details["totpEnrolmentPending"] = True
        AuditService(self.session).record(
            ActionContext(user.email, user.role.value, ctx.request_id if ctx else None, source),
            "admin_user.login",
            "admin_user",
            user.email,
            details,
        )
        await self.session.commit()
        return principal

    async def _login_failed(
        self, email: str, source: str, ctx: ActionContext | None, reason: str, *, account_exists: bool
    ) -> None:
        AuditService(self.session).record(
            ctx or ActionContext("anonymous", "anonymous"),
            "admin_user.login_failed",
            "admin_user",
            account_id(email),
            {"accountExists": account_exists, "sourceIp": source, "reason": reason},
        )
        await self.session.commit()

    async def totp_enabled(self, principal: AdminPrincipal) -> bool:
        """Whether the caller has an active TOTP authenticator."""
        user = await self.session.get(AdminUser, principal.user_id)
        return user is not None and user.totp_enabled_at is not None

    async def is_active(self, principal: AdminPrincipal) -> bool:
        """Whether the account behind a token still exists, is active and holds the same role."""
        user = await self.session.get(AdminUser, principal.user_id)
        return user is not None and user.active and user.role == principal.role
