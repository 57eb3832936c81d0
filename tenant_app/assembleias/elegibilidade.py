"""Who may take part: the eligibility snapshot of a group at an instant.

A cota takes part in the assembleia if it is active, not yet contemplated
and has paid every parcela that fell due before the cut-off date (paid on or
before that date). Excluded cotas not yet restituted only take part in the
restitution draws. What a cota paid and owes are percentages of the credit
(``dinheiro.percentuais``): lance ceilings, amortisation and restitutions use them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.assembleias.apuracao.entrada import CotaAtiva, CotaExcluida
from tenant_app.assembleias.models import ContemplacaoCota, StatusContemplacao
from tenant_app.cotas.models import Cota, StatusCota
from tenant_app.dinheiro import percentuais
from tenant_app.dinheiro.amortizacao import LancePaga
from tenant_app.grupos.models import Grupo
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.parcelas.service import remaining_parcelas
from tenant_app.rendimentos.service import rendimento_das_cotas

_CEM = Decimal(100)
_PASSO = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class SituacaoCota:
    """One cota as the snapshot sees it."""

    cota_id: uuid.UUID
    numero: int
    status: StatusCota
    contemplada: bool
    em_atraso: bool
    pago_fundo_comum: Decimal
    parcelas_pagas: int
    #: Σ pago_fundo_comum / valor_fundo_comum over its parcelas (1 per parcela whose fundo comum is paid).
    parcelas_pagas_equivalentes: Decimal = Decimal(0)
    data_adesao: date | None = None
    #: Still owed, in reais, over its parcelas: of the fundo comum, and of every component in all.
    aberto_fundo_comum: Decimal = Decimal(0)
    aberto_total: Decimal = Decimal(0)


#: SQL: what one parcela still owes of all its components.
_ABERTO_TOTAL = (
    Parcela.valor_fundo_comum
    - Parcela.pago_fundo_comum
    + Parcela.valor_fundo_reserva
    - Parcela.pago_fundo_reserva
    + Parcela.valor_taxa_administracao
    - Parcela.pago_taxa_administracao
    + Parcela.valor_seguro
    - Parcela.pago_seguro
)


def _em_atraso_ate(dia: date) -> ColumnElement[bool]:
    """SQL: the parcela fell due before ``dia`` and had not been paid by ``dia``.

    A parcela due on ``dia`` itself can still be paid that day, so it does not count.
    """
    paga_a_tempo = and_(Parcela.status == StatusParcela.PAGA, Parcela.paga_em <= dia)
    return and_(Parcela.vencimento < dia, ~paga_a_tempo)


async def situacoes(
    session: AsyncSession, grupo_id: uuid.UUID, dia: date, *, cota_numero: int | None = None
) -> list[SituacaoCota]:
    """Every cota of the group (or one) with its payment position at ``dia``."""
    stmt = (
        select(
            Cota.id,
            Cota.numero,
            Cota.status,
            Cota.contemplada,
            func.coalesce(func.bool_or(_em_atraso_ate(dia)), False),
            func.coalesce(func.sum(Parcela.pago_fundo_comum), 0),
            func.count(Parcela.id).filter(Parcela.status == StatusParcela.PAGA),
            func.coalesce(func.sum(Parcela.pago_fundo_comum / func.nullif(Parcela.valor_fundo_comum, 0)), 0),
            Cota.data_adesao,
            func.coalesce(func.sum(Parcela.valor_fundo_comum - Parcela.pago_fundo_comum), 0),
            func.coalesce(func.sum(_ABERTO_TOTAL), 0),
        )
        .outerjoin(Parcela, Parcela.cota_id == Cota.id)
        .where(Cota.grupo_id == grupo_id)
        .group_by(Cota.id)
        .order_by(Cota.numero)
    )
    if cota_numero is not None:
        stmt = stmt.where(Cota.numero == cota_numero)
    rows = (await session.execute(stmt)).all()
    return [
        SituacaoCota(
            r[0],
            r[1],
            StatusCota(r[2]),
            bool(r[3]),
            bool(r[4]),
            Decimal(r[5]),
            int(r[6]),
            Decimal(r[7]),
            r[8],
            Decimal(r[9]),
            Decimal(r[10]),
        )
        for r in rows
    ]


def percentual_pago(grupo: Grupo, situacao: SituacaoCota) -> Decimal:
    """% of the credit the cota paid to the fundo comum (Lei 11.795 art. 27 §1)."""
    if grupo.data_inicio is None or situacao.data_adesao is None:
        return Decimal(0)
    plano, _, _ = remaining_parcelas(grupo, situacao.data_adesao)
    return percentuais.percentual_pago(situacao.parcelas_pagas_equivalentes, plano)


def percentual_devido(grupo: Grupo, situacao: SituacaoCota) -> Decimal:
    """What the cota still owes the fundo comum, as % of the credit (never negative)."""
    return percentuais.percentual_devido(percentual_pago(grupo, situacao)).quantize(
        _PASSO, rounding=ROUND_HALF_UP
    )


def percentual_devido_integral(grupo: Grupo, situacao: SituacaoCota) -> Decimal:
    """What the cota still owes of its whole parcelas, as % of the credit.

    Whole parcelas: fundo comum, taxa de administração, fundo de reserva and seguro.

    The fundo comum's percentage (art. 27 §1) scaled by the parcelas' own
    proportion of everything owed to the fundo comum's part, in reais: a cota owing
    80 % of the credit to the fundo comum on parcelas whose components add up to
    1.2 times their fundo comum owes 96 % in whole parcelas. The ceiling and the
    balance of a lance when the contract's lance pays whole parcelas.
    """
    devido = percentual_devido(grupo, situacao)
    if situacao.aberto_fundo_comum <= 0:
        return devido
    return (devido * situacao.aberto_total / situacao.aberto_fundo_comum).quantize(
        _PASSO, rounding=ROUND_HALF_UP
    )


def teto_lance(grupo: Grupo, situacao: SituacaoCota, lance_paga: LancePaga) -> Decimal:
    """The balance a lance of this cota pays and may not exceed, as the contract's clause says."""
    if lance_paga is LancePaga.PARCELA_INTEGRAL:
        return percentual_devido_integral(grupo, situacao)
    return percentual_devido(grupo, situacao)


