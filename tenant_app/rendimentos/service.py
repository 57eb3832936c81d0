"""Recording the group's yield (posted to the fundo comum) and a cota's share of it.

Lei 11.795/2008 art. 26: the group's money stays invested while unused; art. 25
parágrafo único: the yield is the fundo comum's. Art. 30 (with art. 24 §1): an
excluded consorciado's restitution carries the yield of its money — computed by
``dinheiro.rendimentos`` from the periods recorded here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.dinheiro.centavos import ZERO
from tenant_app.dinheiro.rendimentos import Contribuicao, PeriodoRendimento, rendimento_da_cota
from tenant_app.erros import ConflitoError, NaoEncontrado, RegraVioladaError
from tenant_app.grupos.models import Grupo, StatusGrupo
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.parcelas.models import Parcela
from tenant_app.rendimentos.models import RendimentoGrupo
from tenant_app.rendimentos.schemas import RendimentoIn
from tenant_app.unit_of_work import UnitOfWork


async def _grupo(session: AsyncSession, grupo_id: uuid.UUID, *, lock: bool = False) -> Grupo:
    stmt = select(Grupo).where(Grupo.id == grupo_id)
    if lock:
        stmt = stmt.with_for_update()
    grupo = (await session.execute(stmt)).scalar_one_or_none()
    if grupo is None:
        raise NaoEncontrado("Grupo")
    return grupo


async def registrar_rendimento(uow: UnitOfWork, grupo_id: uuid.UUID, data: RendimentoIn) -> RendimentoGrupo:
    """Record a period's net yield and post it to the fundo comum (periods never overlap)."""
    data.validate()
    grupo = await _grupo(uow.session, grupo_id, lock=True)  # serialises the overlap check
    if grupo.status is not StatusGrupo.EM_ANDAMENTO:
        raise ConflitoError("Rendimentos só são lançados em grupos em andamento.", code="transicao_invalida")
    sobreposto = await uow.session.scalar(
        select(RendimentoGrupo.id).where(
            RendimentoGrupo.grupo_id == grupo.id,
            and_(RendimentoGrupo.inicio <= data.fim, RendimentoGrupo.fim >= data.inicio),
        )
    )
    if sobreposto is not None:
        raise RegraVioladaError(
            "Já há rendimento lançado para parte deste período; cada dia do grupo rende uma vez só.",
            campo="inicio",
            code="rendimento_periodo_sobreposto",
        )
    saldo_base = data.saldo_base if data.saldo_base is not None else grupo.saldo_fundo_comum
    if saldo_base <= 0:
        raise RegraVioladaError(
            "Informe o saldo aplicado que gerou o rendimento (o fundo comum está zerado).",
            campo="saldo_base",
            code="valores_invalidos",
        )
    rendimento = RendimentoGrupo(
        id=uuid.uuid4(),
        grupo_id=grupo.id,
        inicio=data.inicio,
        fim=data.fim,
        valor=data.valor,
        saldo_base=saldo_base,
        registrado_por=uow.actor.user_id,
    )
    uow.add(rendimento)
    await uow.lancar(
        grupo.id,
        [(Fundo.FUNDO_COMUM, data.valor)],
        OrigemLancamento.RENDIMENTO,
        referencia_id=rendimento.id,
        descricao=f"Rendimento líquido de {data.inicio.isoformat()} a {data.fim.isoformat()}",
    )
    await uow.commit()
    return rendimento


async def listar_rendimentos(session: AsyncSession, grupo_id: uuid.UUID) -> list[RendimentoGrupo]:
    """The group's periods, oldest first (404 for an unknown group)."""
    await _grupo(session, grupo_id)
    rows = await session.scalars(
        select(RendimentoGrupo).where(RendimentoGrupo.grupo_id == grupo_id).order_by(RendimentoGrupo.inicio)
    )
    return list(rows)


async def rendimento_das_cotas(
    session: AsyncSession, grupo_id: uuid.UUID, cota_ids: Iterable[uuid.UUID], ate: date
) -> dict[uuid.UUID, Decimal]:
    """Yield of each cota's fundo comum money over the periods that ended by ``ate`` (art. 30).

    A parcela's fundo comum counts from the day it was paid (``paga_em``; a
    partly paid parcela from its due date).
    """
    ids = list(cota_ids)
    if not ids:
        return {}
    periodos = [
        PeriodoRendimento(r.inicio, r.fim, r.valor, r.saldo_base)
        for r in await session.scalars(
            select(RendimentoGrupo)
            .where(RendimentoGrupo.grupo_id == grupo_id)
            .order_by(RendimentoGrupo.inicio)
        )
    ]
    if not periodos:
        return {i: ZERO for i in ids}
    dia = func.coalesce(Parcela.paga_em, Parcela.vencimento)
    rows = await session.execute(
        select(Parcela.cota_id, dia, func.sum(Parcela.pago_fundo_comum))
        .where(Parcela.cota_id.in_(ids), Parcela.pago_fundo_comum > 0)
        .group_by(Parcela.cota_id, dia)
    )
    contribuicoes: dict[uuid.UUID, list[Contribuicao]] = {i: [] for i in ids}
    for cota_id, d, valor in rows:
        contribuicoes[cota_id].append(Contribuicao(d, valor))
    return {i: rendimento_da_cota(periodos, contribuicoes[i], ate) for i in ids}
