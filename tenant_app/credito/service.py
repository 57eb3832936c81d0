"""The carta's análise, guarantees and bem: each call one transition or one record, audited.

Every change holds the carta's row lock, checks the state machine (``estados``) and the pure
rules (``regras``), records who and why (``historico``) and commits. Refusals are
``RegraVioladaError`` naming the rule (its ``code``) and the field; state conflicts are 409
``transicao_invalida`` listing the statuses the action is allowed from.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tenant_app.assembleias.models import ContemplacaoCota, Modalidade
from tenant_app.cotas.models import Cota
from tenant_app.credito import consultas
from tenant_app.credito.abertura import sincronizar
from tenant_app.credito.estados import Acao, StatusCarta, TransicaoInvalida, transicao
from tenant_app.credito.historico import registrar_transicao
from tenant_app.credito.models import (
    BemIndicado,
    CartaCredito,
    CartaDocumento,
    DestinoDiferenca,
    DestinoPagamento,
    Garantia,
    PagamentoCredito,
    StatusPagamentoCredito,
)
from tenant_app.credito.regras import (
    Violacao,
    documento_valido,
    documentos_faltando,
    pode_ir_em_especie,
    uso_do_credito,
)
from tenant_app.credito.schemas import BemIn, DocumentoIn, GarantiaIn
from tenant_app.documentos.models import Documento
from tenant_app.erros import ConflitoError, RegraVioladaError
from tenant_app.grupos.models import Grupo, StatusGrupo
from tenant_app.unit_of_work import UnitOfWork


def violada(v: Violacao) -> RegraVioladaError:
    """The rule's refusal as a domain error (422 problem+json with the field)."""
    return RegraVioladaError(v.mensagem, campo=v.campo, code=v.code)


def _transicao_invalida(err: TransicaoInvalida) -> ConflitoError:
    return ConflitoError(str(err), code="transicao_invalida")


async def carregar(uow: UnitOfWork, carta_id: uuid.UUID) -> CartaCredito:
    """The carta, row-locked, after bringing it in line with its contemplação."""
    carta = await consultas.get_carta(uow.session, carta_id)
    await sincronizar(uow, cota_id=carta.cota_id)
    await uow.flush()
    return await consultas.get_carta(uow.session, carta_id, lock=True)


async def exigir_disponivel(uow: UnitOfWork, carta: CartaCredito) -> None:
    """The carta's money is the group's: not a lance award still unpaid (or whose payment was reversed).

    A cancelled carta passes here: the state machine refuses it with 409.
    """
    if carta.status is StatusCarta.CANCELADA:
        return
    contemplacao = await uow.session.scalar(
        select(ContemplacaoCota)
        .where(ContemplacaoCota.id == carta.contemplacao_id)
        .options(selectinload(ContemplacaoCota.pagamento_lance))
    )
    sem_lance = (
        contemplacao is not None
        and contemplacao.modalidade is Modalidade.LANCE
        and not contemplacao.lance_pago
    )
    if (carta.disponivel_em is None and carta.status is not StatusCarta.CANCELADA) or sem_lance:
        raise RegraVioladaError(
            "A carta não está disponível: o lance da cota não foi pago (ou o pagamento foi estornado).",
            campo="status",
            code="lance_nao_pago",
        )


async def mudar(uow: UnitOfWork, carta: CartaCredito, acao: Acao, motivo: str) -> None:
    """Apply ``acao`` to a locked carta (state machine), recorded with ``motivo``."""
    try:
        para = transicao(carta.status, acao)
    except TransicaoInvalida as err:
        raise _transicao_invalida(err) from None
    registrar_transicao(uow, carta, para, acao.value, motivo)


async def iniciar_analise(uow: UnitOfWork, carta_id: uuid.UUID, motivo: str) -> CartaCredito:
    """disponível (or recusada, to analyse again) → em análise."""
    carta = await carregar(uow, carta_id)
    await exigir_disponivel(uow, carta)
    await mudar(uow, carta, Acao.INICIAR_ANALISE, motivo)
    await uow.commit()
    return carta


