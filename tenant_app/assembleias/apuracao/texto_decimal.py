"""The one normalised text of a decimal, shared by the inputs (``entrada``) and their canonical JSON."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache


@lru_cache(maxsize=8192)
def decimal_texto(valor: Decimal) -> str:
    """Normalised fixed-point text: Decimal("10.50") -> "10.5", Decimal("1E+2") -> "100".

    Cached: equal decimals hash alike and have one normalised text, and a
    group's credits and percentages repeat a lot.
    """
    if not valor.is_finite():
        raise ValueError("valor não finito")
    # "+ 0" turns a negative zero into "0".
    return format(valor.normalize() + Decimal(0), "f")
