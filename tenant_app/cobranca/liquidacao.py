"""Settling títulos: one liquidação (from a retorno or a PIX) through the one money path, or into the
valores a identificar queue when it does not fit (unknown, paid less, paid more, título no longer live).

Nothing is dropped: what ``registrar_pagamento`` takes is the part the cota owes; the rest, or all of
it when it cannot be placed, becomes a ``ValorAIdentificar`` someone resolves later.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from sqlalchemy import select

from tenant_app.cobranca.models import (
    ATIVOS,
    MotivoValor,
    OrigemValor,
    StatusTitulo,
    Titulo,
    ValorAIdentificar,
)
from tenant_app.dinheiro.centavos import ZERO
from tenant_app.grupos.models import Grupo, StatusGrupo
from tenant_app.pagamentos.models import FormaPagamento, Pagamento
from tenant_app.pagamentos.service import registrar_pagamento
from tenant_app.parcelas.pagamento_parcela import ParcelaEditavel
from tenant_app.parcelas.service import parcelas_em_aberto
from tenant_app.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Recebimento:
    """Money the bank or the PSP says arrived for a título (or for an unknown reference)."""

    origem: OrigemValor
    referencia: str  # nosso número, or txid / endToEndId
    valor: Decimal
    data_credito: date
    ocorrencia_id: uuid.UUID | None = None
    pix_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Resultado:
    pagamento: Pagamento | None
    a_identificar: list[ValorAIdentificar]


class TituloLiquidavel(Protocol):
    """What settling reads of a título: the ORM row, or a bulk import's copy (``liquidacao_lote``)."""

    id: uuid.UUID
    cota_id: uuid.UUID
    parcela_id: uuid.UUID
    valor: Decimal
    status: StatusTitulo


def a_identificar(
    uow: UnitOfWork,
    r: Recebimento,
    valor: Decimal,
    motivo: MotivoValor,
    titulo: TituloLiquidavel | None,
    detalhe: str,
) -> ValorAIdentificar:
    item = ValorAIdentificar(
        id=uuid.uuid4(),
        origem=r.origem,
        motivo=motivo,
        valor=valor,
        data_credito=r.data_credito,
        referencia=r.referencia[:100],
        ocorrencia_id=r.ocorrencia_id,
        pix_id=r.pix_id,
        titulo_id=None if titulo is None else titulo.id,
        cota_id=None if titulo is None else titulo.cota_id,
        detalhe=detalhe,
    )
    uow.add(item)
    return item


def forma_de(r: Recebimento) -> FormaPagamento:
    return FormaPagamento.PIX if r.origem is OrigemValor.PIX else FormaPagamento.BOLETO


def triagem(titulo: TituloLiquidavel | None, r: Recebimento) -> tuple[MotivoValor, str] | None:
    """Why ``r`` cannot settle ``titulo`` at all (all of it goes to identify), or None:

    * unknown reference, or a título no longer live;
    * less than the título charges (a person decides whether it pays part).
    """
    if titulo is None:
        return MotivoValor.DESCONHECIDO, "referência sem título"
    if titulo.status not in ATIVOS:
        return MotivoValor.TITULO_INATIVO, f"título {titulo.status.value}"
    if r.valor < titulo.valor:
        return MotivoValor.INSUFICIENTE, f"pago {r.valor}, título de {titulo.valor}"
    return None


def valor_aplicavel(
    titulo: TituloLiquidavel, r: Recebimento, grupo: Grupo, abertas: Sequence[ParcelaEditavel]
) -> Decimal:
    """What of ``r`` goes through the money path: what the cota owes on the credit date, at most the
    título's amount — or what its parcela owes then, when the bank charged the late multa/juros itself.
    More than that is not a prepayment of the next parcelas: it waits in the queue for someone to decide.
    Zero when the grupo is not running. (``abertas``: the cota's open parcelas, oldest first.)"""
    if grupo.status is not StatusGrupo.EM_ANDAMENTO:
        return ZERO
    data, multa, juros = r.data_credito, grupo.multa_pct, grupo.juros_mensal_pct
    teto = titulo.valor
    for p in abertas:
        if p.id == titulo.parcela_id:
            teto = max(teto, p.saldo + p.encargos(data, multa, juros).total)
            break
    limite = min(r.valor, teto)
    # min(limite, everything the cota owes): late charges are never negative, so adding the open
    # parcelas oldest first may stop as soon as the limit is reached (a retorno settles 100,000 títulos
    # against cotas of 60 parcelas: summing all of them each time was most of its CPU).
    devido = ZERO
    for p in abertas:
        devido += p.saldo + p.encargos(data, multa, juros).total
        if devido >= limite:
            return limite
    return devido


NADA_DEVIDO = "a cota nada deve ou o grupo não está em andamento"


def excedente(aplicado: Decimal, r: Recebimento) -> str:
    return f"o título liquidava {aplicado} em {r.data_credito}"


async def liquidar(uow: UnitOfWork, titulo: Titulo | None, r: Recebimento) -> Resultado:
    """Settle ``r`` against ``titulo`` (None: unknown reference). The caller commits.

    Not settled (``triagem``): all of it to identify. Otherwise ``registrar_pagamento`` with
    ``valor_aplicavel`` (forma BOLETO/PIX, the credit date); anything above that to identify.
    A retorno settles its títulos in bulk with the same rules (``liquidacao_lote``).
    """
    recusa = triagem(titulo, r)
    if recusa is not None:
        motivo, detalhe = recusa
        return Resultado(None, [a_identificar(uow, r, r.valor, motivo, titulo, detalhe)])
    assert titulo is not None
    grupo = await uow.session.get(Grupo, titulo.grupo_id)
    assert grupo is not None
    abertas = await parcelas_em_aberto(uow.session, titulo.cota_id)
    aplicar = valor_aplicavel(titulo, r, grupo, abertas)
    if aplicar <= 0:
        item = a_identificar(uow, r, r.valor, MotivoValor.NAO_APLICAVEL, titulo, NADA_DEVIDO)
        return Resultado(None, [item])
    forma = forma_de(r)
    pagamento = await registrar_pagamento(
        uow, titulo.cota_id, aplicar, r.data_credito, forma, f"{forma.value} {r.referencia}"[:100]
    )
    uow.track(titulo)
    titulo.status = StatusTitulo.LIQUIDADO
    titulo.liquidado_em = r.data_credito
    titulo.pagamento_id = pagamento.id
    itens = []
    if r.valor > aplicar:
        itens.append(
            a_identificar(uow, r, r.valor - aplicar, MotivoValor.EXCEDENTE, titulo, excedente(aplicar, r))
        )
    return Resultado(pagamento, itens)


async def titulo_por_nosso_numero(uow: UnitOfWork, conta_id: uuid.UUID, nosso_numero: str) -> Titulo | None:
    return (
        await uow.session.execute(
            select(Titulo).where(Titulo.conta_id == conta_id, Titulo.nosso_numero == nosso_numero)
        )
    ).scalar_one_or_none()
