"""What a cota paid and owes as percentages of the credit, and a restitution at today's value (pure).

Lei 11.795/2008 art. 27 §1: a consorciado's rights and obligations are
percentages of the bem's price. Each parcela of a cota's plan carries an equal
share of 100 % of the credit in its fundo comum (``100 / parcelas do plano``;
a late joiner's plan is shorter, so its shares are larger). What a cota paid is
the sum over its parcelas of the part of each parcela's fundo comum it paid,
times that share — not reais divided by today's credit: after a correction of
the credit by an index, a cota that paid 20 of 100 parcelas still owes 80 %,
not 81.82 %.

Art. 30: an excluded consorciado gets back that percentage applied to the
credit's value on the date of the restitution, less the contract's cláusula
penal (``clausula_penal_pct`` % of it), without taxa de administração and
seguro.
"""

from __future__ import annotations

from decimal import Decimal

from tenant_app.dinheiro.centavos import CEM, ZERO, centavos, percentual_de

_PASSO = Decimal("0.000001")


def percentual_pago(parcelas_pagas_equivalentes: Decimal, parcelas_do_plano: int) -> Decimal:
    """% of the credit paid to the fundo comum (6 decimal places).

    ``parcelas_pagas_equivalentes`` is Σ pago_fundo_comum / valor_fundo_comum over
    the cota's parcelas (1 per parcela whose fundo comum is fully paid).
    """
    if parcelas_do_plano <= 0:
        return Decimal(0)
    return min(CEM, parcelas_pagas_equivalentes * CEM / parcelas_do_plano).quantize(_PASSO)


def percentual_devido(pago: Decimal) -> Decimal:
    """% of the credit still owed to the fundo comum (never negative)."""
    return max(CEM - pago, Decimal(0))


def valor_restituicao(
    percentual: Decimal, valor_credito_atual: Decimal, clausula_penal_pct: Decimal
) -> Decimal:
    """Lei 11.795 art. 30: ``percentual`` % of today's credit, less the cláusula penal (% of that amount)."""
    bruto = percentual_de(valor_credito_atual, percentual)
    return max(ZERO, centavos(bruto - percentual_de(bruto, clausula_penal_pct)))
