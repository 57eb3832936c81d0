"""The one money path of a cota: registering a pagamento and its estorno.

``registrar_pagamento`` is the only entry point for money that pays parcelas:
a payment typed in by an operator, a boleto or PIX settlement, and a lance
(forma LANCE, called by ``assembleias.pagamento_lance``). It allocates with the
pure rules of ``tenant_app.dinheiro``, changes the parcelas through
``parcelas.pagamento_parcela`` and posts the ledger in the same transaction.
``estornar_pagamento`` undoes any of them exactly. The caller commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.cotas.models import Cota
from tenant_app.cotas.service import get_cota
from tenant_app.dinheiro.alocacao import Alocacao, EstadoParcela, alocar, total_devido
from tenant_app.dinheiro.amortizacao import (
    AmortizacaoLance,
    LanceNaoCabe,
    LancePaga,
    alocar_lance,
    reprogramar_quitadas,
)
from tenant_app.dinheiro.centavos import ZERO
from tenant_app.dinheiro.encargos import repartir_encargos
from tenant_app.dinheiro.seguro import ModoSeguro
from tenant_app.erros import ConflitoError, NaoEncontrado, RegraVioladaError
from tenant_app.eventos.tipos import PAGAMENTO_CONFIRMADO
from tenant_app.grupos.models import Grupo, StatusGrupo
from tenant_app.ledger.models import LancamentoFundo, OrigemLancamento
from tenant_app.pagamentos.lancamentos import Movimentos, lancamentos_do_estorno, lancamentos_do_pagamento
from tenant_app.pagamentos.models import (
    FormaPagamento,
    Pagamento,
    PagamentoAlocacao,
    PagamentoReprogramacao,
    StatusPagamento,
)
from tenant_app.parcelas.models import Parcela
from tenant_app.parcelas.pagamento_parcela import ParcelaEditavel, aplicar, estado, estornar, reprogramar
from tenant_app.parcelas.service import parcelas_em_aberto
from tenant_app.unit_of_work import UnitOfWork

_R = TypeVar("_R")


@dataclass(frozen=True, slots=True)
class LanceAPagar:
    """A lance being paid: how the apuração planned its amortisation, and its part from the credit."""

    contemplacao_id: uuid.UUID
    parcelas_quitadas: int
    modo: AmortizacaoLance
    #: Part of the amortised value taken from the credit itself (lance embutido), not paid in cash.
    valor_embutido: Decimal
    descricao: str
    #: The contract's clause: the lance pays the fundo comum only, or whole parcelas.
    paga: LancePaga = LancePaga.FUNDO_COMUM


async def registrar_pagamento(
    uow: UnitOfWork,
    cota_id: uuid.UUID,
    valor: Decimal,
    data_pagamento: date,
    forma: FormaPagamento,
    referencia: str | None,
    *,
    lance: LanceAPagar | None = None,
) -> Pagamento:
    """Apply ``valor`` to the cota's parcelas and post it to the ledger (the caller commits ``uow``).

    Ordinary money goes oldest parcela first, late charges before principal
    (``dinheiro.alocacao``); a lance (``forma`` LANCE with ``lance``) amortises the
    fundo comum of the parcelas not yet due, or the whole parcelas when the
    contract says so, as the apuração planned (``dinheiro.amortizacao``). The
    cota row is locked, so concurrent payments of one cota are applied one
    after the other and never allocate the same centavo twice.
    """
    if (forma is FormaPagamento.LANCE) != (lance is not None):
        raise ValueError("forma LANCE goes with a LanceAPagar, and only it")
    # One round trip: the cota (row-locked) and its group (not locked).
    session = uow.session
    found = (
        await session.execute(
            select(Cota, Grupo)
            .join(Grupo, Grupo.id == Cota.grupo_id)
            .where(Cota.id == cota_id)
            .with_for_update(of=Cota)
        )
    ).first()
    if found is None:
        raise NaoEncontrado("Cota")
    cota, grupo = found
    if grupo.status is not StatusGrupo.EM_ANDAMENTO:
        raise RegraVioladaError(
            "Pagamentos só são aceitos em grupos em andamento.", code="grupo_nao_iniciado"
        )
    parcelas = await parcelas_em_aberto(session, cota.id)
    estados = [estado(p) for p in parcelas]
    if lance is not None:
        try:
            alocacoes = alocar_lance(
                valor, estados, data_pagamento, lance.parcelas_quitadas, lance.modo, lance.paga
            )
        except LanceNaoCabe:
            raise ConflitoError(
                "As parcelas futuras da cota não comportam o lance; confira o cronograma de parcelas.",
                code="parcelas_insuficientes",
            ) from None
    else:
        alocacoes = alocar_ordinario(grupo, estados, valor, data_pagamento)
    pagamento = Pagamento(
        id=uuid.uuid4(),
        cota_id=cota.id,
        grupo_id=grupo.id,
        valor=valor,
        valor_embutido=ZERO if lance is None else lance.valor_embutido,
        data_pagamento=data_pagamento,
        forma=forma,
        referencia=referencia,
        status=StatusPagamento.CONFIRMADO,
        registrado_por=uow.actor.user_id,
        registrado_em=datetime.now(UTC),
        alocacoes=[],
        reprogramacoes=[],
    )
    uow.add(pagamento)
    pagamento.alocacoes.extend(aplicar_alocacoes(parcelas, alocacoes, data_pagamento, grupo))
    if lance is not None:
        por_id = {p.id: p for p in parcelas}
        # Parcelas the lance paid off stop owing the rest of the month (Res. BCB 285 art. 12 § único).
        # A seguro on the saldo devedor follows the saldo the lance lowered (dinheiro.seguro).
        seguro_mensal = grupo.seguro_pct if grupo.seguro_modo is ModoSeguro.MENSAL_SALDO_DEVEDOR else None
        for r in reprogramar_quitadas(
            estados,
            alocacoes,
            data_pagamento,
            lance.parcelas_quitadas,
            lance.modo,
            seguro_mensal_pct=seguro_mensal,
            paga=lance.paga,
        ):
            reprogramar(por_id[r.parcela_id], r.variacao, data_pagamento)
            pagamento.reprogramacoes.append(
                PagamentoReprogramacao(
                    parcela_id=r.parcela_id,
                    parcela_numero=r.numero,
                    taxa_administracao=r.variacao.get("taxa_administracao", ZERO),
                    fundo_reserva=r.variacao.get("fundo_reserva", ZERO),
                    seguro=r.variacao.get("seguro", ZERO),
                )
            )
    await _lancar(
        uow,
        pagamento,
        lancamentos_do_pagamento(forma, pagamento.alocacoes),
        referencia_id=None if lance is None else lance.contemplacao_id,
        descricao=None if lance is None else lance.descricao,
    )
    # In the payment's transaction: webhooks, e-mail and live updates follow its COMMIT.
    uow.publicar(
        PAGAMENTO_CONFIRMADO,
        dados_confirmacao(
            pagamento,
            [a.parcela_numero for a in pagamento.alocacoes],
            cota.numero,
            cota.consorciado_id,
            grupo.codigo,
        ),
        chave=f"cota:{cota.id}",
    )
    return pagamento


def alocar_ordinario(
    grupo: Grupo, estados: Sequence[EstadoParcela], valor: Decimal, data_pagamento: date
) -> list[Alocacao]:
    """Ordinary money (not a lance) over the open parcelas: oldest first, late charges before principal;
    nothing may be left over (the rules of ``registrar_pagamento``, also used by ``pagamentos.lote``)."""
    if not estados:
        raise RegraVioladaError("A cota não tem parcelas em aberto.", campo="valor", code="sem_parcelas")
    resultado = alocar(valor, estados, data_pagamento, grupo.multa_pct, grupo.juros_mensal_pct)
    if resultado.sobra > 0:
        maximo = total_devido(estados, data_pagamento, grupo.multa_pct, grupo.juros_mensal_pct)
        raise RegraVioladaError(
            f"O valor excede o saldo devedor da cota (máximo R$ {maximo}).",
            campo="valor",
            code="valor_excedente",
        )
    return list(resultado.alocacoes)


def aplicar_alocacoes(
    parcelas: Sequence[ParcelaEditavel],
    alocacoes: Sequence[Alocacao],
    data_pagamento: date,
    grupo: Grupo,
    registro: Callable[..., _R] = PagamentoAlocacao,  # type: ignore[assignment]
) -> list[_R]:
    """Apply each allocation to its parcela (``pagamento_parcela.aplicar``) and its stored record:
    ``registro(**columns)``, the ORM row, or a bulk settlement's plain copy of it."""
    por_id = {p.id: p for p in parcelas}
    registros = []
    for ordem, a in enumerate(alocacoes, start=1):
        parcela = por_id[a.parcela_id]
        aplicar(parcela, a, data_pagamento)
        registros.append(registro(**_registro(parcela, ordem, a, grupo.encargos_fundo_comum_pct)))
    return registros


