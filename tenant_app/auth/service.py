"""Login with lockout, refresh-token rotation with reuse detection, logout, first admin."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.auditoria.trail import commit, record_event
from tenant_app.auth.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password
from tenant_app.auth.schemas import TokenOut
from tenant_app.auth.tokens import CurrentUser, hash_refresh_token, issue_access_token, new_refresh_token
from tenant_app.erros import ConflitoError, ContaBloqueada, NaoAutenticado
from tenant_app.settings import AuthSettings
from tenant_app.users.models import RefreshToken, User
from tenant_app.users.roles import Role


def _unauthorized(detail: str = "E-mail ou senha incorretos.") -> NaoAutenticado:
    return NaoAutenticado(detail)


async def _issue(session: AsyncSession, settings: AuthSettings, user: User, family: uuid.UUID) -> TokenOut:
    now = datetime.now(UTC)
    access, ttl = issue_access_token(settings, CurrentUser(user.id, user.email, user.role), now)
    token, digest = new_refresh_token()
    session.add(
        RefreshToken(
            user_id=user.id,
            token_hash=digest,
            family_id=family,
            expires_at=now + timedelta(days=settings.refresh_token_days),
            created_at=now,
        )
    )
    return TokenOut(access_token=access, refresh_token=token, expires_in=ttl)


async def login(session: AsyncSession, settings: AuthSettings, email: str, password: str) -> TokenOut:
    """Check the password; lock the account after ``max_failed_logins`` consecutive failures."""
    now = datetime.now(UTC)
    user = (
        await session.execute(
            select(User).where(func.lower(User.email) == email.strip().lower()).with_for_update()
        )
    ).scalar_one_or_none()
    if user is None:
        verify_password(DUMMY_HASH, password)
        raise _unauthorized()
    if user.locked_until is not None and user.locked_until > now:
        raise ContaBloqueada(
            "Conta bloqueada temporariamente por excesso de tentativas. Tente mais tarde.",
            code="conta_bloqueada",
        )
    if not verify_password(user.password_hash, password) or not user.active:
        user.failed_logins += 1
        if user.failed_logins >= settings.max_failed_logins:
            user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
            user.failed_logins = 0
            record_event(session, "lockout", "users", str(user.id), after={"locked_until": user.locked_until})
        await commit(session)
        raise _unauthorized()
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    tokens = await _issue(session, settings, user, uuid.uuid4())
    await commit(session)
    return tokens


async def refresh(session: AsyncSession, settings: AuthSettings, token: str) -> TokenOut:
    """Rotate: the presented token is spent; presenting a spent token revokes its whole family."""
    now = datetime.now(UTC)
    row = (
        await session.execute(
            select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(token)).with_for_update()
        )
    ).scalar_one_or_none()
    if row is None:
        raise _unauthorized("Token de renovação inválido.")
    if row.used_at is not None or row.revoked_at is not None:
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == row.family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        record_event(session, "refresh_reuse", "users", str(row.user_id), after={"family_id": row.family_id})
        await commit(session)
        raise _unauthorized("Token de renovação já utilizado; sessão encerrada por segurança.")
    if row.expires_at <= now:
        raise _unauthorized("Token de renovação expirado.")
    user = await session.get(User, row.user_id)
    if user is None or not user.active:
        raise _unauthorized("Usuário inativo.")
    row.used_at = now
    tokens = await _issue(session, settings, user, row.family_id)
    await commit(session)
    return tokens


async def logout(session: AsyncSession, token: str) -> None:
    """Revoke the family of the given refresh token (idempotent)."""
    row = (
        await session.execute(
            select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(token))
        )
    ).scalar_one_or_none()
    if row is not None:
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == row.family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
        await commit(session)


async def create_user(session: AsyncSession, email: str, nome: str, role: Role, password: str) -> User:
    """Add a user (caller commits). E-mails are unique case-insensitively."""
    exists = (
        await session.execute(select(User.id).where(func.lower(User.email) == email.strip().lower()))
    ).scalar_one_or_none()
    if exists is not None:
        raise ConflitoError("Já existe um usuário com este e-mail.", code="email_duplicado")
    user = User(email=email.strip().lower(), nome=nome, role=role, password_hash=hash_password(password))
    session.add(user)
    return user


async def ensure_initial_admin(session: AsyncSession, email: str, password: str) -> bool:
    """Create the first admin when the tenant has no user yet; False when users exist."""
    if (await session.execute(select(func.count(User.id)))).scalar_one() > 0:
        return False
    await create_user(session, email, "Administrador", Role.ADMIN, password)
    await commit(session)
    return True
