"""Run Alembic programmatically on an async engine (no alembic.ini), for either app.

Each app keeps its own script directory (``<app>/migrations``, with its own
``env.py`` naming its own metadata) and a thin ``runner.py`` that binds this
module to that directory and to its advisory-lock id.

``upgrade`` holds a PostgreSQL advisory lock for the whole transaction, so
several processes starting at once (``make up`` runs migrate next to
serve/worker/beat; replicas may run it as an init step) apply each revision
exactly once; the others wait, then find the schema at head.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from consorcio_kit.database.engine import create_engine
from consorcio_kit.database.url import asyncpg_url


@dataclass(frozen=True)
class MigrationScripts:
    """One app's Alembic scripts and how its migrations are serialised."""

    directory: Path
    #: Arbitrary constant identifying this app's migrations among advisory locks.
    advisory_lock_id: int
    #: How a developer runs the revision command (shown in the usage message).
    command_name: str

    def config(self, database_url: str | None = None) -> Config:
        """Alembic config for these scripts; ``database_url`` in libpq or asyncpg form."""
        cfg = Config()
        cfg.set_main_option("script_location", str(self.directory))
        cfg.set_main_option("path_separator", "os")
        cfg.set_main_option("version_locations", str(self.directory / "versions"))
        if database_url:
            cfg.set_main_option("sqlalchemy.url", asyncpg_url(database_url).replace("%", "%%"))
        return cfg

    def heads(self) -> list[str]:
        """Heads of the revision graph (a healthy tree has exactly one)."""
        return list(ScriptDirectory.from_config(self.config()).get_heads())

    async def _run(self, database_url: str, action: Callable[[Config], None], *, lock: bool) -> None:
        engine = create_engine(database_url, pooled=False)
        cfg = self.config(database_url)

        def work(connection: Connection) -> None:
            cfg.attributes["connection"] = connection
            action(cfg)

        try:
            async with engine.begin() as conn:
                if lock:
                    await conn.execute(
                        text("SELECT pg_advisory_xact_lock(:id)"), {"id": self.advisory_lock_id}
                    )
                await conn.run_sync(work)
        finally:
            await engine.dispose()

    async def upgrade(self, database_url: str, revision: str = "head") -> None:
        """Bring the schema to ``revision``; a no-op when it is already there."""

        def action(cfg: Config) -> None:
            command.upgrade(cfg, revision)

        await self._run(database_url, action, lock=True)

    async def downgrade(self, database_url: str, revision: str = "base") -> None:
        """Go back to ``revision``."""

        def action(cfg: Config) -> None:
            command.downgrade(cfg, revision)

        await self._run(database_url, action, lock=True)

    async def current_revision(self, database_url: str) -> str | None:
        """The revision recorded in the database, None for an empty one."""
        engine = create_engine(database_url, pooled=False)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
        finally:
            await engine.dispose()

    def main(self, argv: list[str]) -> None:
        """Developer entry point: ``revision -m MSG`` (empty) or ``autogenerate URL -m MSG``.

        Autogenerate compares the models with a database at head; review
        every operation and give the revision a date-prefixed id.
        """
        message = argv[argv.index("-m") + 1] if "-m" in argv and argv.index("-m") + 1 < len(argv) else None
        if argv[:1] == ["revision"]:
            command.revision(self.config(), message=message)
        elif argv[:1] == ["autogenerate"] and len(argv) > 1 and message:

            def generate(cfg: Config) -> None:
                command.revision(cfg, message=message, autogenerate=True)

            asyncio.run(self._run(argv[1], generate, lock=False))
        else:
            raise SystemExit(
                f"usage: python -m {self.command_name} revision -m MSG | autogenerate URL -m MSG"
            )
