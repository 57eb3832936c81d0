"""``/api/usuarios``: admins manage staff accounts."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from tenant_app.http.pagination import PAGE_DEPENDENCY, PageParams, Pagina
from tenant_app.http.schemas import to_schema
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users import service
from tenant_app.users.estado import estado_usuarios
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission, Role
from tenant_app.users.schemas import UserCreate, UserOut, UserUpdate
from tenant_app.users.throttle import login_throttle


class UserController(Controller):
    """Only admins."""

    path = "/api/usuarios"
    tags = ["usuarios"]  # noqa: RUF012
    guards = [requires(Permission.USERS_MANAGE)]  # noqa: RUF012
    dependencies = PAGE_DEPENDENCY

    @get("/", operation_id="listUsers", name="users:list")
    async def list_users(
        self,
        uow: NamedDependency[UnitOfWork],
        page: NamedDependency[PageParams],
        role: Annotated[Role | None, QueryParameter(name="role")] = None,
    ) -> Pagina[UserOut]:
        """Users, filtered by role."""
        rows, total = await service.listar_usuarios(uow.session, page, role=role)
        return Pagina(
            items=[to_schema(UserOut, u) for u in rows], total=total, limit=page.limit, offset=page.offset
        )

    @post("/", operation_id="createUser", name="users:create")
    async def create(self, data: JSONBody[UserCreate], uow: NamedDependency[UnitOfWork]) -> UserOut:
        """Add a staff user."""
        user = await service.create_user(uow, data.email, data.nome, data.role, data.password)
        return to_schema(UserOut, user)

    @patch("/{user_id:uuid}", operation_id="updateUser", name="users:update")
    async def update(
        self,
        user_id: FromPath[uuid.UUID],
        data: JSONBody[UserUpdate],
        uow: NamedDependency[UnitOfWork],
        state: State,
    ) -> UserOut:
        """Change name, role or active flag."""
        user = await service.update_user(uow, user_id, nome=data.nome, role=data.role, active=data.active)
        # Deactivation and role changes apply to live tokens: at once here, within seconds elsewhere.
        estado_usuarios(state).esquecer(user_id)
        return to_schema(UserOut, user)

    @post("/{user_id:uuid}/desbloqueio", operation_id="unlockUser", name="users:unlock", status_code=200)
    async def unlock(
        self, user_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork], state: State
    ) -> UserOut:
        """Lift a lockout before it expires, and the waits its failed logins imposed."""
        user = await service.unlock_user(uow, user_id)
        await login_throttle(state).unlock(user.email)
        return to_schema(UserOut, user)
