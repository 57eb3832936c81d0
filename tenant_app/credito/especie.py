"""Crédito em espécie: an unused carta paid in cash to the consorciado.

Allowed 180 days after the contemplação when the crédito was not used and the cota owes nothing,
or at the group's closing for every unused carta (Circular BCB 3.432/2009, carried into Res. BCB
285/2023; Lei 11.795 art. 32 for the closing). The conversion changes the carta's status; the cash
then leaves by the same path as every payout (``desembolso.solicitar`` with destino ``especie``,
to the consorciado's own account, in the next CNAB pagamentos file).

``converter_elegiveis`` is the daily Celery task's work; ``converter_no_encerramento`` is for the
group's closing (``tenant_app.encerramento``).
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, timedelta

from sqlalchemy import select

from tenant_app.credito import consultas
from tenant_app.credito.abertura import sincronizar
from tenant_app.credito.estados import SEM_USO
from tenant_app.credito.models import CartaCredito
from tenant_app.credito.regras import DIAS_PARA_ESPECIE
from tenant_app.credito.rendimentos import apropriar, apropriar_todos
from tenant_app.credito.service import converter_em_especie
from tenant_app.erros import ErroDominio
from tenant_app.unit_of_work import UnitOfWork

log = logging.getLogger("tenant_app.credito.especie")


async def converter_elegiveis(uow: UnitOfWork, hoje: date) -> list[uuid.UUID]:
    """Convert every unused carta 180 days old whose cota owes nothing; one transaction each.

    Every group's recorded yield is shared with its cartas first (daily, so no carta waits for a
    payout to see it). Idempotent: a converted carta is no longer unused. A carta that fails (the
    cota still owes) is skipped and tried again on the next run.
    """
    await sincronizar(uow)
    await uow.commit()
    await apropriar_todos(uow)  # the cash carries the yield up to the last recorded period
    limite = hoje - timedelta(days=DIAS_PARA_ESPECIE)
    candidatas = list(
        await uow.session.scalars(
            select(CartaCredito.id).where(
                CartaCredito.status.in_(SEM_USO),
                CartaCredito.disponivel_em.is_not(None),
                CartaCredito.contemplada_em <= limite,
            )
        )
    )
    await uow.rollback()
    feitas: list[uuid.UUID] = []
    for carta_id in candidatas:
        carta = await consultas.get_carta(uow.session, carta_id)
        if await consultas.saldo_devedor(uow.session, carta.cota_id) > 0:
            await uow.rollback()
            continue
        try:
            await apropriar(uow, carta.grupo_id)
            await converter_em_especie(
                uow,
                carta_id,
                f"{DIAS_PARA_ESPECIE} dias sem uso e saldo devedor quitado (rotina diária)",
                hoje,
            )
        except ErroDominio:
            await uow.rollback()
            log.warning("carta %s not converted", carta_id, exc_info=True)
            continue
        feitas.append(carta_id)
    return feitas


async def converter_no_encerramento(uow: UnitOfWork, grupo_id: uuid.UUID, hoje: date) -> list[uuid.UUID]:
    """At the group's closing, every unused carta becomes cash (the caller commits, e.g. inside
    ``uow.one_transaction()`` with the rest of the closing). The grupo must already be encerrado."""
    await apropriar(uow, grupo_id)
    await uow.flush()
    ids = list(
        await uow.session.scalars(
            select(CartaCredito.id).where(
                CartaCredito.grupo_id == grupo_id,
                CartaCredito.status.in_(SEM_USO),
                CartaCredito.disponivel_em.is_not(None),
            )
        )
    )
    for carta_id in ids:
        await converter_em_especie(
            uow, carta_id, "Encerramento do grupo: crédito não utilizado", hoje, commit=False
        )
    return ids
