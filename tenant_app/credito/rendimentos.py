"""The cartas' share of the group's yield (Lei 11.795/2008 art. 24 §1).

The group's net yield per period is recorded by ``tenant_app.rendimentos`` (table
``rendimentos_grupo``: the period, the yield, and ``saldo_base``, the invested balance that earned
it) and posted whole to the fundo comum. Part of that invested money was the cartas' — awarded,
set aside, not yet used — and the law gives each carta the yield of its period applied. So each
recorded period is shared once (``apropriar``): every carta weighs its saldo-dia in the period
(``valores.saldo_dias``: from the day it was made available, less what was paid out, plus the
yield it already got), the rest of ``saldo_base × dias`` is the group's; the period's yield is
split by the largest remainder to the centavo, and each carta's part moves from the fundo comum to
the carta (``Fundo.CREDITOS_A_PAGAR``, origem RENDIMENTO).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from tenant_app.credito.abertura import sincronizar
from tenant_app.credito.models import (
    CartaCredito,
    CartaRendimento,
    PagamentoCredito,
    RendimentoApropriado,
    StatusPagamentoCredito,
)
from tenant_app.credito.valores import dia_seguinte, ratear, saldo_dias
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.rendimentos.models import RendimentoGrupo
from tenant_app.unit_of_work import UnitOfWork

GRUPO = "grupo"


def pesos_do_periodo(
    movimentos: dict[uuid.UUID, list[tuple[date, Decimal]]], inicio: date, fim: date, saldo_base: Decimal
) -> dict[uuid.UUID | str, Decimal]:
    """Each carta's saldo-dia in the period, and the group's: the rest of ``saldo_base`` over the days.

    A base smaller than the cartas' own money (a mistyped statement) leaves the group nothing,
    never a negative weight.
    """
    pesos: dict[uuid.UUID | str, Decimal] = {}
    for carta_id, movs in movimentos.items():
        peso = saldo_dias(movs, inicio, fim)
        if peso > 0:
            pesos[carta_id] = peso
    base = saldo_base * ((fim - inicio).days + 1)
    pesos[GRUPO] = max(base - sum(pesos.values(), Decimal(0)), Decimal(0))
    return pesos


async def _movimentos(uow: UnitOfWork, grupo_id: uuid.UUID) -> dict[uuid.UUID, list[tuple[date, Decimal]]]:
    """Every funded carta's money by day: set aside, yield received, payouts confirmed."""
    session = uow.session
    movs: dict[uuid.UUID, list[tuple[date, Decimal]]] = defaultdict(list)
    for carta_id, dia, valor in await session.execute(
        select(CartaCredito.id, CartaCredito.disponivel_em, CartaCredito.valor_carta).where(
            CartaCredito.grupo_id == grupo_id, CartaCredito.disponivel_em.is_not(None)
        )
    ):
        if dia is not None:  # the query keeps only funded cartas
            movs[carta_id].append((dia, valor))
    for carta_id, fim, valor in await session.execute(
        select(CartaRendimento.carta_id, RendimentoGrupo.fim, CartaRendimento.valor)
        .join(RendimentoGrupo, RendimentoGrupo.id == CartaRendimento.rendimento_id)
        .where(RendimentoGrupo.grupo_id == grupo_id)
    ):
        movs[carta_id].append((dia_seguinte(fim), valor))  # earns from the day after its period
    for carta_id, dia, valor in await session.execute(
        select(PagamentoCredito.carta_id, PagamentoCredito.efetivado_em, PagamentoCredito.valor).where(
            PagamentoCredito.grupo_id == grupo_id, PagamentoCredito.status == StatusPagamentoCredito.EFETIVADO
        )
    ):
        if dia is not None:  # an efetivado payout always has its day
            movs[carta_id].append((dia, -valor))
    return movs


async def apropriar(uow: UnitOfWork, grupo_id: uuid.UUID) -> tuple[int, Decimal]:
    """Share every recorded, not yet shared period of the group's yield with its cartas (the caller commits).

    Returns (periods shared, total moved to cartas). Idempotent: a period is shared once
    (``RendimentoApropriado``; its primary key stops a concurrent second run).
    """
    session = uow.session
    await sincronizar(uow, grupo_id=grupo_id)
    await uow.flush()
    pendentes = (
        await session.scalars(
            select(RendimentoGrupo)
            .where(
                RendimentoGrupo.grupo_id == grupo_id,
                RendimentoGrupo.id.not_in(select(RendimentoApropriado.rendimento_id)),
            )
            .order_by(RendimentoGrupo.inicio)
        )
    ).all()
    total = Decimal(0)
    for periodo in pendentes:
        # Recomputed per period: the previous period's shares earn in the next one.
        movimentos = await _movimentos(uow, grupo_id)
        pesos = pesos_do_periodo(movimentos, periodo.inicio, periodo.fim, periodo.saldo_base)
        partes = ratear(Decimal(periodo.valor), pesos)
        das_cartas = Decimal(0)
        for chave, valor in partes.items():
            if chave == GRUPO or valor == 0:
                continue
            assert isinstance(chave, uuid.UUID)
            carta = await session.get(CartaCredito, chave, with_for_update=True)
            assert carta is not None
            uow.track(carta)
            carta.rendimentos += valor
            uow.add(
                CartaRendimento(
                    rendimento_id=periodo.id, carta_id=chave, saldo_dias=pesos[chave], valor=valor
                )
            )
            await uow.lancar(
                grupo_id,
                [(Fundo.CREDITOS_A_PAGAR, valor)],
                OrigemLancamento.RENDIMENTO,
                referencia_id=chave,
                descricao=f"Rendimento de {periodo.inicio.isoformat()} a {periodo.fim.isoformat()} (art. "
                "24 §1)",
            )
            das_cartas += valor
        if das_cartas:
            # Out of the fundo comum, where the group's yield was posted whole.
            await uow.lancar(
                grupo_id,
                [(Fundo.FUNDO_COMUM, -das_cartas)],
                OrigemLancamento.RENDIMENTO,
                referencia_id=periodo.id,
                descricao="Rendimento das cartas de crédito (art. 24 §1)",
            )
        uow.add(RendimentoApropriado(rendimento_id=periodo.id, grupo_id=grupo_id, total_cartas=das_cartas))
        total += das_cartas
    return len(pendentes), total


async def apropriar_todos(uow: UnitOfWork) -> int:
    """The daily routine: every group with cartas gets its recorded periods shared (one transaction each)."""
    grupos = list(await uow.session.scalars(select(CartaCredito.grupo_id).distinct()))
    await uow.rollback()
    periodos = 0
    for grupo_id in grupos:
        feitos, _ = await apropriar(uow, grupo_id)
        await uow.commit()
        periodos += feitos
    return periodos
