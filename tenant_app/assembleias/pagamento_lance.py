"""The lance winner pays its lance: the paid plan is applied, the money enters the fundo comum.

Recording the payment, in one transaction: the contemplação is marked paid,
the whole bid (cash plus embutido) amortises the cota's future parcelas as
the apuração planned, the cash enters the fundo comum and finances the part
of the carta it covers (booked then, not at the apuração, so the ledger
never counts money not received), and the audit trail records it all.

Winners whose deadline passed unpaid are disqualified (``desclassificar_vencidos``),
and the next bid wins through the existing disqualification.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.assembleias.apuracao.amortizacao_parcelas import LanceNaoCabe, ParcelaAberta, distribuir_lance
from tenant_app.assembleias.apuracao.dinheiro import casas_decimais
from tenant_app.assembleias.apuracao.resultado import Modalidade
from tenant_app.assembleias.desclassificacao import desclassificar, vencedora_por_lance
from tenant_app.assembleias.models import Assembleia, ContemplacaoCota, StatusAssembleia, StatusContemplacao
from tenant_app.assembleias.prazo_lance import vencido
from tenant_app.assembleias.service import get_assembleia, get_regras
from tenant_app.auditoria.trail import record_event
from tenant_app.cotas.models import Cota, CotaEvento, TipoEventoCota
from tenant_app.erros import ConflitoError, ErroDominio, FieldError, RegraVioladaError
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.ledger.service import post_entries
from tenant_app.parcelas.models import Parcela, StatusParcela
from tenant_app.settings import Settings

log = logging.getLogger("tenant_app.assembleias.pagamento_lance")


def _valor_invalido(mensagem: str) -> RegraVioladaError:
    return RegraVioladaError(
        "Valor do lance inválido.",
        title="Valor do lance inválido",
        errors=[FieldError("valor", mensagem)],
        code="valor_lance_invalido",
    )


async def registrar_pagamento_lance(
    session: AsyncSession,
    assembleia_id: uuid.UUID,
    cota_numero: int,
    valor: Decimal,
    hoje: date,
    user_id: uuid.UUID | None,
) -> dict[str, Any]:
    """Record the winner's lance payment and apply it (caller commits); returns the response body."""
    assembleia = await get_assembleia(session, assembleia_id, lock=True)
    if assembleia.status not in (StatusAssembleia.APURADA, StatusAssembleia.ENCERRADA):
        raise ConflitoError("A assembleia ainda não foi apurada.", code="transicao_invalida")
    vencedora = await vencedora_por_lance(session, assembleia, cota_numero)
    if vencedora.lance_pago_em is not None:
        raise ConflitoError(f"O lance da cota {cota_numero} já foi pago.", code="lance_ja_pago")
    if vencedora.prazo_pagamento_lance is not None and vencido(vencedora.prazo_pagamento_lance, hoje):
        raise ConflitoError(
            f"O prazo para pagar o lance terminou em {vencedora.prazo_pagamento_lance.strftime('%d/%m/%Y')}.",
            code="prazo_lance_vencido",
        )
    a_pagar = vencedora.valor_lance_a_pagar or Decimal(0)
    embutido = vencedora.valor_embutido or Decimal(0)
    if not valor.is_finite() or casas_decimais(valor) > 2:
        raise _valor_invalido("Informe o valor em reais com no máximo 2 casas decimais.")
    if valor != a_pagar:
        detalhe = f" (a parte embutida, R$ {embutido}, é descontada do crédito)" if embutido else ""
        raise _valor_invalido(f"O valor a pagar do lance é R$ {a_pagar}{detalhe}; foi informado R$ {valor}.")

    cota = await session.get(Cota, vencedora.cota_id, with_for_update=True)
    assert cota is not None  # the foreign key guarantees it
    regras = await get_regras(session, vencedora.grupo_id)
    futuras = list(
        (
            await session.scalars(
                select(Parcela)
                .where(
                    Parcela.cota_id == cota.id,
                    Parcela.status != StatusParcela.PAGA,
                    Parcela.vencimento > hoje,
                )
                .order_by(Parcela.numero)
                .with_for_update()
            )
        ).all()
    )
    plano = (vencedora.detalhe or {}).get("amortizacao", {})
    amortizado = vencedora.valor_lance or Decimal(0)
    try:
        aplicacao = distribuir_lance(
            [ParcelaAberta(p.numero, p.valor_fundo_comum - p.pago_fundo_comum) for p in futuras],
            amortizado,
            int(plano.get("parcelas_quitadas", 0)),
            regras.amortizacao_lance,
        )
    except LanceNaoCabe:
        raise ConflitoError(
            "As parcelas futuras da cota não comportam o lance; confira o cronograma de parcelas.",
            code="parcelas_insuficientes",
        ) from None
    for p in futuras:
        parte = aplicacao.get(p.numero)
        if parte is None:
            continue
        p.pago_fundo_comum += parte
        p.status = StatusParcela.PAGA if p.saldo == 0 else StatusParcela.PARCIAL
        p.paga_em = hoje if p.status is StatusParcela.PAGA else None

    agora = datetime.now(UTC)
    descricao = f"Assembleia {assembleia.numero}: lance pago pela cota {cota_numero}"
    # The cash enters the fundo comum and at once pays the part of the carta it finances.
    await post_entries(
        session,
        vencedora.grupo_id,
        [(Fundo.FUNDO_COMUM, a_pagar)],
        OrigemLancamento.LANCE,
        cota_id=cota.id,
        referencia_id=vencedora.id,
        descricao=descricao,
    )
    await post_entries(
        session,
        vencedora.grupo_id,
        [(Fundo.FUNDO_COMUM, -a_pagar)],
        OrigemLancamento.CONTEMPLACAO,
        cota_id=cota.id,
        referencia_id=vencedora.id,
        descricao=f"{descricao}: parte da carta de crédito coberta pelo lance",
    )
    parcelas = [{"parcela_numero": n, "valor": str(v)} for n, v in sorted(aplicacao.items())]
    vencedora.lance_pago_em = agora
    vencedora.lance_pago_por = user_id
    # A new dict: JSONB changes are only seen on assignment.
    vencedora.detalhe = {**(vencedora.detalhe or {}), "pagamento_lance": {"parcelas": parcelas}}
    session.add(CotaEvento(cota_id=cota.id, tipo=TipoEventoCota.CONTEMPLACAO, motivo=descricao))
    corpo: dict[str, Any] = {
        "assembleia_id": str(assembleia.id),
        "cota_numero": cota_numero,
        "valor_pago": str(a_pagar),
        "valor_embutido": str(embutido),
        "valor_amortizado": str(amortizado),
        "amortizacao": regras.amortizacao_lance.value,
        "pago_em": agora.isoformat(),
        "parcelas": parcelas,
    }
    record_event(session, "pagamento_lance", "contemplacoes", str(vencedora.id), after=corpo)
    return corpo


