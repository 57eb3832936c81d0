"""Celery task: disqualify lance winners whose payment deadline passed (idempotent, run by beat)."""

from __future__ import annotations

import asyncio
from datetime import date

from celery import shared_task

from tenant_app import calendario

NOME_TAREFA = "assembleias.desclassificar_lances_vencidos"


async def _rodar(hoje_iso: str | None) -> list[str]:
    # Same bootstrap as the notification task: every mapped table.
    import tenant_app.model_registry  # noqa: F401
    from tenant_app.assembleias.pagamento_lance import desclassificar_vencidos
    from tenant_app.database.session import create_engine, create_session_factory
    from tenant_app.settings import Settings
    from tenant_app.system.redis_keys import create_redis
    from tenant_app.unit_of_work import Actor, UnitOfWork

    settings = Settings.from_env()
    dia = date.fromisoformat(hoje_iso) if hoje_iso else calendario.hoje()
    engine = create_engine(settings.database)
    redis = create_redis(settings.redis)
    try:
        async with UnitOfWork.start(create_session_factory(engine), Actor(None, "worker")) as uow:
            feitos = await desclassificar_vencidos(uow, redis, settings, dia)
            return [f"{assembleia}:{cota}" for assembleia, cota in feitos]
    finally:
        await redis.close()
        await engine.dispose()


@shared_task(name=NOME_TAREFA)
def desclassificar_lances_vencidos(hoje_iso: str | None = None) -> list[str]:
    """Disqualify unpaid lance winners past their deadline; returns "assembleia:cota" of each."""
    return asyncio.run(_rodar(hoje_iso))
