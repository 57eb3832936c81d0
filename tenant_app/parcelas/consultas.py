"""Read side of a cota's schedule: its parcelas with late charges, and what it owes on a date."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.cotas.models import Cota
from tenant_app.dinheiro.alocacao import total_devido
from tenant_app.dinheiro.centavos import ZERO
from tenant_app.erros import NaoEncontrado
from tenant_app.grupos.models import Grupo
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.parcelas.pagamento_parcela import estado
from tenant_app.parcelas.schemas import ParcelaOut, SaldoCotaOut
from tenant_app.parcelas.service import parcelas_em_aberto


async def _grupo_da_cota(session: AsyncSession, cota_id: uuid.UUID) -> tuple[uuid.UUID, Grupo]:
    # The cota's group in one query; parcelas sit below cotas, so no cotas.service here.
    grupo = await session.scalar(
        select(Grupo).join(Cota, Cota.grupo_id == Grupo.id).where(Cota.id == cota_id)
    )
    if grupo is None:
        raise NaoEncontrado("Cota")
    return cota_id, grupo


async def cronograma(
    session: AsyncSession, cota_id: uuid.UUID, ref: date, status: StatusParcela | None = None
) -> list[ParcelaOut]:
    """The cota's whole schedule (at most ``prazo`` rows) with late charges as of ``ref``."""
    cota_id, grupo = await _grupo_da_cota(session, cota_id)
    stmt = select(Parcela).where(Parcela.cota_id == cota_id).order_by(Parcela.numero)
    if status is not None:
        stmt = stmt.where(Parcela.status == status)
    out = []
    for p in (await session.execute(stmt)).scalars():
        enc = p.encargos(ref, grupo.multa_pct, grupo.juros_mensal_pct)
        out.append(
            ParcelaOut(
                id=p.id,
                numero=p.numero,
                vencimento=p.vencimento,
                valor_fundo_comum=p.valor_fundo_comum,
                valor_taxa_administracao=p.valor_taxa_administracao - p.valor_taxa_antecipada,
                valor_taxa_antecipada=p.valor_taxa_antecipada,
                valor_fundo_reserva=p.valor_fundo_reserva,
                valor_seguro=p.valor_seguro,
                valor_total=p.valor_total,
                valor_pago=p.valor_pago_principal,
                saldo=p.saldo,
                multa_devida=enc.multa,
                juros_devidos=enc.juros,
                status=p.status,
                paga_em=p.paga_em,
            )
        )
    return out


async def saldo(session: AsyncSession, cota_id: uuid.UUID, ref: date) -> SaldoCotaOut:
    """Outstanding principal and late charges of the cota on ``ref``."""
    cota_id, grupo = await _grupo_da_cota(session, cota_id)
    estados = [estado(p) for p in await parcelas_em_aberto(session, cota_id)]
    principal = sum((e.saldo for e in estados), start=ZERO)
    total = total_devido(estados, ref, grupo.multa_pct, grupo.juros_mensal_pct)
    return SaldoCotaOut(
        data=ref,
        parcelas_em_aberto=len(estados),
        parcelas_vencidas=sum(1 for e in estados if e.vencimento < ref),
        principal=principal,
        encargos=total - principal,
        total=total,
    )
