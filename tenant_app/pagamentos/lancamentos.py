"""What a pagamento posts to the group ledger, and its estorno the exact opposite (pure).

Every centavo of a payment is booked in the fund it belongs to. Multa and juros
go to the fundo comum, except the part the contract gives the administradora
(Lei 11.795/2008 art. 25 parágrafo único; the grupo's
``encargos_fundo_comum_pct``, split per allocation by
``dinheiro.encargos.repartir_encargos`` and stored as
``encargos_administradora``), which is booked with the taxa de administração.

A lance is a pagamento whose money at once pays the part of the winner's carta
de crédito it covers: the apuração debited only the carta net of the lance, so
the fundo comum share the lance amortises leaves again as contemplação. Both
movements carry the pagamento's id; the estorno reverses both.

When the contract's lance pays whole parcelas (``dinheiro.amortizacao.LancePaga``)
the lance also pays taxa, fundo de reserva and seguro; the carta part it covers is
still the whole amortised value (the apuração debited the carta net of the whole
lance and kept the difference reserved), so the fundo comum pays for the other
components: its net is its share of the parcelas less the credit, and every fund
together moves by the lance less the credit, as the money does. Under the default
clause the lance pays only the fundo comum, so the two sums are the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

from tenant_app.dinheiro.alocacao import ValoresAlocados
from tenant_app.dinheiro.centavos import ZERO
from tenant_app.ledger.models import Fundo, OrigemLancamento
from tenant_app.pagamentos.models import FormaPagamento

Movimentos = list[tuple[OrigemLancamento, list[tuple[Fundo, Decimal]]]]


class AlocacaoGuardada(ValoresAlocados, Protocol):
    """A stored allocation (``PagamentoAlocacao``), with the administradora's part of the charges."""

    @property
    def encargos_administradora(self) -> Decimal: ...


def _por_fundo(alocacoes: Iterable[AlocacaoGuardada]) -> list[tuple[Fundo, Decimal]]:
    comum = reserva = taxa = seguro = ZERO
    for a in alocacoes:
        comum += a.fundo_comum + a.multa + a.juros - a.encargos_administradora
        reserva += a.fundo_reserva
        taxa += a.taxa_administracao + a.encargos_administradora
        seguro += a.seguro
    return [
        (Fundo.FUNDO_COMUM, comum),
        (Fundo.FUNDO_RESERVA, reserva),
        (Fundo.TAXA_ADMINISTRACAO, taxa),
        (Fundo.SEGURO, seguro),
    ]


def lancamentos_do_pagamento(forma: FormaPagamento, alocacoes: Iterable[AlocacaoGuardada]) -> Movimentos:
    """The movements of a confirmed pagamento, by origin."""
    lista = list(alocacoes)
    entradas = _por_fundo(lista)
    if forma is not FormaPagamento.LANCE:
        return [(OrigemLancamento.PAGAMENTO, entradas)]
    # Lances carry no multa or juros: the principal is the whole amortised value.
    carta = sum((a.fundo_comum + a.fundo_reserva + a.taxa_administracao + a.seguro for a in lista), ZERO)
    return [
        (OrigemLancamento.LANCE, entradas),
        (OrigemLancamento.CONTEMPLACAO, [(Fundo.FUNDO_COMUM, -carta)]),
    ]


def lancamentos_do_estorno(forma: FormaPagamento, alocacoes: Iterable[AlocacaoGuardada]) -> Movimentos:
    """The exact opposite of ``lancamentos_do_pagamento``: money out as estorno, the carta part back in."""
    movimentos: Movimentos = []
    for origem, entradas in lancamentos_do_pagamento(forma, alocacoes):
        opostas = [(fundo, -valor) for fundo, valor in entradas]
        # Payment money leaves as ESTORNO (the reconciliation matches it against allocations);
        # the carta part keeps its origin, as a disqualification does.
        contemplacao = origem is OrigemLancamento.CONTEMPLACAO
        movimentos.append(
            (OrigemLancamento.CONTEMPLACAO if contemplacao else OrigemLancamento.ESTORNO, opostas)
        )
    return movimentos
