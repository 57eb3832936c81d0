"""Answers of the crédito endpoints (money as ``Dinheiro``: a string with 2 decimals)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import msgspec

from tenant_app.credito.estados import StatusCarta
from tenant_app.credito.models import (
    DestinoDiferenca,
    DestinoPagamento,
    FormaPagamentoCredito,
    StatusPagamentoCredito,
    TipoBemIndicado,
    TipoDocumento,
    TipoGarantia,
)
from tenant_app.http.schemas import Dinheiro


class CartaOut(msgspec.Struct, kw_only=True):
    """A carta de crédito."""

    id: uuid.UUID
    grupo_id: uuid.UUID
    cota_id: uuid.UUID
    cota_numero: int
    contemplacao_id: uuid.UUID
    status: StatusCarta
    contemplada_em: date
    disponivel_em: date | None
    valor_credito: Dinheiro
    valor_embutido: Dinheiro
    valor_carta: Dinheiro
    rendimentos: Dinheiro
    valor_pago: Dinheiro
    valor_reservado: Dinheiro
    saldo: Dinheiro
    motivo: str | None
    encerrada_em: datetime | None


class DocumentoOut(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tipo: TipoDocumento
    referencia: str
    descricao: str | None
    recebido_em: datetime


class GarantiaOut(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    tipo: TipoGarantia
    valor: Dinheiro
    descricao: str
    registro: dict[str, str]
    registrada_em: datetime


class BemOut(msgspec.Struct, kw_only=True):
    tipo: TipoBemIndicado
    descricao: str
    valor: Dinheiro
    documento_fiscal: str
    vendedor_nome: str
    vendedor_documento: str
    destino_diferenca: DestinoDiferenca | None
    #: What the carta pays the seller / what is left / what the consorciado pays beyond the crédito.
    ao_vendedor: Dinheiro
    diferenca: Dinheiro
    pago_pelo_consorciado: Dinheiro


class PagamentoCreditoOut(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    carta_id: uuid.UUID
    destino: DestinoPagamento
    forma: FormaPagamentoCredito
    valor: Dinheiro
    status: StatusPagamentoCredito
    seu_numero: str
    favorecido_nome: str
    favorecido_documento: str
    remessa_id: uuid.UUID | None
    nosso_numero: str | None
    ocorrencias: list[str] | None
    solicitado_em: datetime
    efetivado_em: date | None
    pagamento_id: uuid.UUID | None


class TransicaoOut(msgspec.Struct, kw_only=True):
    de: StatusCarta | None
    para: StatusCarta
    acao: str
    motivo: str | None
    user_id: uuid.UUID | None
    ocorrido_em: datetime


class CoberturaOut(msgspec.Struct, kw_only=True):
    """The guarantees against the cota's saldo devedor (Lei 11.795 art. 14)."""

    saldo_devedor: Dinheiro
    garantido: Dinheiro
    falta: Dinheiro
    suficiente: bool


class CartaDetalheOut(msgspec.Struct, kw_only=True):
    """A carta's whole file: análise, guarantees, bem, payouts, history."""

    carta: CartaOut
    documentos: list[DocumentoOut]
    documentos_faltando: list[TipoDocumento]
    garantias: list[GarantiaOut]
    cobertura: CoberturaOut
    bem: BemOut | None
    pagamentos: list[PagamentoCreditoOut]
    transicoes: list[TransicaoOut]


class RemessaOut(msgspec.Struct, kw_only=True):
    """A generated CNAB 240 pagamentos file (download it at ``arquivo``)."""

    id: uuid.UUID
    grupo_id: uuid.UUID
    numero: int
    forma: FormaPagamentoCredito
    quantidade: int
    total: Dinheiro
    sha256: str
    gerada_em: datetime
    pagamentos: list[uuid.UUID]
    arquivo: str


class RetornoItemOut(msgspec.Struct, kw_only=True):
    seu_numero: str
    situacao: Annotated[
        str,
        msgspec.Meta(description="efetivado, rejeitado, agendado, ja_processado, divergente ou desconhecido"),
    ]
    ocorrencias: list[str]
    pagamento_id: uuid.UUID | None


class RetornoOut(msgspec.Struct, kw_only=True):
    """What an imported retorno did, payment by payment (the same answer for the same file)."""

    id: uuid.UUID
    sha256: str
    efetivados: int
    rejeitados: int
    itens: list[RetornoItemOut]


class ApropriacaoOut(msgspec.Struct, kw_only=True):
    """Periods of the group's yield shared with the cartas by this call."""

    periodos: int
    total_cartas: Dinheiro


class ConciliacaoCartaOut(msgspec.Struct, kw_only=True):
    carta_id: uuid.UUID
    saldo: Dinheiro
    no_razao: Dinheiro


class ConciliacaoOut(msgspec.Struct, kw_only=True):
    """Each carta's saldo against the ledger (Fundo creditos_a_pagar); ``conciliado`` when all agree."""

    cartas: list[ConciliacaoCartaOut]
    total_saldo: Dinheiro
    total_no_razao: Dinheiro
    conciliado: bool
