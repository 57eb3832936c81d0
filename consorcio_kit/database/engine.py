"""Async engine and session factory, configured the same way for both apps."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from consorcio_kit.database.url import asyncpg_url

# Connections older than this are replaced before use (a database failover
# or an idle timeout in a proxy leaves dead sockets behind).
POOL_RECYCLE_SECONDS = 1800


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    max_overflow: int = 10,
    pooled: bool = True,
    hide_parameters: bool = False,
) -> AsyncEngine:
    """An asyncpg engine for a libpq or asyncpg ``url``.

    ``pooled=False`` for short-lived event loops (Celery tasks, CLI commands,
    migrations): a pooled connection must not outlive the loop it was made on.
    No ``pool_pre_ping``: it costs a round trip on every checkout. Connections
    are recycled instead, and one broken by a database restart fails one
    request, is discarded by the pool, and the readiness probe reports the outage.
    ``hide_parameters`` keeps bound values out of error messages and logs (secrets such
    as a sealed lance must not reach a traceback).
    """
    if not pooled:
        return create_async_engine(asyncpg_url(url), poolclass=NullPool, hide_parameters=hide_parameters)
    return create_async_engine(
        asyncpg_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_recycle=POOL_RECYCLE_SECONDS,
        hide_parameters=hide_parameters,
    )


def create_session_factory(
    engine: AsyncEngine, *, autoflush: bool = True
) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit (responses are built afterwards).

    ``autoflush`` differs per app, see the callers.
    """
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=autoflush)
