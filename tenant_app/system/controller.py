"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.datastructures import State
from sqlalchemy import text

from tenant_app.http.catalogo import tipo_uri
from tenant_app.http.problems import PROBLEM_JSON


@get("/health", operation_id="health", name="system:health", tags=["system"], exclude_from_auth=True)
async def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@get("/ready", operation_id="ready", name="system:ready", tags=["system"], exclude_from_auth=True)
async def ready(state: State, request: Request) -> Response[Any]:
    """Readiness: the database and Redis answer."""
    checks: dict[str, str] = {}
    try:
        async with state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # readiness reports, never raises
        checks["database"] = f"erro: {type(exc).__name__}"
    try:
        await state.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"erro: {type(exc).__name__}"
    if all(v == "ok" for v in checks.values()):
        return Response({"status": "ok", "checks": checks})
    return Response(
        {
            "type": tipo_uri(str(request.base_url), "indisponivel"),
            "title": "Serviço indisponível",
            "status": 503,
            "detail": "Dependências indisponíveis.",
            "checks": checks,
        },
        status_code=503,
        media_type=PROBLEM_JSON,
    )
