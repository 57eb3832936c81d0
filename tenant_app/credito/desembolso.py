"""Money out of a carta de crédito: the one place it leaves (to the seller, for expenses, to the
consorciado in cash or as the difference, or into the cota's own parcelas).

The carta's money left the fundo comum at the apuração and sits in ``Fundo.CREDITOS_A_PAGAR``
(one balance per carta, ``referencia_id``). A payout is first **ordered** (``solicitar``: the
rules are checked, the amount is reserved so two orders never spend the same centavo) and goes
to the bank in a CNAB 240 pagamentos file (``remessa``); the bank's retorno **confirms**
(``efetivar``: the ledger's movement out of the carta, ``uow.lancar``) or **rejects** it
(``rejeitar``: the reservation is released). Both are idempotent: a payout already settled is
left as it is. An amortisation is not a bank payment: the difference pays the cota's parcelas
through the one money path of parcelas (``pagamentos.service.registrar_pagamento``, forma
``credito``) and leaves the carta in the same transaction.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from tenant_app.consorciados.models import Consorciado
from tenant_app.cotas.models import Cota
from tenant_app.credito import consultas
from tenant_app.credito.estados import PAGAVEIS, StatusCarta, apos_pagamento
from tenant_app.credito.historico import registrar_transicao
from tenant_app.credito.models import (
    BemIndicado,
    CartaCredito,
    DestinoDiferenca,
    DestinoPagamento,
    FormaPagamentoCredito,
    Garantia,
    PagamentoCredito,
    StatusPagamentoCredito,
)
from tenant_app.credito.regras import (
    destino_da_diferenca,
    documento_valido,
    garantias_suficientes,
    uso_do_credito,
    valor_no_credito,
)
from tenant_app.credito.rendimentos import apropriar
from tenant_app.credito.schemas import PagamentoCreditoIn
from tenant_app.credito.service import carregar, destino_permitido, exigir_disponivel, violada
from tenant_app.erros import ConflitoError, RegraVioladaError
from tenant_app.grupos.models import Grupo
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.pagamentos.models import FormaPagamento
from tenant_app.pagamentos.service import registrar_pagamento
from tenant_app.unit_of_work import UnitOfWork

ATIVOS = (
    StatusPagamentoCredito.PENDENTE,
    StatusPagamentoCredito.EM_REMESSA,
    StatusPagamentoCredito.EFETIVADO,
)


def _seu_numero() -> str:
    # 20 characters, returned by the bank in the retorno: the payout's identity there.
    return "CR" + uuid.uuid4().hex[:18].upper()


async def _ja_destinado(
    uow: UnitOfWork, carta_id: uuid.UUID, destinos: tuple[DestinoPagamento, ...]
) -> Decimal:
    valor = await uow.session.scalar(
        select(func.coalesce(func.sum(PagamentoCredito.valor), 0)).where(
            PagamentoCredito.carta_id == carta_id,
            PagamentoCredito.destino.in_(destinos),
            PagamentoCredito.status.in_(ATIVOS),
        )
    )
    return Decimal(valor or 0)


async def _verificar_regras(
    uow: UnitOfWork, carta: CartaCredito, destino: DestinoPagamento, valor: Decimal, bem: BemIndicado | None
) -> None:
    violacao = destino_permitido(carta, destino, bem)
    if violacao is not None:
        raise violada(violacao)
    violacao = valor_no_credito(valor, carta.saldo_livre)
    if violacao is not None:
        raise violada(violacao)
    if bem is None or carta.status is StatusCarta.CONVERTIDA_EM_ESPECIE:
        return
    devedor = await consultas.saldo_devedor(uow.session, carta.cota_id)
    garantias = (
        await uow.session.execute(select(Garantia.tipo, Garantia.valor).where(Garantia.carta_id == carta.id))
    ).all()
    # Lei 11.795 art. 14: no money leaves for the bem before the group is guaranteed.
    violacao = garantias_suficientes([(t, v) for t, v in garantias], devedor, bem.tipo)
    if violacao is not None:
        raise violada(violacao)
    uso = uso_do_credito(bem.valor, carta.valor_carta + carta.rendimentos)
    if destino is DestinoPagamento.BEM:
        ja = await _ja_destinado(uow, carta.id, (DestinoPagamento.BEM,))
        if ja + valor > uso.ao_vendedor:
            raise RegraVioladaError(
                f"Ao vendedor cabem R$ {uso.ao_vendedor} (o preço do bem até o crédito); já foram ordenados "
                f"R$ {ja}. O que o bem custa além do crédito o consorciado paga diretamente ao vendedor.",
                campo="valor",
                code="valor_acima_do_bem",
            )
        return
    outros = (DestinoPagamento.DESPESAS, DestinoPagamento.DEVOLUCAO, DestinoPagamento.AMORTIZACAO)
    ja = await _ja_destinado(uow, carta.id, outros)
    if ja + valor > uso.diferenca + carta.rendimentos:
        raise RegraVioladaError(
            f"A diferença entre o crédito e o bem é R$ {uso.diferenca} (mais R$ {carta.rendimentos} de "
            f"rendimentos); já foram destinados R$ {ja}.",
            campo="valor",
            code="valor_acima_da_diferenca",
        )
    ja_despesas = await _ja_destinado(uow, carta.id, (DestinoPagamento.DESPESAS,))
    diferenca = DestinoDiferenca(destino.value)
    limite_pct = await uow.session.scalar(
        select(Grupo.despesas_relacionadas_pct).where(Grupo.id == carta.grupo_id)
    )
    assert limite_pct is not None
    violacao = destino_da_diferenca(diferenca, valor, carta.valor_credito, ja_despesas, devedor, limite_pct)
    if violacao is not None:
        raise violada(violacao)


async def solicitar(uow: UnitOfWork, carta_id: uuid.UUID, data: PagamentoCreditoIn) -> PagamentoCredito:
    """Order a payout out of the carta (the next remessa of its forma carries it)."""
    data.validate()
    f = data.favorecido
    documento = documento_valido(f.documento)
    if documento is None:
        raise RegraVioladaError(
            "CPF/CNPJ do favorecido inválido (os dígitos verificadores não conferem).",
            campo="favorecido.documento",
            code="documento_invalido",
        )
    carta = await carregar(uow, carta_id)
    await apropriar(uow, carta.grupo_id)  # the yield up to the last recorded period belongs to it
    carta = await consultas.get_carta(uow.session, carta_id, lock=True)
    if carta.status not in PAGAVEIS:
        raise ConflitoError(
            "Pagamentos só saem de uma carta com bem indicado, paga parcialmente ou convertida em espécie.",
            code="transicao_invalida",
        )
    await exigir_disponivel(uow, carta)
    bem = await uow.session.scalar(select(BemIndicado).where(BemIndicado.carta_id == carta.id))
    await _verificar_regras(uow, carta, data.destino, data.valor, bem)
    if data.destino is DestinoPagamento.BEM:
        assert bem is not None
        if documento != bem.vendedor_documento:
            raise RegraVioladaError(
                "O pagamento do bem vai ao vendedor indicado: o CPF/CNPJ do favorecido é outro.",
                campo="favorecido.documento",
                code="favorecido_nao_e_o_vendedor",
            )
    if data.destino in (DestinoPagamento.ESPECIE, DestinoPagamento.DEVOLUCAO):
        titular = await uow.session.scalar(
            select(Consorciado.documento)
            .join(Cota, Cota.consorciado_id == Consorciado.id)
            .where(Cota.id == carta.cota_id)
        )
        if titular is not None and documento != titular:
            raise RegraVioladaError(
                "Crédito em espécie e devolução da diferença são pagos ao próprio consorciado (o CPF/CNPJ do "
                "favorecido é de outra pessoa).",
                campo="favorecido.documento",
                code="favorecido_nao_e_o_consorciado",
            )
    pagamento = PagamentoCredito(
        id=uuid.uuid4(),
        carta_id=carta.id,
        grupo_id=carta.grupo_id,
        destino=data.destino,
        forma=data.forma,
        valor=data.valor,
        status=StatusPagamentoCredito.PENDENTE,
        seu_numero=_seu_numero(),
        favorecido_nome=f.nome,
        favorecido_documento=documento,
        banco=f.banco,
        agencia=f.agencia,
        dv_agencia=f.dv_agencia,
        conta=f.conta,
        dv_conta=f.dv_conta,
        tipo_chave_pix=f.tipo_chave_pix,
        chave_pix=f.chave_pix,
        solicitado_por=uow.actor.user_id,
    )
    uow.add(pagamento)
    uow.track(carta)
    carta.valor_reservado += data.valor
    await uow.commit()
    return pagamento


async def amortizar(uow: UnitOfWork, carta_id: uuid.UUID, valor: Decimal, hoje: date) -> PagamentoCredito:
    """The difference of a cheaper bem pays the cota's parcelas (oldest first), in one transaction."""
    carta = await carregar(uow, carta_id)
    await apropriar(uow, carta.grupo_id)
    carta = await consultas.get_carta(uow.session, carta_id, lock=True)
    if carta.status not in (StatusCarta.BEM_INDICADO, StatusCarta.PAGA_PARCIALMENTE, StatusCarta.PAGA):
        raise ConflitoError("Amortização com o crédito exige o bem indicado.", code="transicao_invalida")
    bem = await uow.session.scalar(select(BemIndicado).where(BemIndicado.carta_id == carta.id))
    if bem is None or bem.destino_diferenca is not DestinoDiferenca.AMORTIZACAO:
        raise RegraVioladaError(
            "O destino da diferença indicado com o bem não é a amortização de parcelas.",
            campo="destino",
            code="destino_invalido",
        )
    await _verificar_regras(uow, carta, DestinoPagamento.AMORTIZACAO, valor, bem)
    pagamento_cota = await registrar_pagamento(
        uow, carta.cota_id, valor, hoje, FormaPagamento.CREDITO, f"Diferença da carta {carta.id}"[:100]
    )
    registro = PagamentoCredito(
        id=uuid.uuid4(),
        carta_id=carta.id,
        grupo_id=carta.grupo_id,
        destino=DestinoPagamento.AMORTIZACAO,
        forma=FormaPagamentoCredito.INTERNO,
        valor=valor,
        status=StatusPagamentoCredito.PENDENTE,
        seu_numero=_seu_numero(),
        favorecido_nome="Amortização de parcelas da cota",
        favorecido_documento="",
        solicitado_por=uow.actor.user_id,
        pagamento_id=pagamento_cota.id,
    )
    uow.add(registro)
    uow.track(carta)
    carta.valor_reservado += valor
    await efetivar(uow, carta, registro, hoje, None)
    await uow.commit()
    return registro