async def lances_vencidos(
    session: AsyncSession, hoje: date, assembleia_id: uuid.UUID | None = None
) -> list[tuple[uuid.UUID, int]]:
    """(assembleia, cota) of every active, unpaid lance award whose deadline passed before ``hoje``."""
    stmt = (
        select(ContemplacaoCota.assembleia_id, ContemplacaoCota.cota_numero)
        .join(Assembleia, Assembleia.id == ContemplacaoCota.assembleia_id)
        .where(
            Assembleia.status == StatusAssembleia.APURADA,
            ContemplacaoCota.modalidade == Modalidade.LANCE,
            ContemplacaoCota.status == StatusContemplacao.ATIVA,
            ContemplacaoCota.lance_pago_em.is_(None),
            ContemplacaoCota.prazo_pagamento_lance < hoje,
        )
        .order_by(ContemplacaoCota.assembleia_id, ContemplacaoCota.cota_numero)
    )
    if assembleia_id is not None:
        stmt = stmt.where(ContemplacaoCota.assembleia_id == assembleia_id)
    return [(a, n) for a, n in (await session.execute(stmt)).all()]


async def desclassificar_vencidos(
    session: AsyncSession,
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
    pendentes = await lances_vencidos(session, hoje, assembleia_id)
    await session.rollback()
    for assembleia, cota_numero in pendentes:
        try:
            await desclassificar(session, redis, settings, assembleia, cota_numero, None)
        except ErroDominio:
            await session.rollback()
            log.warning("disqualification of cota %s in %s postponed", cota_numero, assembleia, exc_info=True)
            continue
        feitos.append((assembleia, cota_numero))
    return feitos
