"""Celery: settle the PIX the webhook stored and the retornos too big for a request (each queued by its
receiver, and swept every minute as a safety net)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from celery import shared_task

from tenant_app.cobranca.pix_recebimento import liquidar_pendentes
from tenant_app.cobranca.retornos_fila import PROCESSAR_RETORNOS
from tenant_app.unit_of_work import Actor, UnitOfWork

log = logging.getLogger(__name__)

LIQUIDAR_PIX = "cobranca.liquidar_pix"


async def _rodar() -> int:
    from tenant_app.database.session import create_engine, create_session_factory
    from tenant_app.settings import Settings

    engine = create_engine(Settings.from_env().database)
    try:
        async with UnitOfWork.start(create_session_factory(engine), Actor(None, "pix")) as uow:
            return await liquidar_pendentes(uow)
    finally:
        await engine.dispose()


@shared_task(name=LIQUIDAR_PIX, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def liquidar_pix() -> int:
    """Settle every stored PIX still pending (idempotent: each PIX once, claimed with SKIP LOCKED)."""
    return asyncio.run(_rodar())


def enfileirar(celery_app: Any) -> bool:
    """Queue a settlement run; a broker failure is logged (the periodic run settles it anyway)."""
    try:
        celery_app.send_task(LIQUIDAR_PIX, retry=False)
    except Exception:  # the broker's errors vary by transport
        log.exception("could not queue the PIX settlement; the periodic run will do it")
        return False
    return True


async def _processar_retornos(retorno_id: str | None) -> int:
    from tenant_app.cobranca.retornos_fila import processar_pendentes
    from tenant_app.database.session import create_engine, create_session_factory
    from tenant_app.settings import Settings

    engine = create_engine(Settings.from_env().database)
    try:
        async with UnitOfWork.start(create_session_factory(engine), Actor(None, "retorno")) as uow:
            return await processar_pendentes(uow, None if retorno_id is None else uuid.UUID(retorno_id))
    finally:
        await engine.dispose()


@shared_task(name=PROCESSAR_RETORNOS, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def processar_retornos(retorno_id: str | None = None) -> int:
    """Settle a kept retorno (queued by its upload), or every one still ``processando`` (the sweep)."""
    return asyncio.run(_processar_retornos(retorno_id))
