"""What the closing reads from the database: every cota as ``calculo.CotaNoEncerramento``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.assembleias.apuracao.resultado import Modalidade
from tenant_app.assembleias.elegibilidade import percentual_pago, situacoes
from tenant_app.assembleias.models import Assembleia, ContemplacaoCota, StatusAssembleia, StatusContemplacao
from tenant_app.consorciados.models import Consorciado, Contato
from tenant_app.cotas.models import Cota, StatusCota
from tenant_app.dinheiro.centavos import ZERO
from tenant_app.encerramento.calculo import CotaNoEncerramento
from tenant_app.grupos.models import Grupo
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.rendimentos.service import rendimento_das_cotas

#: Contact kinds that are an account the group can pay into (Res. BCB 285/2023: asked before the last AGO).
TIPOS_CONTA = ("pix", "conta_deposito")


@dataclass(frozen=True, slots=True)
class CotaLida:
    """A cota with its ids and its view for the pure closing."""

    cota_id: uuid.UUID
    consorciado_id: uuid.UUID
    credito_contemplado: Decimal | None
    calculo: CotaNoEncerramento


async def ultima_assembleia(session: AsyncSession, grupo_id: uuid.UUID) -> date | None:
    """Date of the group's last AGO held (apurada or encerrada)."""
    return await session.scalar(
        select(func.max(Assembleia.data_assembleia)).where(
            Assembleia.grupo_id == grupo_id,
            Assembleia.status.in_([StatusAssembleia.APURADA, StatusAssembleia.ENCERRADA]),
        )
    )


async def assembleias_pendentes(session: AsyncSession, grupo_id: uuid.UUID) -> int:
    """Assembleias scheduled or receiving lances (the last AGO is not behind us yet)."""
    return int(
        await session.scalar(
            select(func.count(Assembleia.id)).where(
                Assembleia.grupo_id == grupo_id,
                Assembleia.status.in_([StatusAssembleia.AGENDADA, StatusAssembleia.RECEBENDO_LANCES]),
            )
        )
        or 0
    )


async def cotas_do_grupo(session: AsyncSession, grupo: Grupo, dia: date) -> list[CotaLida]:
    """Every cota of the group as the closing sees it on ``dia``."""
    sits = await situacoes(session, grupo.id, dia)
    ids = [s.cota_id for s in sits]
    if not ids:
        return []
    # Fundo de reserva paid, and what active cotas still owe (every open parcela: the plan is over).
    devido = (
        Parcela.valor_total
        - Parcela.pago_fundo_comum
        - Parcela.pago_fundo_reserva
        - Parcela.pago_taxa_administracao
        - Parcela.pago_seguro
    )
    somas = {
        r[0]: (Decimal(r[1]), Decimal(r[2]))
        for r in await session.execute(
            select(
                Parcela.cota_id,
                func.coalesce(func.sum(Parcela.pago_fundo_reserva), 0),
                func.coalesce(func.sum(devido).filter(Parcela.status != StatusParcela.PAGA), 0),
            )
            .where(Parcela.grupo_id == grupo.id)
            .group_by(Parcela.cota_id)
        )
    }
    cotas = {c.id: c for c in await session.scalars(select(Cota).where(Cota.grupo_id == grupo.id))}
    contemplacoes = {
        r.cota_id: r
        for r in await session.scalars(
            select(ContemplacaoCota).where(
                ContemplacaoCota.grupo_id == grupo.id, ContemplacaoCota.status == StatusContemplacao.ATIVA
            )
        )
    }
    com_conta = set(
        await session.scalars(
            select(Consorciado.id)
            .join(Contato, Contato.consorciado_id == Consorciado.id)
            .where(
                and_(Contato.tipo.in_(TIPOS_CONTA), Consorciado.anonimizado_em.is_(None)),
                Consorciado.id.in_({c.consorciado_id for c in cotas.values()}),
            )
        )
    )
    excluidas = [
        s.cota_id for s in sits if s.status is StatusCota.EXCLUIDA and s.cota_id not in contemplacoes
    ]
    rendimentos = await rendimento_das_cotas(session, grupo.id, excluidas, dia)
    lidas = []
    for s in sits:
        cota = cotas[s.cota_id]
        contemplacao = contemplacoes.get(s.cota_id)
        excluida = s.status is StatusCota.EXCLUIDA
        pago_fr, em_aberto = somas.get(s.cota_id, (ZERO, ZERO))
        credito = (
            contemplacao.valor_liberado
            if contemplacao is not None and contemplacao.modalidade is not Modalidade.RESTITUICAO
            else None
        )
        lidas.append(
            CotaLida(
                s.cota_id,
                cota.consorciado_id,
                credito,
                CotaNoEncerramento(
                    numero=s.numero,
                    excluida=excluida,
                    restituida=excluida and contemplacao is not None,
                    percentual_pago=percentual_pago(grupo, s),
                    pago_fundo_comum=s.pago_fundo_comum,
                    pago_fundo_reserva=pago_fr,
                    rendimento=rendimentos.get(s.cota_id, ZERO),
                    # An excluded member owes no more parcelas; an active one owes every open one.
                    a_receber=ZERO if excluida else em_aberto,
                    conta_conhecida=cota.consorciado_id in com_conta,
                ),
            )
        )
    return lidas
