"""Celery: settle the PIX the webhook stored (queued by the webhook, and every minute as a safety net)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from celery import shared_task

from tenant_app.cobranca.pix_recebimento import liquidar_pendentes
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
