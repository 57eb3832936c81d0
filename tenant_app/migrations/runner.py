"""Run Alembic programmatically on an async engine (no alembic.ini needed).

Adding a revision: ``python -m tenant_app.migrations.runner revision -m "..."``
or write one by hand in ``versions/`` with a date-prefixed ``revision`` id and
``down_revision`` set to the current head (there must always be one head).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from tenant_app.settings import asyncpg_url

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(database_url: str | None = None) -> Config:
    """Config pointing at this package's scripts; ``database_url`` in libpq or asyncpg form."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", str(MIGRATIONS_DIR / "versions"))
    if database_url:
        cfg.set_main_option("sqlalchemy.url", asyncpg_url(database_url).replace("%", "%%"))
    return cfg


def script_heads() -> list[str]:
    """Heads of the revision graph (a healthy tree has exactly one)."""
    return list(ScriptDirectory.from_config(alembic_config()).get_heads())


async def _run(database_url: str, action: str, revision: str) -> None:
    engine = create_async_engine(asyncpg_url(database_url))
    cfg = alembic_config(database_url)

    def work(connection: Connection) -> None:
        cfg.attributes["connection"] = connection
        if action == "upgrade":
            command.upgrade(cfg, revision)
        else:
            command.downgrade(cfg, revision)

    try:
        async with engine.begin() as conn:
            await conn.run_sync(work)
    finally:
        await engine.dispose()


async def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database to ``revision`` (idempotent: a no-op when already there)."""
    await _run(database_url, "upgrade", revision)


async def downgrade(database_url: str, revision: str = "base") -> None:
    """Go back to ``revision``."""
    await _run(database_url, "downgrade", revision)


async def current_revision(database_url: str) -> str | None:
    """The revision recorded in the database, None for an empty one."""
    from alembic.runtime.migration import MigrationContext

    engine = create_async_engine(asyncpg_url(database_url))
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
    finally:
        await engine.dispose()


def main(argv: list[str]) -> None:
    """Developer entry point: ``revision -m msg`` / ``autogenerate URL -m msg``."""
    if argv[:1] == ["revision"]:
        command.revision(alembic_config(), message=argv[argv.index("-m") + 1] if "-m" in argv else None)
    elif argv[:1] == ["autogenerate"]:
        url = argv[1]
        msg = argv[argv.index("-m") + 1]

        async def gen() -> None:
            engine = create_async_engine(asyncpg_url(url))
            cfg = alembic_config(url)

            def work(connection: Connection) -> None:
                cfg.attributes["connection"] = connection
                command.revision(cfg, message=msg, autogenerate=True)

            async with engine.begin() as conn:
                await conn.run_sync(work)
            await engine.dispose()

        asyncio.run(gen())
    else:
        raise SystemExit("usage: runner revision -m MSG | runner autogenerate URL -m MSG")


if __name__ == "__main__":
    main(sys.argv[1:])
