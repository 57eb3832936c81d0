"""Telling the winners: queue a Celery task after the apuração commits, and the task itself.

The task is idempotent (it only touches contemplações not yet notified), so
a lost message is repaired by running it again, e.g. from beat, without an
apuração id.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from celery import shared_task
from sqlalchemy import select

from tenant_app.assembleias.models import ContemplacaoCota, StatusContemplacao
from tenant_app.consorciados.models import Consorciado
from tenant_app.cotas.models import Cota
from tenant_app.unit_of_work import Actor, UnitOfWork

log = logging.getLogger("tenant_app.assembleias.notificacao")

NOME_TAREFA = "assembleias.notificar_contemplados"

#: Who delivers a message: (consorciado, contemplação) -> None. The default
#: writes a structured log line; an e-mail/SMS provider plugs in here.
Mensageiro = Callable[[Consorciado, ContemplacaoCota], None]


def mensageiro_log(consorciado: Consorciado, contemplacao: ContemplacaoCota) -> None:
    """Default delivery: a structured log line (no personal data beyond the ids)."""
    log.info(
        "contemplacao notificada",
        extra={
            "consorciado_id": str(consorciado.id),
            "cota": contemplacao.cota_numero,
            "modalidade": contemplacao.modalidade.value,
            "valor_liberado": str(contemplacao.valor_liberado),
        },
    )


async def notificar_pendentes(
    uow: UnitOfWork, apuracao_id: uuid.UUID | None = None, mensageiro: Mensageiro = mensageiro_log
) -> int:
    """Notify every active contemplação not yet notified (of one apuração, or all); returns how many."""
    stmt = (
        select(ContemplacaoCota, Consorciado)
        .join(Cota, Cota.id == ContemplacaoCota.cota_id)
        .join(Consorciado, Consorciado.id == Cota.consorciado_id)
        .where(ContemplacaoCota.notificado_em.is_(None), ContemplacaoCota.status == StatusContemplacao.ATIVA)
        .with_for_update(of=ContemplacaoCota, skip_locked=True)
    )
    if apuracao_id is not None:
        stmt = stmt.where(ContemplacaoCota.apuracao_id == apuracao_id)
    feitos = 0
    for contemplacao, consorciado in (await uow.session.execute(stmt)).all():
        mensageiro(consorciado, contemplacao)
        uow.track(contemplacao)
        contemplacao.notificado_em = datetime.now(UTC)
        uow.auditar(
            "notificacao",
            "contemplacoes",
            str(contemplacao.id),
            depois={"cota": contemplacao.cota_numero, "modalidade": contemplacao.modalidade.value},
        )
        feitos += 1
    await uow.commit()
    return feitos


async def _rodar(apuracao_id: uuid.UUID | None) -> int:
    # A worker process imports only what its tasks need: load every mapped
    # table (foreign keys resolve across features).
    import tenant_app.model_registry  # noqa: F401
    from tenant_app.database.session import create_engine, create_session_factory
    from tenant_app.settings import Settings

    engine = create_engine(Settings.from_env().database)
    try:
        async with UnitOfWork.start(create_session_factory(engine), Actor(None, "worker")) as uow:
            return await notificar_pendentes(uow, apuracao_id)
    finally:
        await engine.dispose()


@shared_task(name=NOME_TAREFA, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def notificar_contemplados(apuracao_id: str | None = None) -> int:
    """Celery task: notify the winners of one apuração (or every pending one)."""
    return asyncio.run(_rodar(uuid.UUID(apuracao_id) if apuracao_id else None))


def enfileirar(celery_app: Any, apuracao_id: uuid.UUID) -> bool:
    """Queue the notification; a broker failure is logged, never undoes the committed apuração."""
    if celery_app is None:
        log.warning("no Celery app configured: winners of %s wait for the periodic notification", apuracao_id)
        return False
    try:
        celery_app.send_task(NOME_TAREFA, args=[str(apuracao_id)], retry=False)
    except Exception:  # the broker's errors vary by transport
        log.exception("could not queue the notification of %s", apuracao_id)
        return False
    return True
