"""Staff accounts: creation (e-mails unique case-insensitively), edits, unlocking, the first admin."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.erros import ConflitoError, NaoEncontrado
from tenant_app.http.pagination import PageParams, paginate
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.models import User
from tenant_app.users.passwords import hash_password
from tenant_app.users.roles import Role


async def listar_usuarios(
    session: AsyncSession, page: PageParams, *, role: Role | None = None
) -> tuple[list[User], int]:
    """One page of users by e-mail, filtered by role, and the total."""
    stmt = select(User).order_by(User.email)
    if role is not None:
        stmt = stmt.where(User.role == role)
    return await paginate(session, stmt, page)


async def _add_user(uow: UnitOfWork, email: str, nome: str, role: Role, password: str) -> User:
    exists = (
        await uow.session.execute(select(User.id).where(func.lower(User.email) == email.strip().lower()))
    ).scalar_one_or_none()
    if exists is not None:
        raise ConflitoError("Já existe um usuário com este e-mail.", code="email_duplicado")
    user = User(email=email.strip().lower(), nome=nome, role=role, password_hash=hash_password(password))
    uow.add(user)
    return user


async def create_user(uow: UnitOfWork, email: str, nome: str, role: Role, password: str) -> User:
    """Add a staff user."""
    user = await _add_user(uow, email, nome, role, password)
    await uow.commit()
    return user


async def _get_user(uow: UnitOfWork, user_id: uuid.UUID) -> User:
    user = await uow.session.get(User, user_id)
    if user is None:
        raise NaoEncontrado("Usuário")
    uow.track(user)
    return user


async def update_user(
    uow: UnitOfWork, user_id: uuid.UUID, *, nome: str | None, role: Role | None, active: bool | None
) -> User:
    """Change name, role or active flag (the fields given)."""
    user = await _get_user(uow, user_id)
    if nome is not None:
        user.nome = nome
    if role is not None:
        user.role = role
    if active is not None:
        user.active = active
    await uow.commit()
    return user


async def unlock_user(uow: UnitOfWork, user_id: uuid.UUID) -> User:
    """Lift a lockout before it expires."""
    user = await _get_user(uow, user_id)
    user.locked_until = None
    user.failed_logins = 0
    await uow.commit()
    return user


async def ensure_initial_admin(uow: UnitOfWork, email: str, password: str) -> bool:
    """Create the first admin when the tenant has no user yet; False when users exist."""
    if (await uow.session.execute(select(func.count(User.id)))).scalar_one() > 0:
        return False
    await create_user(uow, email, "Administrador", Role.ADMIN, password)
    return True
