"""Seguro prestamista in the parcelas, as the contract chooses (pure).

Lei 11.795/2008 art. 27 (caput): besides the fundo comum and the taxa de
administração, the parcela carries the other money obligations the contract
sets out — the seguro prestamista among them, whose insured capital is the
consorciado's saldo devedor (Res. CNSP 439/2022, seguro prestamista). Two
common clauses:

* ``percentual_credito`` — a fixed percentage of the credit over the whole
  plan, split evenly over the parcelas (like the taxa de administração);
* ``mensal_saldo_devedor`` — each month, the percentage of what the cota still
  owes before that parcela (fundo comum, taxa and fundo de reserva of that
  parcela and all later ones), so the premium falls as the debt is paid.

An ordinary payment ahead of time changes no other parcela's seguro: it is
allocated oldest parcela first (``dinheiro.alocacao``), so what the cota owes
from each later parcela on is the same as before, and a parcela paid ahead pays
the seguro it was billed with. Only a lance, which pays parcelas out of order
(the last ones, or a part of every one), recomputes it
(``dinheiro.amortizacao.reprogramar_quitadas``).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from decimal import Decimal

from tenant_app.dinheiro.centavos import ZERO, percentual_de, repartir


class ModoSeguro(enum.StrEnum):
    """How the seguro prestamista of each parcela is computed (contract clause)."""

    PERCENTUAL_CREDITO = "percentual_credito"
    MENSAL_SALDO_DEVEDOR = "mensal_saldo_devedor"


def seguro_das_parcelas(
    modo: ModoSeguro, seguro_pct: Decimal, valor_credito: Decimal, devidos: Sequence[Decimal]
) -> list[Decimal]:
    """The seguro of each parcela, given what each parcela owes without seguro (``devidos``, in order).

    ``percentual_credito``: ``seguro_pct`` % of the credit, split evenly.
    ``mensal_saldo_devedor``: for parcela k, ``seguro_pct`` % of ``devidos[k] + devidos[k+1] + ...``.
    """
    if modo is ModoSeguro.PERCENTUAL_CREDITO:
        return repartir(percentual_de(valor_credito, seguro_pct), len(devidos))
    seguros: list[Decimal] = []
    saldo = sum(devidos, ZERO)
    for devido in devidos:
        seguros.append(percentual_de(saldo, seguro_pct))
        saldo -= devido
    return seguros