class PagamentoConfirmado(Protocol):
    """What the confirmation event reads of a payment (the ORM row, or a bulk settlement's record)."""

    id: uuid.UUID
    cota_id: uuid.UUID
    grupo_id: uuid.UUID
    valor: Decimal
    data_pagamento: date
    forma: FormaPagamento
    referencia: str | None


def dados_confirmacao(
    pagamento: PagamentoConfirmado,
    parcelas: Sequence[int],
    cota_numero: int,
    consorciado_id: uuid.UUID | None,
    grupo_codigo: str,
) -> dict[str, Any]:
    """The ``pagamento.confirmado`` event of a payment: ids and amounts."""
    return {
        "pagamento_id": pagamento.id,
        "cota_id": pagamento.cota_id,
        "cota_numero": cota_numero,
        "grupo_id": pagamento.grupo_id,
        "grupo_codigo": grupo_codigo,
        "consorciado_id": consorciado_id,
        "valor": pagamento.valor,
        "data_pagamento": pagamento.data_pagamento,
        "forma": pagamento.forma,
        "referencia": pagamento.referencia,
        "parcelas": list(parcelas),
    }


def _registro(
    parcela: ParcelaEditavel, ordem: int, a: Alocacao, encargos_fundo_comum_pct: Decimal
) -> dict[str, Any]:
    """The columns of an allocation's stored record (all but its id and payment)."""
    encargos = repartir_encargos(a.multa, a.juros, encargos_fundo_comum_pct)
    return {
        "parcela_id": parcela.id,
        "parcela_numero": parcela.numero,
        "ordem": ordem,
        "fundo_comum": a.componentes["fundo_comum"],
        "fundo_reserva": a.componentes["fundo_reserva"],
        "taxa_administracao": a.componentes["taxa_administracao"],
        "seguro": a.componentes["seguro"],
        "multa": a.multa,
        "juros": a.juros,
        "encargos_administradora": encargos.administradora,
    }


