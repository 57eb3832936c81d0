"""Celery task: the daily default-exclusion routine, under a Redis lock (one run at a time)."""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from tenant_app import calendario
from tenant_app.settings import Settings

log = logging.getLogger("tenant_app.tasks")


async def exclusao_diaria(settings: Settings, ref: date | None = None) -> list[str]:
    """Run the routine for ``ref`` (today in Brazil by default); returns excluded cota ids."""
    from tenant_app.database.session import create_engine, create_session_factory
    from tenant_app.inadimplencia.service import run_automatic_exclusions
    from tenant_app.system.redis_keys import create_redis, lock_key
    from tenant_app.system.redis_lock import RedisLock
    from tenant_app.unit_of_work import Actor, UnitOfWork

    ref = ref or _today(settings)
    redis = create_redis(settings.redis)
    engine = create_engine(settings.database)
    try:
        # Token-checked and renewed while the routine runs; LockBusy when another run holds it.
        lock = RedisLock(redis, lock_key(settings.redis, "exclusao-diaria"), ttl_ms=60_000)
        actor = Actor(None, "tarefa:exclusao-diaria")
        async with lock, UnitOfWork.start(create_session_factory(engine), actor) as uow:
            excluded = await run_automatic_exclusions(uow, ref)
        log.info("exclusao diaria %s: %d cotas excluded", ref, len(excluded))
        return [str(c) for c in excluded]
    finally:
        await engine.dispose()
        await redis.aclose()  # type: ignore[attr-defined]


def _today(settings: Settings) -> date:

    return calendario.hoje()


def run_exclusao_diaria(ref_iso: str | None = None) -> list[str]:
    """Synchronous entry point for the Celery worker (settings from the environment)."""
    return asyncio.run(exclusao_diaria(Settings.from_env(), date.fromisoformat(ref_iso) if ref_iso else None))
