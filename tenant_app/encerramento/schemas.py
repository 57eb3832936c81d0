"""Bodies of the closing endpoints: the notice, the final accounts per group and per cota."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import msgspec

from tenant_app.encerramento.calculo import (
    DIAS_APOS_COMUNICACAO,
    DIAS_PARA_COMUNICAR,
    DIAS_PARA_ENCERRAR,
    Demonstrativo,
    DestinoValor,
)
from tenant_app.encerramento.models import Encerramento, EncerramentoCota, StatusEncerramento
from tenant_app.http.schemas import Dinheiro


class ComunicacaoIn(msgspec.Struct, kw_only=True):
    """The art. 31 notice: the day it was sent to the consorciados (not in the future)."""

    data_comunicacao: date


class LinhaOut(msgspec.Struct, kw_only=True):
    """One cota's line of the accounts."""

    cota_id: uuid.UUID
    cota_numero: int
    consorciado_id: uuid.UUID
    excluida: bool
    #: % of the credit paid to the fundo comum (6 decimal places).
    percentual_pago: Decimal
    pago_fundo_comum: Dinheiro
    pago_fundo_reserva: Dinheiro
    #: Art. 30 restitution of an excluded cota (yield included).
    restituicao: Dinheiro
    rendimento: Dinheiro
    rateio_fundo_comum: Dinheiro
    rateio_fundo_reserva: Dinheiro
    total: Dinheiro
    #: pago (to the account given), nao_procurado (kept: recursos não procurados) or nenhum.
    destino: DestinoValor
    #: Still owed BY the consorciado (open parcelas): valores pendentes de recebimento, art. 32 II.
    a_receber: Dinheiro
    #: Carta de crédito of a contemplated cota (its use is settled by the crédito's own process).
    credito_contemplado: Dinheiro | None


class ConciliacaoOut(msgspec.Struct, kw_only=True):
    """The closing against the ledger, to the centavo."""

    saldo_fundo_comum: Dinheiro
    saldo_fundo_reserva: Dinheiro
    lancamentos_fundo_comum: Dinheiro
    lancamentos_fundo_reserva: Dinheiro
    saida_fundo_comum: Dinheiro
    saida_fundo_reserva: Dinheiro
    nao_procurados: Dinheiro
    cotas_conciliadas: bool
    conciliado: bool


class EncerramentoOut(msgspec.Struct, kw_only=True):
    """The notice and, once closed, the final accounts (per group and per cota)."""

    id: uuid.UUID
    grupo_id: uuid.UUID
    status: StatusEncerramento
    data_ultima_assembleia: date | None
    data_comunicacao: date
    #: Art. 31: the notice went out within 60 days of the last AGO.
    comunicacao_no_prazo: bool
    #: Art. 32: first day the group may close (30 days after the notice).
    encerrar_a_partir_de: date
    #: Art. 32: last day (120 days after the last AGO), when there was one.
    encerrar_ate: date | None
    data_encerramento: date | None
    fora_do_prazo: bool
    saldo_fundo_comum: Dinheiro
    saldo_fundo_reserva: Dinheiro
    total_restituicoes: Dinheiro
    total_rateio_fundo_comum: Dinheiro
    total_rateio_fundo_reserva: Dinheiro
    total_pago: Dinheiro
    total_nao_procurado: Dinheiro
    total_a_receber: Dinheiro
    #: Only what is not zero: the recursos não procurados to keep and report.
    nao_procurados: list[LinhaOut]
    #: Only what is not zero: amounts receivable from delinquent consorciados.
    a_receber: list[LinhaOut]
    cotas: list[LinhaOut]
    #: The final accounts against the ledger (after the closing).
    conciliacao: ConciliacaoOut | None = None


def _prazos(e: Encerramento) -> dict[str, date | bool | None]:
    ultima = e.data_ultima_assembleia
    return {
        "comunicacao_no_prazo": ultima is None
        or e.data_comunicacao <= ultima + timedelta(days=DIAS_PARA_COMUNICAR),
        "encerrar_a_partir_de": e.data_comunicacao + timedelta(days=DIAS_APOS_COMUNICACAO),
        "encerrar_ate": None if ultima is None else ultima + timedelta(days=DIAS_PARA_ENCERRAR),
    }


