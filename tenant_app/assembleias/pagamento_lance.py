"""The lance winner pays its lance: a pagamento of the cota with forma LANCE.

Recording the payment, in one transaction, through the one money path
(``pagamentos.service.registrar_pagamento``): the whole bid (cash plus
embutido) amortises the cota's future parcelas as the apuração planned — their
fundo comum share, or the whole parcelas when the contract's ``lance_paga`` is
``parcela_integral`` — the
money enters the fundo comum and at once pays the part of the carta it covers
(booked then, not at the apuração, so the ledger never counts money not
received), the contemplação points to the pagamento, and the audit trail
records it all. The pagamento is listed with the cota's others, and its
estorno (``estornar_pagamento``) undoes the amortisation and the ledger
exactly and leaves the lance unpaid again.

Winners whose deadline passed unpaid are disqualified (``desclassificar_vencidos``),
and the next bid wins through the existing disqualification.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.assembleias.apuracao.resultado import Modalidade
from tenant_app.assembleias.desclassificacao import desclassificar, vencedora_por_lance
from tenant_app.assembleias.models import Assembleia, ContemplacaoCota, StatusAssembleia, StatusContemplacao
from tenant_app.assembleias.prazo_lance import vencido
from tenant_app.assembleias.service import get_assembleia, get_regras
from tenant_app.cotas.models import CotaEvento, TipoEventoCota
from tenant_app.dinheiro.centavos import em_centavos_exatos
from tenant_app.erros import ConflitoError, ErroDominio, FieldError, RegraVioladaError
from tenant_app.pagamentos.models import FormaPagamento, Pagamento, StatusPagamento
from tenant_app.pagamentos.service import LanceAPagar, registrar_pagamento
from tenant_app.settings import Settings
from tenant_app.unit_of_work import UnitOfWork

log = logging.getLogger("tenant_app.assembleias.pagamento_lance")


def _valor_invalido(mensagem: str) -> RegraVioladaError:
    return RegraVioladaError(
        "Valor do lance inválido.",
        title="Valor do lance inválido",
        errors=[FieldError("valor", mensagem)],
        code="valor_lance_invalido",
    )


async def registrar_pagamento_lance(
    uow: UnitOfWork, assembleia_id: uuid.UUID, cota_numero: int, valor: Decimal, hoje: date
) -> dict[str, Any]:
    """Record the winner's lance payment as a pagamento of the cota (the caller commits); returns the body."""
    session = uow.session
    assembleia = await get_assembleia(session, assembleia_id, lock=True)
    if assembleia.status not in (StatusAssembleia.APURADA, StatusAssembleia.ENCERRADA):
        raise ConflitoError("A assembleia ainda não foi apurada.", code="transicao_invalida")
    vencedora = await vencedora_por_lance(session, assembleia, cota_numero)
    if vencedora.lance_pago:
        raise ConflitoError(f"O lance da cota {cota_numero} já foi pago.", code="lance_ja_pago")
    if vencedora.prazo_pagamento_lance is not None and vencido(vencedora.prazo_pagamento_lance, hoje):
        raise ConflitoError(
            f"O prazo para pagar o lance terminou em {vencedora.prazo_pagamento_lance.strftime('%d/%m/%Y')}.",
            code="prazo_lance_vencido",
        )
    a_pagar = vencedora.valor_lance_a_pagar or Decimal(0)
    embutido = vencedora.valor_embutido or Decimal(0)
    if not em_centavos_exatos(valor):
        raise _valor_invalido("Informe o valor em reais com no máximo 2 casas decimais.")
    if valor != a_pagar:
        detalhe = f" (a parte embutida, R$ {embutido}, é descontada do crédito)" if embutido else ""
        raise _valor_invalido(f"O valor a pagar do lance é R$ {a_pagar}{detalhe}; foi informado R$ {valor}.")

    regras = await get_regras(session, vencedora.grupo_id)
    plano = (vencedora.detalhe or {}).get("amortizacao", {})
    amortizado = vencedora.valor_lance or Decimal(0)
    descricao = f"Assembleia {assembleia.numero}: lance pago pela cota {cota_numero}"
    # The whole bid (cash plus embutido) amortises the parcelas: one pagamento of the cota,
    # through the one money path, so it is listed with the others and an estorno undoes it.
    pagamento = await registrar_pagamento(
        uow,
        vencedora.cota_id,
        amortizado,
        hoje,
        FormaPagamento.LANCE,
        f"Assembleia {assembleia.numero}, lance da cota {cota_numero}",
        lance=LanceAPagar(
            contemplacao_id=vencedora.id,
            parcelas_quitadas=int(plano.get("parcelas_quitadas", 0)),
            modo=regras.amortizacao_lance,
            valor_embutido=embutido,
            descricao=descricao,
            paga=regras.lance_paga,
        ),
    )
    # What the lance paid of each parcela, in all and by component (under the default clause
    # only the fundo comum; under parcela_integral the taxa, fundo de reserva and seguro too).
    parcelas = [
        {
            "parcela_numero": a.parcela_numero,
            "valor": str(a.fundo_comum + a.fundo_reserva + a.taxa_administracao + a.seguro),
            "fundo_comum": str(a.fundo_comum),
            "fundo_reserva": str(a.fundo_reserva),
            "taxa_administracao": str(a.taxa_administracao),
            "seguro": str(a.seguro),
        }
        for a in pagamento.alocacoes
    ]
    uow.track(vencedora)
    vencedora.lance_pago_em = pagamento.registrado_em
    vencedora.lance_pago_por = uow.actor.user_id
    vencedora.pagamento_lance = pagamento
    # A new dict: JSONB changes are only seen on assignment.
    vencedora.detalhe = {**(vencedora.detalhe or {}), "pagamento_lance": {"parcelas": parcelas}}
    uow.add(CotaEvento(cota_id=vencedora.cota_id, tipo=TipoEventoCota.CONTEMPLACAO, motivo=descricao))
    corpo: dict[str, Any] = {
        "assembleia_id": str(assembleia.id),
        "cota_numero": cota_numero,
        "pagamento_id": str(pagamento.id),
        "valor_pago": str(a_pagar),
        "valor_embutido": str(embutido),
        "valor_amortizado": str(amortizado),
        "amortizacao": regras.amortizacao_lance.value,
        "lance_paga": regras.lance_paga.value,
        "pago_em": pagamento.registrado_em.isoformat(),
        "parcelas": parcelas,
    }
    uow.auditar("pagamento_lance", "contemplacoes", str(vencedora.id), None, corpo)
    return corpo