async def efetivar(
    uow: UnitOfWork, carta: CartaCredito, pagamento: PagamentoCredito, dia: date, nosso_numero: str | None
) -> None:
    """The bank paid (or the parcelas took it): the money leaves the carta in the ledger (the caller commits).

    ``carta`` and ``pagamento`` are locked by the caller; a payout already settled is left alone.
    """
    if pagamento.status in (StatusPagamentoCredito.EFETIVADO, StatusPagamentoCredito.REJEITADO):
        return
    uow.track(pagamento)
    uow.track(carta)
    pagamento.status = StatusPagamentoCredito.EFETIVADO
    pagamento.efetivado_em = dia
    pagamento.nosso_numero = nosso_numero
    carta.valor_reservado -= pagamento.valor
    carta.valor_pago += pagamento.valor
    await uow.lancar(
        carta.grupo_id,
        [(Fundo.CREDITOS_A_PAGAR, -pagamento.valor)],
        OrigemLancamento.DESEMBOLSO,
        referencia_id=carta.id,
        descricao=f"Carta de crédito: {pagamento.destino.value} ({pagamento.seu_numero})",
    )
    if pagamento.destino is DestinoPagamento.AMORTIZACAO and carta.status is StatusCarta.PAGA:
        return
    para = apos_pagamento(carta.status, carta.saldo)
    if para is not carta.status:
        registrar_transicao(
            uow, carta, para, "pagamento_confirmado", f"Pagamento {pagamento.seu_numero} confirmado"
        )
        if para is StatusCarta.ENCERRADA:
            carta.encerrada_em = datetime.now(UTC)


def rejeitar(
    uow: UnitOfWork, carta: CartaCredito, pagamento: PagamentoCredito, ocorrencias: list[str]
) -> None:
    """The bank refused the payout: its reservation is released (a new order may be made)."""
    if pagamento.status in (StatusPagamentoCredito.EFETIVADO, StatusPagamentoCredito.REJEITADO):
        return
    uow.track(pagamento)
    uow.track(carta)
    pagamento.status = StatusPagamentoCredito.REJEITADO
    pagamento.ocorrencias = ocorrencias
    carta.valor_reservado -= pagamento.valor
