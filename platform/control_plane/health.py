"""Liveness and readiness."""

from __future__ import annotations

from litestar import Response, get
from litestar.datastructures import State
from sqlalchemy import text


@get("/healthz", operation_id="health", name="health", include_in_schema=False)
async def healthz() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@get("/readyz", operation_id="ready", name="ready", include_in_schema=False)
async def readyz(state: State) -> Response[dict[str, str]]:
    """The database answers (the API is useless without it)."""
    try:
        async with state.session_factory() as session:
            await session.execute(text("SELECT 1"))
    except Exception as err:
        return Response({"status": "unavailable", "database": type(err).__name__}, status_code=503)
    return Response({"status": "ok"})