async def restituidas(session: AsyncSession, grupo_id: uuid.UUID) -> set[uuid.UUID]:
    """Cotas already contemplated (credit or restitution) in this group."""
    rows = await session.execute(
        select(ContemplacaoCota.cota_id).where(
            ContemplacaoCota.grupo_id == grupo_id, ContemplacaoCota.status == StatusContemplacao.ATIVA
        )
    )
    return {r[0] for r in rows}


async def snapshot(
    session: AsyncSession, grupo: Grupo, dia: date, lance_paga: LancePaga = LancePaga.FUNDO_COMUM
) -> tuple[tuple[CotaAtiva, ...], tuple[CotaExcluida, ...], dict[int, uuid.UUID]]:
    """Active eligible cotas, excluded cotas awaiting restitution, and number -> cota id."""
    ja = await restituidas(session, grupo.id)
    ativas: list[CotaAtiva] = []
    excluidas: list[CotaExcluida] = []
    ids: dict[int, uuid.UUID] = {}
    todas = await situacoes(session, grupo.id, dia)
    rendimentos = await rendimento_das_cotas(
        session,
        grupo.id,
        [s.cota_id for s in todas if s.status is StatusCota.EXCLUIDA and s.cota_id not in ja],
        dia,
    )
    for s in todas:
        ids[s.numero] = s.cota_id
        if s.cota_id in ja or s.contemplada:
            continue
        if s.status is StatusCota.EXCLUIDA:
            # Restitution (Lei 11.795 art. 30): the % of the credit paid to the fundo comum applied to
            # today's credit, less the cláusula penal (no taxa de administração, no insurance), plus
            # the yield of its money while in the fund (art. 24 §1; the periods recorded by rendimentos).
            valor = percentuais.valor_restituicao(
                percentual_pago(grupo, s), grupo.valor_credito, grupo.clausula_penal_pct
            )
            excluidas.append(CotaExcluida(s.numero, valor + rendimentos[s.cota_id]))
        elif not s.em_atraso:
            restantes = max(grupo.prazo_meses - s.parcelas_pagas, 0)
            # The whole-parcela balance only under that clause: other groups' inputs keep format 1.
            integral = (
                percentual_devido_integral(grupo, s) if lance_paga is LancePaga.PARCELA_INTEGRAL else None
            )
            ativas.append(
                CotaAtiva(s.numero, grupo.valor_credito, percentual_devido(grupo, s), restantes, integral)
            )
    return tuple(ativas), tuple(excluidas), ids
