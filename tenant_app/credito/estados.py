"""The carta de crédito's life as a state machine (pure).

disponível → em análise → aprovada | recusada (a recusada may be analysed again) → bem indicado →
paga parcialmente → paga → encerrada; or, while unused, convertida em espécie → encerrada once the
cash is paid. A carta whose contemplação was disqualified (an unpaid lance) is cancelada.

Payments move the carta by themselves (``apos_pagamento``): the bank's confirmation of the last
centavo makes it ``paga``; everything else is an action of a person, with a reason, through
``transicao``.
"""

from __future__ import annotations

import enum
from decimal import Decimal


class StatusCarta(enum.StrEnum):
    DISPONIVEL = "disponivel"
    EM_ANALISE = "em_analise"
    APROVADA = "aprovada"
    RECUSADA = "recusada"
    BEM_INDICADO = "bem_indicado"
    PAGA_PARCIALMENTE = "paga_parcialmente"
    PAGA = "paga"
    ENCERRADA = "encerrada"
    CONVERTIDA_EM_ESPECIE = "convertida_em_especie"
    CANCELADA = "cancelada"


class Acao(enum.StrEnum):
    """What a person does to a carta."""

    INICIAR_ANALISE = "iniciar_analise"
    APROVAR = "aprovar"
    RECUSAR = "recusar"
    INDICAR_BEM = "indicar_bem"
    ENCERRAR = "encerrar"
    CONVERTER_EM_ESPECIE = "converter_em_especie"
    CANCELAR = "cancelar"


S = StatusCarta

#: Unused: nothing was paid out of the carta and no bem was chosen.
SEM_USO = frozenset({S.DISPONIVEL, S.EM_ANALISE, S.APROVADA, S.RECUSADA})

TRANSICOES: dict[Acao, dict[StatusCarta, StatusCarta]] = {
    Acao.INICIAR_ANALISE: {S.DISPONIVEL: S.EM_ANALISE, S.RECUSADA: S.EM_ANALISE},
    Acao.APROVAR: {S.EM_ANALISE: S.APROVADA},
    Acao.RECUSAR: {S.EM_ANALISE: S.RECUSADA},
    # Choosing another bem is allowed until money was paid for the first one.
    Acao.INDICAR_BEM: {S.APROVADA: S.BEM_INDICADO, S.BEM_INDICADO: S.BEM_INDICADO},
    Acao.ENCERRAR: {S.PAGA: S.ENCERRADA},
    Acao.CONVERTER_EM_ESPECIE: {s: S.CONVERTIDA_EM_ESPECIE for s in SEM_USO},
    Acao.CANCELAR: {s: S.CANCELADA for s in SEM_USO},
}

#: Where payouts may be ordered from.
PAGAVEIS = frozenset({S.BEM_INDICADO, S.PAGA_PARCIALMENTE, S.CONVERTIDA_EM_ESPECIE})

NOMES = {
    S.DISPONIVEL: "disponível",
    S.EM_ANALISE: "em análise",
    S.APROVADA: "aprovada",
    S.RECUSADA: "recusada",
    S.BEM_INDICADO: "bem indicado",
    S.PAGA_PARCIALMENTE: "paga parcialmente",
    S.PAGA: "paga",
    S.ENCERRADA: "encerrada",
    S.CONVERTIDA_EM_ESPECIE: "convertida em espécie",
    S.CANCELADA: "cancelada",
}


class TransicaoInvalida(Exception):
    """The action is not allowed from the carta's status; ``permitidos`` are the statuses it is."""

    def __init__(self, acao: Acao, atual: StatusCarta) -> None:
        self.acao = acao
        self.atual = atual
        self.permitidos = sorted(TRANSICOES[acao], key=list(StatusCarta).index)
        nomes = ", ".join(NOMES[s] for s in self.permitidos)
        super().__init__(
            f"A ação '{acao.value}' não é permitida com a carta {NOMES[atual]}; só com a carta: {nomes}."
        )


def transicao(atual: StatusCarta, acao: Acao) -> StatusCarta:
    """The status after ``acao``, or ``TransicaoInvalida``."""
    destino = TRANSICOES[acao].get(atual)
    if destino is None:
        raise TransicaoInvalida(acao, atual)
    return destino


def apos_pagamento(atual: StatusCarta, saldo_restante: Decimal) -> StatusCarta:
    """The status after the bank confirmed a payout, given what is left of the carta."""
    if atual is S.CONVERTIDA_EM_ESPECIE:
        # The cash was the whole crédito: once it is paid there is nothing left to do.
        return S.ENCERRADA if saldo_restante == 0 else atual
    if atual not in (S.BEM_INDICADO, S.PAGA_PARCIALMENTE):
        raise ValueError(f"pagamento confirmado numa carta {atual.value}")
    return S.PAGA if saldo_restante == 0 else S.PAGA_PARCIALMENTE
