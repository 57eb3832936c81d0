"""Celery task: disqualify lance winners whose payment deadline passed (idempotent, run by beat)."""

from __future__ import annotations

import asyncio
from datetime import date

from celery import shared_task

NOME_TAREFA = "assembleias.desclassificar_lances_vencidos"


async def _rodar(hoje_iso: str | None) -> list[str]:
    # Same bootstrap as the notification task: every mapped table, audit listener.
    import tenant_app.database.registry  # noqa: F401
    from tenant_app.assembleias.pagamento_lance import desclassificar_vencidos
    from tenant_app.assembleias.service import hoje
    from tenant_app.auditoria.trail import install_audit_listener, set_actor
    from tenant_app.database.session import create_engine, create_session_factory
    from tenant_app.settings import Settings
    from tenant_app.system.redis_keys import create_redis

    install_audit_listener()
    settings = Settings.from_env()
    dia = date.fromisoformat(hoje_iso) if hoje_iso else hoje(settings.time_zone)
    engine = create_engine(settings.database)
    redis = create_redis(settings.redis)
    try:
        async with create_session_factory(engine)() as session:
            set_actor(session, None, "worker", None)
            feitos = await desclassificar_vencidos(session, redis, settings, dia)
            return [f"{assembleia}:{cota}" for assembleia, cota in feitos]
    finally:
        await redis.close()
        await engine.dispose()


@shared_task(name=NOME_TAREFA)
def desclassificar_lances_vencidos(hoje_iso: str | None = None) -> list[str]:
    """Disqualify unpaid lance winners past their deadline; returns "assembleia:cota" of each."""
    return asyncio.run(_rodar(hoje_iso))
