"""A staff user's active flag and role, read from the database and trusted for seconds.

An access token lives 15 minutes and carries the role it was issued with; without
this check a deactivated user (or a demoted admin) kept his rights until it
expired. Each request's token user is compared with the ``users`` row, cached per
process for ``AuthSettings.user_check_seconds`` (one query per active user every
few seconds, not one per request). A change made through this replica
(``users.controller``) forgets the entry at once; the other replicas follow within
the cache's lifetime.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Callable
from typing import Any

from litestar.exceptions import NotAuthorizedException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenant_app.users.current_user import CurrentUser
from tenant_app.users.models import User
from tenant_app.users.roles import Role

_MAX_ENTRIES = 10_000


class EstadoUsuarios:
    """user id -> (valid until, active, role from the database)."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        ttl_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = session_factory
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: dict[uuid.UUID, tuple[float, bool, Role | None]] = {}

    async def _ler(self, user_id: uuid.UUID) -> tuple[bool, Role | None]:
        async with self._sessions() as session:
            row = (
                await session.execute(select(User.active, User.role).where(User.id == user_id))
            ).one_or_none()
        return (bool(row.active), row.role) if row is not None else (False, None)

    async def conferir(self, user: CurrentUser) -> CurrentUser:
        """``user`` with the role the database holds now; 401 when the account is gone or inactive."""
        now = self._clock()
        entry = self._entries.get(user.id)
        if entry is None or entry[0] <= now:
            active, role = await self._ler(user.id)
            if len(self._entries) >= _MAX_ENTRIES:
                self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
                if len(self._entries) >= _MAX_ENTRIES:
                    self._entries.clear()
            entry = (now + self._ttl, active, role)
            if self._ttl > 0:
                self._entries[user.id] = entry
        _, active, role = entry
        if not active or role is None:
            raise NotAuthorizedException("usuário inativo")
        return user if role == user.role else dataclasses.replace(user, role=role)

    def esquecer(self, user_id: uuid.UUID) -> None:
        """Read this user from the database on his next request (after a change)."""
        self._entries.pop(user_id, None)


def estado_usuarios(state: Any) -> EstadoUsuarios:
    """The app's cache, made on first use."""
    estado: EstadoUsuarios | None = state.get("estado_usuarios")
    if estado is None:
        estado = EstadoUsuarios(state.session_factory, state.settings.auth.user_check_seconds)
        state.estado_usuarios = estado
    return estado
