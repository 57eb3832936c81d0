"""The shared engine honours libpq's sslmode against the real PostgreSQL, and
the shared runner migrates both apps' schemas."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from consorcio_kit.database.engine import create_engine

pytestmark = pytest.mark.integration


async def _ssl_in_use(url: str) -> bool:
    engine = create_engine(url, pooled=False)
    try:
        async with engine.connect() as conn:
            return bool(await conn.scalar(text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")))
    finally:
        await engine.dispose()


async def test_sslmode_reaches_the_driver(make_database) -> None:  # type: ignore[no-untyped-def]
    dsn = make_database()
    assert await _ssl_in_use(f"{dsn}?sslmode=disable") is False
    # devstack's PostgreSQL serves no TLS: "require" must refuse to connect
    # rather than silently fall back (it would if sslmode were dropped).
    with pytest.raises((ConnectionError, OSError)):
        await _ssl_in_use(f"{dsn}?sslmode=require")


async def test_both_apps_migrate_through_the_kit(make_database) -> None:  # type: ignore[no-untyped-def]
    from control_plane.migrations import runner as control_plane_runner

    from tenant_app.migrations import runner as tenant_app_runner

    for runner in (tenant_app_runner, control_plane_runner):
        dsn = make_database()
        await runner.upgrade(f"{dsn}?sslmode=disable")
        await runner.upgrade(dsn)  # idempotent
        assert await runner.current_revision(dsn) == runner.script_heads()[0]
