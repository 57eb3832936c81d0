"""``/api/usuarios``: admins manage staff accounts."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.params import QueryParameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.auditoria.trail import commit
from tenant_app.auth.guards import requires
from tenant_app.auth.service import create_user
from tenant_app.erros import NaoEncontrado
from tenant_app.http.pagination import PageParams, Pagina, paginate, provide_page_params
from tenant_app.http.schemas import to_schema
from tenant_app.users.models import User
from tenant_app.users.roles import Permission, Role
from tenant_app.users.schemas import UserCreate, UserOut, UserUpdate


class UserController(Controller):
    """Only admins."""

    path = "/api/usuarios"
    tags = ["usuarios"]  # noqa: RUF012
    guards = [requires(Permission.USERS_MANAGE)]  # noqa: RUF012
    dependencies = {"page": provide_page_params}  # noqa: RUF012

    @get("/", operation_id="listUsers", name="users:list")
    async def list_users(
        self,
        db_session: AsyncSession,
        page: PageParams,
        role: Annotated[Role | None, QueryParameter(name="role")] = None,
    ) -> Pagina[UserOut]:
        """Users, filtered by role."""
        stmt = select(User).order_by(User.email)
        if role is not None:
            stmt = stmt.where(User.role == role)
        rows, total = await paginate(db_session, stmt, page)
        return Pagina(
            items=[to_schema(UserOut, u) for u in rows], total=total, limit=page.limit, offset=page.offset
        )

    @post("/", operation_id="createUser", name="users:create")
    async def create(self, data: UserCreate, db_session: AsyncSession) -> UserOut:
        """Add a staff user."""
        user = await create_user(db_session, data.email, data.nome, data.role, data.password)
        await commit(db_session)
        return to_schema(UserOut, user)

    @patch("/{user_id:uuid}", operation_id="updateUser", name="users:update")
    async def update(self, user_id: uuid.UUID, data: UserUpdate, db_session: AsyncSession) -> UserOut:
        """Change name, role or active flag."""
        user = await db_session.get(User, user_id)
        if user is None:
            raise NaoEncontrado("Usuário")
        if data.nome is not None:
            user.nome = data.nome
        if data.role is not None:
            user.role = data.role
        if data.active is not None:
            user.active = data.active
        await commit(db_session)
        return to_schema(UserOut, user)

    @post("/{user_id:uuid}/desbloqueio", operation_id="unlockUser", name="users:unlock", status_code=200)
    async def unlock(self, user_id: uuid.UUID, db_session: AsyncSession) -> UserOut:
        """Lift a lockout before it expires."""
        user = await db_session.get(User, user_id)
        if user is None:
            raise NaoEncontrado("Usuário")
        user.locked_until = None
        user.failed_logins = 0
        await commit(db_session)
        return to_schema(UserOut, user)
