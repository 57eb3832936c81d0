"""Engine and session factory for the tenant database (built by consorcio_kit)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from consorcio_kit.database import engine as kit
from tenant_app.settings import DatabaseSettings


def create_engine(settings: DatabaseSettings) -> AsyncEngine:
    """One pool per process, sized below the tenant role's connection limit.

    Bound parameters never appear in error messages or logs: they carry personal data
    and sealed lances (see ``assembleias/sigilo.py``).
    """
    return kit.create_engine(
        settings.url,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        hide_parameters=True,
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions without autoflush: tenant services flush explicitly where they
    need the database's view, and the hot payment path avoids a flush before
    each of its queries. (The control plane keeps autoflush; see its engine.py.)"""
    return kit.create_session_factory(engine, autoflush=False)
