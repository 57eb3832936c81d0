"""Settling títulos: one liquidação (from a retorno or a PIX) through the one money path, or into the
valores a identificar queue when it does not fit (unknown, paid less, paid more, título no longer live).

Nothing is dropped: what ``registrar_pagamento`` takes is the part the cota owes; the rest, or all of
it when it cannot be placed, becomes a ``ValorAIdentificar`` someone resolves later.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from tenant_app.cobranca.models import (
    ATIVOS,
    MotivoValor,
    OrigemValor,
    StatusTitulo,
    Titulo,
    ValorAIdentificar,
)
from tenant_app.dinheiro.alocacao import total_devido
from tenant_app.dinheiro.centavos import ZERO
from tenant_app.grupos.models import Grupo, StatusGrupo
from tenant_app.pagamentos.models import FormaPagamento, Pagamento
from tenant_app.pagamentos.service import registrar_pagamento
from tenant_app.parcelas.pagamento_parcela import estado
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


def a_identificar(
    uow: UnitOfWork,
    r: Recebimento,
    valor: Decimal,
    motivo: MotivoValor,
    titulo: Titulo | None,
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


async def liquidar(uow: UnitOfWork, titulo: Titulo | None, r: Recebimento) -> Resultado:
    """Settle ``r`` against ``titulo`` (None: unknown reference). The caller commits.

    * unknown reference, or a título no longer live: all of it to identify;
    * less than the título charges: all of it to identify (a person decides whether it pays part);
    * the título's value or more: ``registrar_pagamento`` with what the cota owes on the credit date
      (at most the amount received), forma BOLETO/PIX; anything above that to identify.
    """
    forma = FormaPagamento.PIX if r.origem is OrigemValor.PIX else FormaPagamento.BOLETO
    if titulo is None:
        item = a_identificar(uow, r, r.valor, MotivoValor.DESCONHECIDO, None, "referência sem título")
        return Resultado(None, [item])
    if titulo.status not in ATIVOS:
        item = a_identificar(
            uow, r, r.valor, MotivoValor.TITULO_INATIVO, titulo, f"título {titulo.status.value}"
        )
        return Resultado(None, [item])
    if r.valor < titulo.valor:
        item = a_identificar(
            uow, r, r.valor, MotivoValor.INSUFICIENTE, titulo, f"pago {r.valor}, título de {titulo.valor}"
        )
        return Resultado(None, [item])
    grupo = await uow.session.get(Grupo, titulo.grupo_id)
    assert grupo is not None
    devido = teto = ZERO
    if grupo.status is StatusGrupo.EM_ANDAMENTO:
        abertas = await parcelas_em_aberto(uow.session, titulo.cota_id)
        estados = [estado(p) for p in abertas]
        devido = total_devido(estados, r.data_credito, grupo.multa_pct, grupo.juros_mensal_pct)
        # What this título settles: its amount, or what its parcela owes on the credit date when the
        # bank charged the late multa/juros itself. More than that is not a prepayment of the next
        # parcelas: it waits in the queue for someone to decide.
        teto = titulo.valor
        for p in abertas:
            if p.id == titulo.parcela_id:
                encargos = p.encargos(r.data_credito, grupo.multa_pct, grupo.juros_mensal_pct)
                teto = max(teto, p.saldo + encargos.total)
    aplicar = min(r.valor, teto, devido)
    if aplicar <= 0:
        item = a_identificar(
            uow,
            r,
            r.valor,
            MotivoValor.NAO_APLICAVEL,
            titulo,
            "a cota nada deve ou o grupo não está em andamento",
        )
        return Resultado(None, [item])
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
            a_identificar(
                uow,
                r,
                r.valor - aplicar,
                MotivoValor.EXCEDENTE,
                titulo,
                f"o título liquidava {aplicar} em {r.data_credito}",
            )
        )
    return Resultado(pagamento, itens)


async def titulo_por_nosso_numero(uow: UnitOfWork, conta_id: uuid.UUID, nosso_numero: str) -> Titulo | None:
    return (
        await uow.session.execute(
            select(Titulo).where(Titulo.conta_id == conta_id, Titulo.nosso_numero == nosso_numero)
        )
    ).scalar_one_or_none()