async def lances_vencidos(
    session: AsyncSession, hoje: date, assembleia_id: uuid.UUID | None = None
) -> list[tuple[uuid.UUID, int]]:
    """(assembleia, cota) of every active, unpaid lance award whose deadline passed before ``hoje``."""
    stmt = (
        select(ContemplacaoCota.assembleia_id, ContemplacaoCota.cota_numero)
        .join(Assembleia, Assembleia.id == ContemplacaoCota.assembleia_id)
        .outerjoin(Pagamento, Pagamento.id == ContemplacaoCota.pagamento_id)
        .where(
            Assembleia.status == StatusAssembleia.APURADA,
            ContemplacaoCota.modalidade == Modalidade.LANCE,
            ContemplacaoCota.status == StatusContemplacao.ATIVA,
            # Unpaid: never paid, or its pagamento was reversed (an estorno).
            or_(ContemplacaoCota.lance_pago_em.is_(None), Pagamento.status == StatusPagamento.ESTORNADO),
            ContemplacaoCota.prazo_pagamento_lance < hoje,
        )
        .order_by(ContemplacaoCota.assembleia_id, ContemplacaoCota.cota_numero)
    )
    if assembleia_id is not None:
        stmt = stmt.where(ContemplacaoCota.assembleia_id == assembleia_id)
    return [(a, n) for a, n in (await session.execute(stmt)).all()]


async def desclassificar_vencidos(
    uow: UnitOfWork,
    redis: Redis,
    settings: Settings,
    hoje: date,
    assembleia_id: uuid.UUID | None = None,
) -> list[tuple[uuid.UUID, int]]:
    """Disqualify every winner whose deadline passed unpaid; returns those disqualified.

    Idempotent: a disqualified award is no longer active, so a second run finds
    nothing. Each award is its own transaction; one that fails (e.g. the group
    is being apurado right now) is logged and left for the next run.
    """
    feitos: list[tuple[uuid.UUID, int]] = []
    pendentes = await lances_vencidos(uow.session, hoje, assembleia_id)
    await uow.rollback()
    for assembleia, cota_numero in pendentes:
        try:
            await desclassificar(uow, redis, settings, assembleia, cota_numero, None)
        except ErroDominio:
            await uow.rollback()
            log.warning("disqualification of cota %s in %s postponed", cota_numero, assembleia, exc_info=True)
            continue
        feitos.append((assembleia, cota_numero))
    return feitos
