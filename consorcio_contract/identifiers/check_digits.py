"""The mod-11 check-digit rule that CPF and CNPJ share."""

from __future__ import annotations

from collections.abc import Sequence


def mod11_digit(values: Sequence[int], weights: Sequence[int]) -> int:
    """Check digit: r = sum(v*w) mod 11; 0 when r < 2, else 11 - r."""
    remainder = sum(v * w for v, w in zip(values, weights, strict=True)) % 11
    return 0 if remainder < 2 else 11 - remainder
