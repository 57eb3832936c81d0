"""Login with throttling, refresh-token rotation with reuse detection, logout, first admin."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from consorcio_kit.login_throttle import LoginThrottle, account_id
from tenant_app.auth.schemas import TokenOut
from tenant_app.auth.tokens import CurrentUser, hash_refresh_token, issue_access_token, new_refresh_token
from tenant_app.erros import ContaBloqueada, MuitasTentativas, NaoAutenticado
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


async def verificar_credenciais(
    uow: UnitOfWork,
    settings: AuthSettings,
    email: str,
    password: str,
    *,
    throttle: LoginThrottle | None = None,
    origem: str = "desconhecida",
) -> User:
    """The user whose password this is; every failure audited and throttled.

    Shared by the API's token login and the web UI's session login. An attempt is
    refused (429 ``muitas_tentativas``) *before* the password is checked while this
    account or this address must wait (``consorcio_kit.login_throttle``: a delay that
    grows with the failures, never a lock a stranger can set). Unknown e-mail, wrong
    password and inactive account give the same 401 and cost the same time, and the
    wait is counted on the e-mail as typed, so nothing tells which accounts exist.
    Only after the right password may an account locked by wrong TOTP codes answer
    423. Leaves the changes unflushed: the caller commits (a failure commits its audit).
    """
    if throttle is not None:
        espera = await throttle.wait_seconds(email, origem)
        if espera > 0:
            raise MuitasTentativas(espera)
    now = datetime.now(UTC)
    user = (
        await uow.session.execute(
            select(User).where(func.lower(User.email) == email.strip().lower()).with_for_update()
        )
    ).scalar_one_or_none()
    # The dummy hash costs what a real one does: the answer time does not tell either.
    valid = verify_password(user.password_hash if user is not None else DUMMY_HASH, password)
    if user is None or not valid or not user.active:
        await registrar_login_falho(uow, user, email, origem, throttle)
        raise _unauthorized()
    if user.locked_until is not None and user.locked_until > now:
        raise ContaBloqueada(
            "Conta bloqueada temporariamente por excesso de códigos de verificação errados. "
            "Tente mais tarde ou peça o desbloqueio a um administrador.",
            code="conta_bloqueada",
        )
    if throttle is not None:
        await throttle.succeeded(email, origem)
    user.failed_logins = 0
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


async def registrar_login_falho(
    uow: UnitOfWork, user: User | None, email: str, origem: str, throttle: LoginThrottle | None
) -> None:
    """Audit one failed login (the e-mail only as its hash: an unknown one may be anyone's
    personal data), commit, and make the next attempt of this account/address wait."""
    uow.auditar(
        "login_falhou",
        "users",
        str(user.id) if user is not None else None,
        depois={"conta": account_id(email), "origem": origem, "conta_existe": user is not None},
    )
    await uow.commit()
    if throttle is not None:
        await throttle.failed(email, origem)


async def registrar_falha(uow: UnitOfWork, settings: AuthSettings, user: User, now: datetime) -> None:
    """Count one wrong second-factor code; lock the second factor at the limit; commit.

    Only someone who knows the password gets this far, so this lock cannot be set by a
    stranger (wrong passwords are throttled, never locked: ``verificar_credenciais``).
    """
    user.failed_logins += 1
    if user.failed_logins >= settings.max_failed_logins:
        user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
        user.failed_logins = 0
        uow.auditar("lockout", "users", str(user.id), depois={"locked_until": user.locked_until})
    await uow.commit()


async def emitir_tokens(uow: UnitOfWork, settings: AuthSettings, user: User) -> TokenOut:
    """A new session (token family) for ``user``; commits."""
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
