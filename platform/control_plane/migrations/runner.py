"""Run Alembic programmatically on the async engine (no alembic.ini).

``upgrade`` takes a PostgreSQL advisory lock so that several processes
starting at once (``make up`` runs migrate next to serve/worker/beat, or
several replicas run it as an init step) apply each revision exactly once.
After the schema, it makes sure the instance secrets exist.

Adding a revision: ``python -m control_plane.migrations.runner autogenerate URL -m "..."``
against a database at head, then edit the file: date-prefixed revision id,
review every operation.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from control_plane.settings import asyncpg_url

MIGRATIONS_DIR = Path(__file__).resolve().parent
# Arbitrary constant identifying "control-plane migrations" among advisory locks.
_ADVISORY_LOCK_ID = 0x43504D49  # "CPMI"


def alembic_config(database_url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", str(MIGRATIONS_DIR / "versions"))
    if database_url:
        cfg.set_main_option("sqlalchemy.url", asyncpg_url(database_url).replace("%", "%%"))
    return cfg


async def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema to ``revision``; a no-op when it is already there."""
    engine = create_async_engine(asyncpg_url(database_url), poolclass=NullPool)
    cfg = alembic_config(database_url)

    def work(connection: Connection) -> None:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    try:
        async with engine.begin() as conn:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _ADVISORY_LOCK_ID})
            await conn.run_sync(work)
    finally:
        await engine.dispose()


async def current_revision(database_url: str) -> str | None:
    engine = create_async_engine(asyncpg_url(database_url), poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
    finally:
        await engine.dispose()


def main(argv: list[str]) -> None:
    """Developer entry point: ``autogenerate URL -m MESSAGE``."""
    if argv[:1] != ["autogenerate"] or "-m" not in argv:
        raise SystemExit("usage: runner autogenerate URL -m MESSAGE")
    url, message = argv[1], argv[argv.index("-m") + 1]

    async def generate() -> None:
        engine = create_async_engine(asyncpg_url(url), poolclass=NullPool)
        cfg = alembic_config(url)

        def work(connection: Connection) -> None:
            cfg.attributes["connection"] = connection
            command.revision(cfg, message=message, autogenerate=True)

        async with engine.begin() as conn:
            await conn.run_sync(work)
        await engine.dispose()

    asyncio.run(generate())


if __name__ == "__main__":
    main(sys.argv[1:])
