"""Celery task: encrypt personal data still in clear (rows an older app version wrote in a rolling update)."""

from __future__ import annotations

import asyncio

from celery import shared_task

CIFRAR_LEGADOS = "dados_pessoais.cifrar_legados"


async def _cifrar() -> int:
    from tenant_app.dados_pessoais import backfill, chaves
    from tenant_app.database.session import create_engine
    from tenant_app.model_registry import metadata
    from tenant_app.settings import Settings

    engine = create_engine(Settings.from_env().database)
    try:
        return await backfill.cifrar_legados(engine, chaves.atuais(), metadata)
    finally:
        await engine.dispose()


@shared_task(name=CIFRAR_LEGADOS)
def cifrar_legados() -> int:
    """The start-up backfill again (idempotent; a scan per table when nothing is left): how many rows."""
    return asyncio.run(_cifrar())
