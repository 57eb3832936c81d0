"""Platform staff accounts, logins and the admin-token signing key."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from consorcio_kit.login_throttle import LoginThrottle, account_id
from control_plane.audit.service import ActionContext, AuditService
from control_plane.auth.models import AdminUser, InstanceSecret
from control_plane.auth.passwords import hash_password, verify_password
from control_plane.auth.principals import AdminPrincipal
from control_plane.auth.roles import Role
from control_plane.problems import TooManyAttempts, Unauthorized

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
        throttle: LoginThrottle | None = None,
        ctx: ActionContext | None = None,
    ) -> AdminPrincipal:
        """Check a password login; the same error whatever went wrong (no account probing).

        Throttled (``consorcio_kit.login_throttle``): while this account or address must
        wait, 429 before the password is even checked, whether or not the account exists.
        Every failure is audited (``admin_user.login_failed``, the e-mail only as a hash).
        """
        source = (ctx.source_ip if ctx else None) or "unknown"
        if throttle is not None:
            wait = await throttle.wait_seconds(email, source)
            if wait > 0:
                raise TooManyAttempts(wait)
        user = await self.session.scalar(select(AdminUser).where(AdminUser.email == email.strip().lower()))
        ok = verify_password(user.password_hash if user else None, password)
        if user is None or not ok or not user.active:
            AuditService(self.session).record(
                ctx or ActionContext("anonymous", "anonymous"),
                "admin_user.login_failed",
                "admin_user",
                account_id(email),
                {"accountExists": user is not None, "sourceIp": source},
            )
            await self.session.commit()
            if throttle is not None:
                await throttle.failed(email, source)
            raise Unauthorized("wrong e-mail or password")
        if throttle is not None:
            await throttle.succeeded(email, source)
        user.last_login_at = datetime.now(UTC)
        principal = AdminPrincipal(user.id, user.email, user.role)
        AuditService(self.session).record(
            ActionContext(user.email, user.role.value, ctx.request_id if ctx else None, source),
            "admin_user.login",
            "admin_user",
            user.email,
        )
        await self.session.commit()
        return principal

    async def is_active(self, principal: AdminPrincipal) -> bool:
        """Whether the account behind a token still exists, is active and holds the same role."""
        user = await self.session.get(AdminUser, principal.user_id)
        return user is not None and user.active and user.role == principal.role
