"""Per-request database session (Litestar dependency)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from litestar import Request
from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.auditoria.trail import set_actor
from tenant_app.auth.tokens import CurrentUser


async def provide_db_session(state: State, request: Request) -> AsyncGenerator[AsyncSession, None]:
    """One session per request; services commit explicitly, anything uncommitted rolls back."""
    session: AsyncSession = state.session_factory()
    user = request.scope.get("user")
    request_id = request.scope.get("state", {}).get("request_id")
    if isinstance(user, CurrentUser):
        set_actor(session, user.id, user.email, request_id)
    else:
        set_actor(session, None, None, request_id)
    try:
        yield session
    finally:
        await session.close()
