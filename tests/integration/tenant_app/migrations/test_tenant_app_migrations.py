"""Alembic: upgrade from empty, models match the migrations, downgrade to base and back."""

from __future__ import annotations

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from tenant_app.migrations import runner
from tenant_app.model_registry import metadata
from tenant_app.settings import asyncpg_url

pytestmark = pytest.mark.integration


async def _tables(dsn: str) -> set[str]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {r["tablename"] for r in rows}
    finally:
        await conn.close()


async def test_upgrade_matches_models_and_downgrade_is_clean(make_database) -> None:  # type: ignore[no-untyped-def]
    dsn = make_database()
    await runner.upgrade(dsn)
    assert await runner.current_revision(dsn) == runner.script_heads()[0]
    assert set(metadata.tables) <= await _tables(dsn)

    engine = create_async_engine(asyncpg_url(dsn))
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(c, opts={"compare_type": True}), metadata
                )
            )
    finally:
        await engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"

    await runner.downgrade(dsn, "base")
    assert await runner.current_revision(dsn) is None
    assert await _tables(dsn) <= {"alembic_version"}
    await runner.upgrade(dsn)  # and up again from empty
    assert set(metadata.tables) <= await _tables(dsn)
