"""Per-request unit of work (Litestar dependency ``uow``)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from litestar import Request
from litestar.datastructures import State

from tenant_app.auth.tokens import CurrentUser
from tenant_app.unit_of_work import Actor, UnitOfWork


def request_actor(request: Request[Any, Any, Any]) -> Actor:
    """The authenticated user (none on public routes) and the request id."""
    user = request.scope.get("user")
    request_id = request.scope.get("state", {}).get("request_id")
    if isinstance(user, CurrentUser):
        return Actor(user.id, user.email, request_id)
    return Actor(None, None, request_id)


async def provide_unit_of_work(
    state: State, request: Request[Any, Any, Any]
) -> AsyncGenerator[UnitOfWork, None]:
    """One unit of work per request; services commit it, anything uncommitted rolls back."""
    async with UnitOfWork.start(state.session_factory, request_actor(request)) as uow:
        yield uow
