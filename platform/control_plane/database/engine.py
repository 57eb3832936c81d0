"""Engine and session factory shared by the web app, the worker and the CLI (built by consorcio_kit)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from consorcio_kit.database import engine as kit
from control_plane.settings import DatabaseSettings


def make_engine(settings: DatabaseSettings, *, pooled: bool = True) -> AsyncEngine:
    """An asyncpg engine; ``pooled=False`` for short-lived event loops (Celery tasks, CLI)."""
    return kit.create_engine(
        settings.url, pool_size=settings.pool_size, max_overflow=settings.pool_size, pooled=pooled
    )


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Autoflush stays on here: control-plane services query rows they added
    earlier in the same transaction and rely on the flush before the query
    (the tenant app turns it off and flushes explicitly)."""
    return kit.create_session_factory(engine, autoflush=True)
