"""Engine and session factory shared by the web app, the worker and the CLI."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from control_plane.settings import DatabaseSettings


def make_engine(settings: DatabaseSettings, *, pooled: bool = True) -> AsyncEngine:
    """An asyncpg engine; ``pooled=False`` for short-lived event loops (Celery tasks, CLI)."""
    if pooled:
        return create_async_engine(
            settings.url, pool_size=settings.pool_size, max_overflow=settings.pool_size, pool_pre_ping=True
        )
    return create_async_engine(settings.url, poolclass=NullPool)


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # Objects stay readable after commit: responses are built after the
    # service commits.
    return async_sessionmaker(engine, expire_on_commit=False)
