"""The crédito's kinds of things (pure enums, shared by the tables, the rules and the API)."""

from __future__ import annotations

import enum


class TipoDocumento(enum.StrEnum):
    """Documents of the análise de crédito; the first three are required."""

    IDENTIDADE = "identidade"
    RENDA = "renda"
    RESIDENCIA = "residencia"
    OUTRO = "outro"


class TipoGarantia(enum.StrEnum):
    """Guarantees the contract may require (Lei 11.795 art. 14)."""

    ALIENACAO_FIDUCIARIA_VEICULO = "alienacao_fiduciaria_veiculo"
    ALIENACAO_FIDUCIARIA_IMOVEL = "alienacao_fiduciaria_imovel"
    FIADOR = "fiador"
    OUTRA = "outra"


class TipoBemIndicado(enum.StrEnum):
    """What the crédito buys; a guarantee over the bem itself is required for vehicles and imóveis."""

    VEICULO = "veiculo"
    IMOVEL = "imovel"
    SERVICO = "servico"
    OUTRO = "outro"


class DestinoDiferenca(enum.StrEnum):
    """A bem cheaper than the crédito: where the difference goes (as the contract allows)."""

    DESPESAS = "despesas"  #: documentation, taxes, insurance of the bem, up to the contract's limit
    AMORTIZACAO = "amortizacao"  #: pays the cota's parcelas
    DEVOLUCAO = "devolucao"  #: paid to the consorciado (saldo devedor quitado)


class DestinoPagamento(enum.StrEnum):
    """Why money leaves a carta."""

    BEM = "bem"  #: to the seller
    DESPESAS = "despesas"  #: related expenses (bem cheaper than the crédito)
    DEVOLUCAO = "devolucao"  #: the difference returned to the consorciado
    ESPECIE = "especie"  #: the crédito paid in cash to the consorciado
    AMORTIZACAO = "amortizacao"  #: the difference paying the cota's parcelas (no bank file)


class FormaPagamentoCredito(enum.StrEnum):
    TED = "ted"
    PIX = "pix"
    INTERNO = "interno"  #: an amortisation: money moves inside the group


class StatusPagamentoCredito(enum.StrEnum):
    """pendente → em_remessa → efetivado | rejeitado."""

    PENDENTE = "pendente"
    EM_REMESSA = "em_remessa"
    EFETIVADO = "efetivado"
    REJEITADO = "rejeitado"