def montar(e: Encerramento, linhas: list[LinhaOut], conciliacao: ConciliacaoOut | None) -> EncerramentoOut:
    """The answer from the stored row (totals) and the lines."""

    def soma(campo: str) -> Decimal:
        return sum((getattr(linha, campo) for linha in linhas), Decimal("0.00"))

    def total(destino: DestinoValor) -> Decimal:
        return sum((linha.total for linha in linhas if linha.destino is destino), Decimal("0.00"))

    return EncerramentoOut(
        id=e.id,
        grupo_id=e.grupo_id,
        status=e.status,
        data_ultima_assembleia=e.data_ultima_assembleia,
        data_comunicacao=e.data_comunicacao,
        data_encerramento=e.data_encerramento,
        fora_do_prazo=e.fora_do_prazo,
        saldo_fundo_comum=e.saldo_fundo_comum if e.saldo_fundo_comum is not None else Decimal("0.00"),
        saldo_fundo_reserva=e.saldo_fundo_reserva if e.saldo_fundo_reserva is not None else Decimal("0.00"),
        total_restituicoes=soma("restituicao"),
        total_rateio_fundo_comum=soma("rateio_fundo_comum"),
        total_rateio_fundo_reserva=soma("rateio_fundo_reserva"),
        total_pago=total(DestinoValor.PAGO),
        total_nao_procurado=total(DestinoValor.NAO_PROCURADO),
        total_a_receber=soma("a_receber"),
        nao_procurados=[x for x in linhas if x.destino is DestinoValor.NAO_PROCURADO],
        a_receber=[x for x in linhas if x.a_receber > 0],
        cotas=linhas,
        conciliacao=conciliacao,
        **_prazos(e),  # type: ignore[arg-type]
    )


def linha_guardada(r: EncerramentoCota) -> LinhaOut:
    """A stored line."""
    return LinhaOut(
        cota_id=r.cota_id,
        cota_numero=r.cota_numero,
        consorciado_id=r.consorciado_id,
        excluida=r.excluida,
        percentual_pago=r.percentual_pago,
        pago_fundo_comum=r.pago_fundo_comum,
        pago_fundo_reserva=r.pago_fundo_reserva,
        restituicao=r.restituicao,
        rendimento=r.rendimento,
        rateio_fundo_comum=r.rateio_fundo_comum,
        rateio_fundo_reserva=r.rateio_fundo_reserva,
        total=r.total,
        destino=r.destino,
        a_receber=r.a_receber,
        credito_contemplado=r.credito_contemplado,
    )


def linhas_previas(d: Demonstrativo, cotas: list) -> list[LinhaOut]:  # type: ignore[type-arg]
    """The lines of a preview (computed now, not stored): ``cotas`` are ``dados.CotaLida``."""
    por_numero = {c.calculo.numero: c for c in cotas}
    out = []
    for linha in d.linhas:
        c = por_numero[linha.numero]
        out.append(
            LinhaOut(
                cota_id=c.cota_id,
                cota_numero=linha.numero,
                consorciado_id=c.consorciado_id,
                excluida=c.calculo.excluida,
                percentual_pago=c.calculo.percentual_pago,
                pago_fundo_comum=c.calculo.pago_fundo_comum,
                pago_fundo_reserva=c.calculo.pago_fundo_reserva,
                restituicao=linha.restituicao,
                rendimento=linha.rendimento,
                rateio_fundo_comum=linha.rateio_fundo_comum,
                rateio_fundo_reserva=linha.rateio_fundo_reserva,
                total=linha.total,
                destino=linha.destino,
                a_receber=linha.a_receber,
                credito_contemplado=c.credito_contemplado,
            )
        )
    return out


class NaoProcuradoOut(msgspec.Struct, kw_only=True):
    """An amount a closed group keeps for a consorciado who gave no account."""

    #: The cota's line of the final accounts (``POST /api/recursos-nao-procurados/{id}/pagamento`` pays it).
    id: uuid.UUID
    grupo_id: uuid.UUID
    grupo_codigo: str
    cota_id: uuid.UUID
    cota_numero: int
    consorciado_id: uuid.UUID
    valor: Dinheiro
    data_encerramento: date
    #: The claim expires 5 years after the closing.
    prescreve_em: date
    #: When it was paid to the consorciado who claimed it (the report lists only unpaid ones).
    pago_em: datetime | None = None


class NaoProcuradosOut(msgspec.Struct, kw_only=True):
    """One page of the recursos não procurados and the sum of all of them."""

    items: list[NaoProcuradoOut]
    total: int
    limit: int
    offset: int
    valor_total: Dinheiro
