"""Route guards: each handler names the permission it needs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from tenant_app.users.current_user import CurrentUser
from tenant_app.users.roles import Permission

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]


def requires(permission: Permission) -> Guard:
    """A guard that lets through only roles granting ``permission`` (see ``ROLE_PERMISSIONS``);
    an API client also needs it in its scope."""

    # async on purpose: Litestar runs a sync guard in a worker thread, a hop that
    # cost more than the check itself on every request.
    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = connection.scope.get("user")
        if not isinstance(user, CurrentUser) or not user.pode(permission):
            raise PermissionDeniedException(permission.value)

    guard.__name__ = f"requires_{permission.name.lower()}"
    return guard