async def registrar_documento(uow: UnitOfWork, carta_id: uuid.UUID, data: DocumentoIn) -> CartaDocumento:
    """A document received for the análise (while the carta is in análise or refused)."""
    carta = await carregar(uow, carta_id)
    if carta.status not in (StatusCarta.DISPONIVEL, StatusCarta.EM_ANALISE, StatusCarta.RECUSADA):
        raise ConflitoError(
            "Documentos da análise são recebidos antes da decisão "
            "(carta disponível, em análise ou recusada).",
            code="transicao_invalida",
        )
    await _conferir_documento(uow, carta, data.referencia)
    doc = CartaDocumento(
        carta_id=carta.id,
        tipo=data.tipo,
        referencia=data.referencia,
        descricao=data.descricao,
        recebido_por=uow.actor.user_id,
    )
    uow.add(doc)
    await uow.commit()
    return doc


async def _conferir_documento(uow: UnitOfWork, carta: CartaCredito, referencia: str) -> None:
    """A reference that is a document of the documents plane must be the consorciado's (or the cota's)
    and not erased; any other text is the administradora's own archive reference."""
    try:
        documento_id = uuid.UUID(referencia)
    except ValueError:
        return
    documento = await uow.session.get(Documento, documento_id)
    consorciado_id = await uow.session.scalar(select(Cota.consorciado_id).where(Cota.id == carta.cota_id))
    if (
        documento is None
        or documento.apagado_em is not None
        or (documento.consorciado_id != consorciado_id and documento.entidade_id != carta.cota_id)
    ):
        raise RegraVioladaError(
            "O documento indicado não existe no plano de documentos, foi apagado ou não é deste consorciado "
            "nem desta cota.",
            campo="referencia",
            code="documento_da_analise_invalido",
        )


async def decidir(uow: UnitOfWork, carta_id: uuid.UUID, aprovada: bool, motivo: str) -> CartaCredito:
    """em análise → aprovada (every required document received) or recusada (with the reasons)."""
    carta = await carregar(uow, carta_id)
    if aprovada:
        tipos = await uow.session.scalars(
            select(CartaDocumento.tipo).where(CartaDocumento.carta_id == carta.id)
        )
        faltam = documentos_faltando(tipos)
        if faltam and carta.status is StatusCarta.EM_ANALISE:
            raise RegraVioladaError(
                "A análise de crédito não pode ser aprovada sem os documentos exigidos: faltam "
                + ", ".join(t.value for t in faltam)
                + ".",
                campo="documentos",
                code="documentos_faltando",
            )
        await mudar(uow, carta, Acao.APROVAR, motivo)
    else:
        await mudar(uow, carta, Acao.RECUSAR, motivo)
        carta.motivo = motivo
    await uow.commit()
    return carta


async def registrar_garantia(uow: UnitOfWork, carta_id: uuid.UUID, data: GarantiaIn) -> Garantia:
    """A guarantee for the group, before the carta is paid (coverage is checked when money leaves)."""
    data.validate()
    carta = await carregar(uow, carta_id)
    if carta.status in (StatusCarta.ENCERRADA, StatusCarta.CANCELADA, StatusCarta.CONVERTIDA_EM_ESPECIE):
        raise ConflitoError("Esta carta não recebe garantias.", code="transicao_invalida")
    registro = dict(data.registro)
    if "chassi" in registro:
        registro["chassi"] = registro["chassi"].upper()
    garantia = Garantia(
        carta_id=carta.id,
        tipo=data.tipo,
        valor=data.valor,
        descricao=data.descricao,
        registro=registro,
        registrada_por=uow.actor.user_id,
    )
    uow.add(garantia)
    await uow.commit()
    return garantia