async def _lancar(
    uow: UnitOfWork,
    pagamento: Pagamento,
    movimentos: Movimentos,
    *,
    referencia_id: uuid.UUID | None,
    descricao: str | None,
) -> None:
    for origem, entradas in movimentos:
        await uow.lancar(
            pagamento.grupo_id,
            entradas,
            origem,
            pagamento_id=pagamento.id,
            cota_id=pagamento.cota_id,
            referencia_id=referencia_id,
            descricao=descricao,
            defer_balance=True,
        )


async def get_pagamento(session: AsyncSession, pagamento_id: uuid.UUID) -> Pagamento:
    """The payment or 404."""
    pagamento = await session.get(Pagamento, pagamento_id)
    if pagamento is None:
        raise NaoEncontrado("Pagamento")
    return pagamento


async def estornar_pagamento(uow: UnitOfWork, pagamento_id: uuid.UUID, motivo: str) -> Pagamento:
    """Estorno of any pagamento (a lance too): every allocation taken back, opposite ledger movements.

    Interest the payment settled is owed again. The estorno of a lance also
    gives back the part of the carta it had paid, so the lance is unpaid again
    (``ContemplacaoCota.lance_pago``). The caller commits ``uow``.
    """
    session = uow.session
    found = await get_pagamento(session, pagamento_id)
    await get_cota(session, found.cota_id, lock=True)  # same lock order as registrar_pagamento
    pagamento = (
        await session.execute(
            select(Pagamento)
            .where(Pagamento.id == pagamento_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    if pagamento.status is StatusPagamento.ESTORNADO:
        raise ConflitoError("Este pagamento já foi estornado.", code="ja_estornado")
    ids = [a.parcela_id for a in pagamento.alocacoes] + [r.parcela_id for r in pagamento.reprogramacoes]
    parcelas = {
        p.id: p
        for p in (
            await session.execute(select(Parcela).where(Parcela.id.in_(ids)).with_for_update())
        ).scalars()
    }
    for r in pagamento.reprogramacoes:
        try:
            reprogramar(parcelas[r.parcela_id], r.variacao(-1), None)
        except ValueError:
            raise ConflitoError(
                f"A parcela {r.parcela_numero} já recebeu pagamentos do valor que o lance lhe transferiu; "
                "estorne-os antes de estornar o lance.",
                code="estorno_bloqueado",
            ) from None
    for a in pagamento.alocacoes:
        estornar(parcelas[a.parcela_id], a, pagamento.data_pagamento)
    uow.track(pagamento)
    pagamento.status = StatusPagamento.ESTORNADO
    pagamento.estornado_em = datetime.now(UTC)
    pagamento.estornado_por = uow.actor.user_id
    pagamento.motivo_estorno = motivo
    # The carta movement of a lance referenced its contemplação: the reversal does too.
    referencia_id = (
        await session.scalar(
            select(LancamentoFundo.referencia_id).where(
                LancamentoFundo.pagamento_id == pagamento.id,
                LancamentoFundo.origem == OrigemLancamento.CONTEMPLACAO,
            )
        )
        if pagamento.forma is FormaPagamento.LANCE
        else None
    )
    await _lancar(
        uow,
        pagamento,
        lancamentos_do_estorno(pagamento.forma, pagamento.alocacoes),
        referencia_id=referencia_id,
        descricao=motivo[:200],
    )
    return pagamento
