"""Centavos and percentages: explicit rounding and exact splitting of amounts in R$.

One rule everywhere: round to the centavo half up (away from zero for the
positive amounts we handle), the usual commercial rule in Brazilian billing,
and round once, at the end, never intermediate steps.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENTAVO = Decimal("0.01")
ZERO = Decimal("0.00")
CEM = Decimal(100)
#: Percentages of the credit are written with up to 4 decimal places (e.g. 35.1234 %).
CASAS_PERCENTUAL = 4
#: Per-parcela percentages after amortisation keep more precision: they are
#: multiplied by the credit value every month.
_PASSO_PERCENTUAL_PARCELA = Decimal("0.000001")


def centavos(valor: Decimal) -> Decimal:
    """Round to centavos, half up."""
    return valor.quantize(CENTAVO, rounding=ROUND_HALF_UP)


def percentual_de(base: Decimal, percentual: Decimal) -> Decimal:
    """``percentual`` % of ``base`` (e.g. of the credit), rounded to centavos once."""
    return centavos(base * percentual / CEM)


def repartir(total: Decimal, partes: int) -> list[Decimal]:
    """Split ``total`` into ``partes`` amounts that add up exactly to it.

    Every part is the exact share rounded down to the centavo; the leftover
    centavos (fewer than ``partes``) go one each to the first parts, so no part
    is more than one centavo away from the exact share and the result is
    deterministic.
    """
    if partes <= 0:
        raise ValueError("partes must be positive")
    em_centavos = int(centavos(total) * 100)
    if em_centavos < 0:
        raise ValueError("total must not be negative")
    base, sobra = divmod(em_centavos, partes)
    return [Decimal(base + (1 if i < sobra else 0)).scaleb(-2) for i in range(partes)]


def percentual_por_parcela(percentual: Decimal, parcelas: int) -> Decimal:
    """Split a percentage of the credit evenly over ``parcelas`` months (6 decimal places)."""
    if parcelas <= 0:
        return Decimal(0)
    return (percentual / parcelas).quantize(_PASSO_PERCENTUAL_PARCELA, rounding=ROUND_HALF_UP)


def casas_decimais(valor: Decimal) -> int:
    """How many decimal places a value is written with (10.50 -> 1 after normalising)."""
    expoente = valor.normalize().as_tuple().exponent
    return -expoente if isinstance(expoente, int) and expoente < 0 else 0


def em_centavos_exatos(valor: Decimal) -> bool:
    """A finite amount with at most two decimal places (what a payment may be)."""
    return valor.is_finite() and casas_decimais(valor) <= 2