async def indicar_bem(uow: UnitOfWork, carta_id: uuid.UUID, data: BemIn) -> BemIndicado:
    """aprovada → bem indicado: the bem, its price and its seller (another bem until money was paid)."""
    data.validate()
    vendedor = documento_valido(data.vendedor_documento)
    if vendedor is None:
        raise RegraVioladaError(
            "CPF/CNPJ do vendedor inválido (os dígitos verificadores não conferem).",
            campo="vendedor_documento",
            code="documento_invalido",
        )
    carta = await carregar(uow, carta_id)
    ja_pago = await uow.session.scalar(
        select(PagamentoCredito.id).where(
            PagamentoCredito.carta_id == carta.id, PagamentoCredito.status != StatusPagamentoCredito.REJEITADO
        )
    )
    if ja_pago is not None:
        raise ConflitoError(
            "Já há pagamento ordenado com esta carta: o bem não pode mais ser trocado.",
            code="transicao_invalida",
        )
    uso = uso_do_credito(data.valor, carta.saldo)
    if uso.diferenca > 0 and data.destino_diferenca is None:
        raise RegraVioladaError(
            f"O bem custa menos que o crédito (sobram R$ {uso.diferenca}): informe o destino da diferença "
            "(despesas, amortizacao ou devolucao), como o contrato permite.",
            campo="destino_diferenca",
            code="destino_diferenca_obrigatorio",
        )
    await mudar(uow, carta, Acao.INDICAR_BEM, data.motivo)
    bem = await uow.session.scalar(select(BemIndicado).where(BemIndicado.carta_id == carta.id))
    if bem is None:
        bem = BemIndicado(carta_id=carta.id)
        uow.add(bem)
    else:
        uow.track(bem)
    bem.tipo = data.tipo
    bem.descricao = data.descricao
    bem.valor = data.valor
    bem.documento_fiscal = data.documento_fiscal
    bem.vendedor_nome = data.vendedor_nome
    bem.vendedor_documento = vendedor
    bem.destino_diferenca = data.destino_diferenca if uso.diferenca > 0 else None
    await uow.commit()
    return bem


async def encerrar(uow: UnitOfWork, carta_id: uuid.UUID, motivo: str) -> CartaCredito:
    """paga → encerrada: nothing left of the crédito (yield that came later must be used first)."""
    carta = await carregar(uow, carta_id)
    if carta.status is StatusCarta.PAGA and carta.saldo != 0:
        raise RegraVioladaError(
            f"A carta ainda tem R$ {carta.saldo} (rendimentos apropriados depois do pagamento): "
            "pague-os (despesas, devolução ou amortização) antes de encerrar.",
            campo="saldo",
            code="saldo_remanescente",
        )
    await mudar(uow, carta, Acao.ENCERRAR, motivo)
    carta.encerrada_em = datetime.now(UTC)
    await uow.commit()
    return carta


async def converter_em_especie(
    uow: UnitOfWork, carta_id: uuid.UUID, motivo: str, hoje: date, *, commit: bool = True
) -> CartaCredito:
    """An unused crédito becomes cash for the consorciado (180 days and nothing owed, or the closing)."""
    carta = await carregar(uow, carta_id)
    await exigir_disponivel(uow, carta)
    grupo = await uow.session.get(Grupo, carta.grupo_id)
    assert grupo is not None
    devedor = await consultas.saldo_devedor(uow.session, carta.cota_id)
    violacao = pode_ir_em_especie(
        carta.status, carta.contemplada_em, hoje, devedor, grupo.status is StatusGrupo.ENCERRADO
    )
    if violacao is not None:
        raise violada(violacao)
    await mudar(uow, carta, Acao.CONVERTER_EM_ESPECIE, motivo)
    if commit:
        await uow.commit()
    return carta


def destino_permitido(
    carta: CartaCredito, destino: DestinoPagamento, bem: BemIndicado | None
) -> Violacao | None:
    """Which payouts a carta admits in its status."""
    if carta.status is StatusCarta.CONVERTIDA_EM_ESPECIE:
        if destino is not DestinoPagamento.ESPECIE:
            return Violacao(
                "destino_invalido",
                "destino",
                "Crédito convertido em espécie: o pagamento é ao consorciado (destino especie).",
            )
        return None
    if destino is DestinoPagamento.ESPECIE:
        return Violacao(
            "destino_invalido",
            "destino",
            "Pagamento em espécie exige a conversão do crédito (POST /api/creditos/{id}/conversao-especie).",
        )
    if bem is None:
        return Violacao("destino_invalido", "destino", "Indique o bem antes de pagar.")
    if destino in (DestinoPagamento.DESPESAS, DestinoPagamento.DEVOLUCAO):
        esperado = DestinoDiferenca(destino.value)
        if bem.destino_diferenca is not esperado:
            return Violacao(
                "destino_invalido",
                "destino",
                "O destino da diferença indicado com o bem é "
                f"{bem.destino_diferenca.value if bem.destino_diferenca else 'nenhum'}.",
            )
    return None
