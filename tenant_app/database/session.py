"""Engine and session factory for the tenant database."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from tenant_app.settings import DatabaseSettings


def create_engine(settings: DatabaseSettings) -> AsyncEngine:
    """One pool per process.

    No ``pool_pre_ping``: it costs a round trip on every request. Connections
    are recycled instead, and a connection broken by a database restart fails
    one request, is discarded by the pool, and /ready reports the outage.
    """
    return create_async_engine(
        settings.async_url,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_recycle=1800,
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions keep loaded objects usable after commit (responses are built afterwards)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
