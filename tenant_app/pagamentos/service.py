"""Recording and reversing payments; the group ledger moves in the same transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.cotas.models import Cota
from tenant_app.cotas.service import get_cota
from tenant_app.erros import ConflitoError, NaoEncontrado, RegraVioladaError
from tenant_app.grupos.models import Grupo, StatusGrupo
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.ledger.service import post_entries
from tenant_app.pagamentos.allocation import EstadoParcela, allocate, total_devido
from tenant_app.pagamentos.models import FormaPagamento, Pagamento, PagamentoAlocacao, StatusPagamento
from tenant_app.parcelas.models import COMPONENTES, Parcela, StatusParcela
from tenant_app.parcelas.money import ZERO


def estado(p: Parcela) -> EstadoParcela:
    """Allocation view of a parcela row."""
    return EstadoParcela(
        id=p.id,
        numero=p.numero,
        vencimento=p.vencimento,
        valor_total=p.valor_total,
        devido={c: getattr(p, f"valor_{c}") - getattr(p, f"pago_{c}") for c in COMPONENTES},
        pago_multa=p.pago_multa,
        juros_pendentes=p.juros_pendentes,
        juros_calculados_ate=p.juros_calculados_ate,
    )


async def open_parcelas(session: AsyncSession, cota_id: uuid.UUID) -> list[Parcela]:
    """Parcelas not fully paid, oldest first."""
    rows = await session.execute(
        select(Parcela)
        .where(Parcela.cota_id == cota_id, Parcela.status != StatusParcela.PAGA)
        .order_by(Parcela.vencimento, Parcela.numero)
    )
    return list(rows.scalars())


def _ledger_entries(alocacoes: list[PagamentoAlocacao], sign: int) -> list[tuple[Fundo, Decimal]]:
    # Multa and juros belong to the fundo comum (they compensate the group).
    fc = sum((a.fundo_comum + a.multa + a.juros for a in alocacoes), ZERO)
    fr = sum((a.fundo_reserva for a in alocacoes), ZERO)
    ta = sum((a.taxa_administracao for a in alocacoes), ZERO)
    sg = sum((a.seguro for a in alocacoes), ZERO)
    return [
        (Fundo.FUNDO_COMUM, sign * fc),
        (Fundo.FUNDO_RESERVA, sign * fr),
        (Fundo.TAXA_ADMINISTRACAO, sign * ta),
        (Fundo.SEGURO, sign * sg),
    ]


async def register_payment(
    session: AsyncSession,
    cota_id: uuid.UUID,
    valor: Decimal,
    data_pagamento: date,
    forma: FormaPagamento,
    referencia: str | None,
    user_id: uuid.UUID | None,
) -> Pagamento:
    """Allocate ``valor`` oldest-first and post it to the ledger (caller commits).

    The cota row is locked, so concurrent payments of one cota are applied one
    after the other and never allocate the same centavo twice.
    """
    # One round trip: the cota (row-locked) and its group (not locked).
    found = (
        await session.execute(
            select(Cota, Grupo)
            .join(Grupo, Grupo.id == Cota.grupo_id)
            .where(Cota.id == cota_id)
            .with_for_update(of=Cota)
        )
    ).first()
    if found is None:
        raise NaoEncontrado("Cota")
    cota, grupo = found
    if grupo.status is not StatusGrupo.EM_ANDAMENTO:
        raise RegraVioladaError(
            "Pagamentos só são aceitos em grupos em andamento.", code="grupo_nao_iniciado"
        )
    parcelas = await open_parcelas(session, cota.id)
    if not parcelas:
        raise RegraVioladaError("A cota não tem parcelas em aberto.", campo="valor", code="sem_parcelas")
    estados = [estado(p) for p in parcelas]
    result = allocate(valor, estados, data_pagamento, grupo.multa_pct, grupo.juros_mensal_pct)
    if result.sobra > 0:
        maximo = total_devido(estados, data_pagamento, grupo.multa_pct, grupo.juros_mensal_pct)
        raise RegraVioladaError(
            f"O valor excede o saldo devedor da cota (máximo R$ {maximo}).",
            campo="valor",
            code="valor_excedente",
        )
    pagamento = Pagamento(
        id=uuid.uuid4(),
        cota_id=cota.id,
        grupo_id=grupo.id,
        valor=valor,
        data_pagamento=data_pagamento,
        forma=forma,
        referencia=referencia,
        status=StatusPagamento.CONFIRMADO,
        registrado_por=user_id,
        registrado_em=datetime.now(UTC),
        alocacoes=[],
    )
    session.add(pagamento)
    by_id = {p.id: p for p in parcelas}
    for ordem, a in enumerate(result.alocacoes, start=1):
        p = by_id[a.parcela_id]
        for c in COMPONENTES:
            setattr(p, f"pago_{c}", getattr(p, f"pago_{c}") + a.componentes[c])
        p.pago_multa += a.multa
        p.pago_juros += a.juros
        p.juros_pendentes = a.juros_pendentes_apos
        p.juros_calculados_ate = a.juros_calculados_ate
        p.status = StatusParcela.PAGA if p.saldo == 0 else StatusParcela.PARCIAL
        p.paga_em = data_pagamento if p.status is StatusParcela.PAGA else None
        pagamento.alocacoes.append(
            PagamentoAlocacao(
                parcela_id=p.id,
                parcela_numero=p.numero,
                ordem=ordem,
                fundo_comum=a.componentes["fundo_comum"],
                fundo_reserva=a.componentes["fundo_reserva"],
                taxa_administracao=a.componentes["taxa_administracao"],
                seguro=a.componentes["seguro"],
                multa=a.multa,
                juros=a.juros,
            )
        )
    await post_entries(
        session,
        grupo.id,
        _ledger_entries(pagamento.alocacoes, 1),
        OrigemLancamento.PAGAMENTO,
        pagamento_id=pagamento.id,
        cota_id=cota.id,
        defer_balance=True,
    )
    return pagamento


async def get_pagamento(session: AsyncSession, pagamento_id: uuid.UUID) -> Pagamento:
    """The payment or 404."""
    pagamento = await session.get(Pagamento, pagamento_id)
    if pagamento is None:
        raise NaoEncontrado("Pagamento")
    return pagamento


async def reverse_payment(
    session: AsyncSession, pagamento_id: uuid.UUID, motivo: str, user_id: uuid.UUID | None
) -> Pagamento:
    """Estorno: undo the allocation, owed interest comes back, opposite ledger entries (caller commits)."""
    found = await get_pagamento(session, pagamento_id)
    await get_cota(session, found.cota_id, lock=True)  # same lock order as register_payment
    pagamento = (
        await session.execute(
            select(Pagamento)
            .where(Pagamento.id == pagamento_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    if pagamento.status is StatusPagamento.ESTORNADO:
        raise ConflitoError("Este pagamento já foi estornado.", code="ja_estornado")
    ids = [a.parcela_id for a in pagamento.alocacoes]
    parcelas = {
        p.id: p
        for p in (
            await session.execute(select(Parcela).where(Parcela.id.in_(ids)).with_for_update())
        ).scalars()
    }
    for a in pagamento.alocacoes:
        p = parcelas[a.parcela_id]
        p.pago_fundo_comum -= a.fundo_comum
        p.pago_fundo_reserva -= a.fundo_reserva
        p.pago_taxa_administracao -= a.taxa_administracao
        p.pago_seguro -= a.seguro
        p.pago_multa -= a.multa
        p.pago_juros -= a.juros
        # Interest that this payment settled is owed again.
        p.juros_pendentes += a.juros
        p.status = (
            StatusParcela.PAGA
            if p.saldo == 0
            else (StatusParcela.PARCIAL if p.valor_pago_principal > 0 else StatusParcela.ABERTA)
        )
        if p.status is not StatusParcela.PAGA:
            p.paga_em = None
    pagamento.status = StatusPagamento.ESTORNADO
    pagamento.estornado_em = datetime.now(UTC)
    pagamento.estornado_por = user_id
    pagamento.motivo_estorno = motivo
    await post_entries(
        session,
        pagamento.grupo_id,
        _ledger_entries(pagamento.alocacoes, -1),
        OrigemLancamento.ESTORNO,
        pagamento_id=pagamento.id,
        cota_id=pagamento.cota_id,
        descricao=motivo[:200],
        defer_balance=True,
    )
    return pagamento
