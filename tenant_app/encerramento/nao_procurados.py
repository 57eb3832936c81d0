"""Recursos não procurados: what closed groups keep for people who gave no account (the report).

Lei 11.795/2008 arts. 33–34: the amounts not claimed at a group's closing are recursos não
procurados, kept by the administradora apart from its own money and invested; they are reported to
the Banco Central (Doc 2080) until claimed or until the claim expires, 5 years after the closing
(Lei 11.795/2008). Each line is the cota's line of its group's final accounts (destino
``nao_procurado``); the money sits in ``Fundo.NAO_PROCURADOS`` of the group's ledger.

A claim (``pagar``) pays the line out of that fund through ``pagamentos.devolucoes``
once the consorciado has an account on file; a paid line leaves the report. The
line keeps its destino (the closing's accounts never change) and records when it was paid.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.consorciados.models import Consorciado, Contato
from tenant_app.dinheiro.centavos import ZERO
from tenant_app.encerramento.calculo import DestinoValor
from tenant_app.encerramento.dados import TIPOS_CONTA
from tenant_app.encerramento.models import Encerramento, EncerramentoCota
from tenant_app.erros import ConflitoError, NaoEncontrado, RegraVioladaError
from tenant_app.grupos.models import Grupo
from tenant_app.http.pagination import PageParams
from tenant_app.ledger.models import OrigemLancamento
from tenant_app.pagamentos.devolucoes import pagar_nao_procurado
from tenant_app.unit_of_work import UnitOfWork

#: The claim against the group expires 5 years after the closing.
ANOS_PARA_PRESCRICAO = 5


@dataclass(frozen=True, slots=True)
class NaoProcurado:
    """One amount kept for a consorciado of a closed group."""

    linha: EncerramentoCota
    grupo_codigo: str
    data_encerramento: date

    @property
    def prescreve_em(self) -> date:
        """The day the claim expires (29 February falls back to the 28th)."""
        d = self.data_encerramento
        ano = d.year + ANOS_PARA_PRESCRICAO
        try:
            return d.replace(year=ano)
        except ValueError:
            return d.replace(year=ano, day=28)


async def listar(
    session: AsyncSession, page: PageParams, grupo_id: uuid.UUID | None = None
) -> tuple[list[NaoProcurado], int, Decimal]:
    """One page (oldest closing first), the count and the sum of every amount kept."""
    # Paid lines are no longer kept: the report is what is still owed.
    filtro = [EncerramentoCota.destino == DestinoValor.NAO_PROCURADO, EncerramentoCota.pago_em.is_(None)]
    if grupo_id is not None:
        filtro.append(EncerramentoCota.grupo_id == grupo_id)
    total, soma = (
        await session.execute(
            select(func.count(EncerramentoCota.id), func.coalesce(func.sum(EncerramentoCota.total), 0)).where(
                *filtro
            )
        )
    ).one()
    rows = await session.execute(
        select(EncerramentoCota, Grupo.codigo, Encerramento.data_encerramento)
        .join(Encerramento, Encerramento.id == EncerramentoCota.encerramento_id)
        .join(Grupo, Grupo.id == EncerramentoCota.grupo_id)
        .where(*filtro)
        .order_by(Encerramento.data_encerramento, Grupo.codigo, EncerramentoCota.cota_numero)
        .limit(page.limit)
        .offset(page.offset)
    )
    itens = [NaoProcurado(linha, codigo, data) for linha, codigo, data in rows if data is not None]
    return itens, int(total), Decimal(soma) if soma else ZERO


async def pagar(uow: UnitOfWork, linha_id: uuid.UUID, agora: datetime) -> NaoProcurado:
    """Pay the consorciado the amount kept for it (the caller commits ``uow``).

    404 for an unknown line (or one that was paid at the closing), 409 once paid,
    422 after the claim expired or while the consorciado has no account on file
    (PIX key or deposit account, the same contacts the closing pays to).
    """
    session = uow.session
    found = (
        await session.execute(
            select(EncerramentoCota, Grupo.codigo, Encerramento.data_encerramento)
            .join(Encerramento, Encerramento.id == EncerramentoCota.encerramento_id)
            .join(Grupo, Grupo.id == EncerramentoCota.grupo_id)
            .where(EncerramentoCota.id == linha_id, EncerramentoCota.destino == DestinoValor.NAO_PROCURADO)
            .with_for_update(of=EncerramentoCota)
        )
    ).first()
    if found is None:
        raise NaoEncontrado("Recurso não procurado")
    linha, codigo, data_encerramento = found
    if data_encerramento is None:
        raise NaoEncontrado("Recurso não procurado")
    item = NaoProcurado(linha, codigo, data_encerramento)
    if linha.pago_em is not None:
        raise ConflitoError(
            f"Este valor já foi pago em {linha.pago_em.date().strftime('%d/%m/%Y')}.",
            code="transicao_invalida",
        )
    if agora.date() > item.prescreve_em:
        raise RegraVioladaError(
            f"O direito de reclamar este valor prescreveu em {item.prescreve_em.strftime('%d/%m/%Y')} "
            f"({ANOS_PARA_PRESCRICAO} anos após o encerramento do grupo).",
        )
    tem_conta = await session.scalar(
        select(func.count(Contato.id))
        .join(Consorciado, Consorciado.id == Contato.consorciado_id)
        .where(
            Contato.consorciado_id == linha.consorciado_id,
            Contato.tipo.in_(TIPOS_CONTA),
            Consorciado.anonimizado_em.is_(None),
        )
    )
    if not tem_conta:
        raise RegraVioladaError(
            "Cadastre a chave PIX ou a conta de depósito do consorciado antes de pagar o valor.",
            campo="consorciado_id",
        )
    await pagar_nao_procurado(
        uow,
        linha.grupo_id,
        linha.cota_id,
        linha.total,
        referencia_id=linha.id,
        descricao=f"Grupo {codigo}: recurso não procurado pago à cota {linha.cota_numero}",
    )
    antes = {"pago_em": None}
    linha.pago_em = agora
    linha.pago_por = uow.actor.user_id
    uow.auditar(
        "pagamento_nao_procurado",
        "encerramento_cotas",
        str(linha.id),
        antes,
        {
            "pago_em": agora.isoformat(),
            "valor": str(linha.total),
            "origem": OrigemLancamento.ENCERRAMENTO.value,
        },
    )
    return item
