"""Rounding rules for money and percentages used by the apuração."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENTAVO = Decimal("0.01")
#: Percentages of the credit are written with up to 4 decimal places (e.g. 35.1234%).
CASAS_PERCENTUAL = 4
_PASSO_PERCENTUAL = Decimal(1).scaleb(-CASAS_PERCENTUAL)
#: Per-parcela percentages after amortisation keep more precision: they are
#: multiplied by the credit value every month.
_PASSO_PARCELA = Decimal("0.000001")
CEM = Decimal(100)


def centavos(valor: Decimal) -> Decimal:
    """Round to cents, half up (the usual rule in Brazilian billing)."""
    return valor.quantize(CENTAVO, rounding=ROUND_HALF_UP)


def percentual_do_credito(valor_credito: Decimal, percentual: Decimal) -> Decimal:
    """``percentual`` % of the credit, in cents."""
    return centavos(valor_credito * percentual / CEM)


def percentual_por_parcela(percentual: Decimal, parcelas: int) -> Decimal:
    """Split a percentage evenly over ``parcelas`` months."""
    if parcelas <= 0:
        return Decimal(0)
    return (percentual / parcelas).quantize(_PASSO_PARCELA, rounding=ROUND_HALF_UP)


def casas_decimais(valor: Decimal) -> int:
    """How many decimal places a value is written with (10.50 -> 1 after normalising)."""
    expoente = valor.normalize().as_tuple().exponent
    return -expoente if isinstance(expoente, int) and expoente < 0 else 0
