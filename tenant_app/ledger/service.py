"""Ledger rows, the group-balance update and reconciliation. The only writer of Grupo balances.

Services post through ``UnitOfWork.lancar``, which uses these.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from tenant_app.dinheiro.centavos import ZERO
from tenant_app.grupos.models import Grupo
from tenant_app.ledger.models import Fundo, LancamentoFundo, OrigemLancamento
from tenant_app.pagamentos.models import Pagamento, PagamentoAlocacao, StatusPagamento


def lancamentos(
    grupo_id: uuid.UUID,
    entries: Iterable[tuple[Fundo, Decimal]],
    origem: OrigemLancamento,
    *,
    pagamento_id: uuid.UUID | None = None,
    cota_id: uuid.UUID | None = None,
    referencia_id: uuid.UUID | None = None,
    descricao: str | None = None,
) -> tuple[list[LancamentoFundo], Decimal, Decimal]:
    """The ledger rows of signed movements (zeros skipped) and the fundo comum / reserva deltas.

    Post them with ``UnitOfWork.lancar``, which also moves the group's balances.
    """
    postados, fc, fr = movimentos(entries)
    rows = [
        LancamentoFundo(
            grupo_id=grupo_id,
            fundo=fundo,
            valor=valor,
            origem=origem,
            pagamento_id=pagamento_id,
            cota_id=cota_id,
            referencia_id=referencia_id,
            descricao=descricao,
        )
        for fundo, valor in postados
    ]
    return rows, fc, fr


def movimentos(
    entries: Iterable[tuple[Fundo, Decimal]],
) -> tuple[list[tuple[Fundo, Decimal]], Decimal, Decimal]:
    """What ``lancamentos`` posts, as (fundo, valor) pairs (zeros skipped), and the fundo comum /
    reserva deltas: the rows of a bulk writer (``pagamentos.lote``) are these."""
    postados: list[tuple[Fundo, Decimal]] = []
    fc = fr = ZERO
    for fundo, valor in entries:
        if valor == 0:
            continue
        postados.append((fundo, valor))
        if fundo == Fundo.FUNDO_COMUM:
            fc += valor
        elif fundo == Fundo.FUNDO_RESERVA:
            fr += valor
    return postados, fc, fr


_GRUPOS_TABLE = cast(Table, Grupo.__table__)
_GRUPOS = _GRUPOS_TABLE.c
_REFRESHED = ("saldo_fundo_comum", "saldo_fundo_reserva", "updated_at")


async def apply_balance(session: AsyncSession, grupo_id: uuid.UUID, fc: Decimal, fr: Decimal) -> None:
    """Move the group's balances; the only writer of ``Grupo.saldo_*``."""
    # Relative UPDATE: concurrent postings add up without lost updates. A Core
    # statement on the table (the ORM's bulk-update machinery cost more CPU than
    # the round trip): the new values come back with RETURNING and refresh a Grupo
    # this session already holds, as synchronize_session="fetch" did.
    row = (
        await session.execute(
            update(_GRUPOS_TABLE)
            .where(_GRUPOS.id == grupo_id)
            .values(
                saldo_fundo_comum=_GRUPOS.saldo_fundo_comum + fc,
                saldo_fundo_reserva=_GRUPOS.saldo_fundo_reserva + fr,
            )
            .returning(*(_GRUPOS[name] for name in _REFRESHED))
        )
    ).first()
    grupo = session.identity_map.get(identity_key(Grupo, grupo_id))
    if grupo is not None and row is not None:
        for name, value in zip(_REFRESHED, row, strict=True):
            set_committed_value(grupo, name, value)


async def reconcile(session: AsyncSession, grupo_id: uuid.UUID) -> dict[str, Decimal | bool]:
    """Balances vs ledger vs allocations of confirmed payments; ``conciliado`` when all agree."""
    grupo = (
        await session.execute(
            select(Grupo.saldo_fundo_comum, Grupo.saldo_fundo_reserva).where(Grupo.id == grupo_id)
        )
    ).one()
    # The money of pagamentos, to be matched by their allocations: ordinary payments,
    # estornos, and lances paid as pagamentos (older lance rows have no pagamento and
    # no allocation; they stay with the other movements).
    from_payments = or_(
        LancamentoFundo.origem.in_([OrigemLancamento.PAGAMENTO, OrigemLancamento.ESTORNO]),
        and_(LancamentoFundo.origem == OrigemLancamento.LANCE, LancamentoFundo.pagamento_id.is_not(None)),
    )
    rows = (
        await session.execute(
            select(
                LancamentoFundo.fundo,
                func.coalesce(func.sum(LancamentoFundo.valor), 0),
                func.coalesce(func.sum(case((from_payments, LancamentoFundo.valor), else_=0)), 0),
            )
            .where(LancamentoFundo.grupo_id == grupo_id)
            .group_by(LancamentoFundo.fundo)
        )
    ).all()
    total = {Fundo(f): Decimal(t) for f, t, _ in rows}
    by_payments = {Fundo(f): Decimal(p) for f, _, p in rows}
    alloc = (
        await session.execute(
            select(
                func.coalesce(
                    func.sum(
                        PagamentoAlocacao.fundo_comum
                        + PagamentoAlocacao.multa
                        + PagamentoAlocacao.juros
                        - PagamentoAlocacao.encargos_administradora
                    ),
                    0,
                ),
                func.coalesce(func.sum(PagamentoAlocacao.fundo_reserva), 0),
                # The administradora's part of multa/juros is booked with the taxa (its revenue).
                func.coalesce(
                    func.sum(
                        PagamentoAlocacao.taxa_administracao + PagamentoAlocacao.encargos_administradora
                    ),
                    0,
                ),
                func.coalesce(func.sum(PagamentoAlocacao.seguro), 0),
            )
            .join(Pagamento, Pagamento.id == PagamentoAlocacao.pagamento_id)
            .where(Pagamento.grupo_id == grupo_id, Pagamento.status == StatusPagamento.CONFIRMADO)
        )
    ).one()
    alloc_fc, alloc_fr, alloc_ta, alloc_sg = (Decimal(v) for v in alloc)
    fc_total = total.get(Fundo.FUNDO_COMUM, ZERO)
    fr_total = total.get(Fundo.FUNDO_RESERVA, ZERO)
    fc_pay = by_payments.get(Fundo.FUNDO_COMUM, ZERO)
    fr_pay = by_payments.get(Fundo.FUNDO_RESERVA, ZERO)
    ok = (
        grupo.saldo_fundo_comum == fc_total
        and grupo.saldo_fundo_reserva == fr_total
        and fc_pay == alloc_fc
        and fr_pay == alloc_fr
        and by_payments.get(Fundo.TAXA_ADMINISTRACAO, ZERO) == alloc_ta
        and by_payments.get(Fundo.SEGURO, ZERO) == alloc_sg
    )
    return {
        "saldo_fundo_comum": grupo.saldo_fundo_comum,
        "saldo_fundo_reserva": grupo.saldo_fundo_reserva,
        "lancamentos_fundo_comum": fc_total,
        "lancamentos_fundo_reserva": fr_total,
        "alocado_fundo_comum": alloc_fc,
        "alocado_fundo_reserva": alloc_fr,
        "outros_fundo_comum": fc_total - fc_pay,
        "outros_fundo_reserva": fr_total - fr_pay,
        "taxa_administracao_recebida": total.get(Fundo.TAXA_ADMINISTRACAO, ZERO),
        "seguro_recebido": total.get(Fundo.SEGURO, ZERO),
        "conciliado": ok,
    }
