"""Centavo arithmetic: explicit rounding and exact splitting of amounts in R$."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_cents(value: Decimal) -> Decimal:
    """Round to centavos, half away from zero (the usual commercial rule)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(base: Decimal, pct: Decimal) -> Decimal:
    """``pct`` % of ``base``, rounded to centavos once (never round intermediate steps)."""
    return to_cents(base * pct / Decimal(100))


def split_evenly(total: Decimal, parts: int) -> list[Decimal]:
    """Split ``total`` into ``parts`` amounts that add up exactly to it.

    Every part is the exact share rounded down to the centavo; the leftover
    centavos (fewer than ``parts``) go one each to the first parts, so no part
    is more than one centavo away from the exact share and the result is
    deterministic.
    """
    if parts <= 0:
        raise ValueError("parts must be positive")
    cents = int(to_cents(total) * 100)
    if cents < 0:
        raise ValueError("total must not be negative")
    base, leftover = divmod(cents, parts)
    return [Decimal(base + (1 if i < leftover else 0)).scaleb(-2) for i in range(parts)]
