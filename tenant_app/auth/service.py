"""Login with lockout, refresh-token rotation with reuse detection, logout, first admin."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from tenant_app.auth.schemas import TokenOut
from tenant_app.auth.tokens import CurrentUser, hash_refresh_token, issue_access_token, new_refresh_token
from tenant_app.erros import ContaBloqueada, NaoAutenticado
from tenant_app.settings import AuthSettings
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.models import RefreshToken, User
from tenant_app.users.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password


def _unauthorized(detail: str = "E-mail ou senha incorretos.") -> NaoAutenticado:
    return NaoAutenticado(detail)


async def _issue(uow: UnitOfWork, settings: AuthSettings, user: User, family: uuid.UUID) -> TokenOut:
    now = datetime.now(UTC)
    access, ttl = issue_access_token(settings, CurrentUser(user.id, user.email, user.role), now)
    token, digest = new_refresh_token()
    uow.add(
        RefreshToken(
            user_id=user.id,
            token_hash=digest,
            family_id=family,
            expires_at=now + timedelta(days=settings.refresh_token_days),
            created_at=now,
        )
    )
    return TokenOut(access_token=access, refresh_token=token, expires_in=ttl)


async def verificar_credenciais(uow: UnitOfWork, settings: AuthSettings, email: str, password: str) -> User:
    """The user whose password this is; lock the account after ``max_failed_logins`` consecutive failures.

    Shared by the API's token login and the web UI's session login (same lockout, same audit).
    Leaves the changes unflushed: the caller commits (a failure commits the counter itself).
    """
    now = datetime.now(UTC)
    user = (
        await uow.session.execute(
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
        await registrar_falha(uow, settings, user, now)
        raise _unauthorized()
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


async def registrar_falha(uow: UnitOfWork, settings: AuthSettings, user: User, now: datetime) -> None:
    """Count one failed attempt (wrong password or second-factor code); lock at the limit; commit."""
    user.failed_logins += 1
    if user.failed_logins >= settings.max_failed_logins:
        user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
        user.failed_logins = 0
        uow.auditar("lockout", "users", str(user.id), depois={"locked_until": user.locked_until})
    await uow.commit()


async def login(uow: UnitOfWork, settings: AuthSettings, email: str, password: str) -> TokenOut:
    """Check the password (with lockout) and issue an access and a refresh token."""
    user = await verificar_credenciais(uow, settings, email, password)
    tokens = await _issue(uow, settings, user, uuid.uuid4())
    await uow.commit()
    return tokens


async def refresh(uow: UnitOfWork, settings: AuthSettings, token: str) -> TokenOut:
    """Rotate: the presented token is spent; presenting a spent token revokes its whole family."""
    now = datetime.now(UTC)
    row = (
        await uow.session.execute(
            select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(token)).with_for_update()
        )
    ).scalar_one_or_none()
    if row is None:
        raise _unauthorized("Token de renovação inválido.")
    if row.used_at is not None or row.revoked_at is not None:
        await uow.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == row.family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        uow.auditar("refresh_reuse", "users", str(row.user_id), depois={"family_id": row.family_id})
        await uow.commit()
        raise _unauthorized("Token de renovação já utilizado; sessão encerrada por segurança.")
    if row.expires_at <= now:
        raise _unauthorized("Token de renovação expirado.")
    user = await uow.session.get(User, row.user_id)
    if user is None or not user.active:
        raise _unauthorized("Usuário inativo.")
    row.used_at = now
    tokens = await _issue(uow, settings, user, row.family_id)
    await uow.commit()
    return tokens


async def logout(uow: UnitOfWork, token: str) -> None:
    """Revoke the family of the given refresh token (idempotent)."""
    row = (
        await uow.session.execute(
            select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(token))
        )
    ).scalar_one_or_none()
    if row is not None:
        await uow.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == row.family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
        await uow.commit()
