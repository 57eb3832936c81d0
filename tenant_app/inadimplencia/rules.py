"""Pure delinquency rules."""

from __future__ import annotations

from collections.abc import Iterable


def longest_unpaid_run(overdue_unpaid_numeros: Iterable[int]) -> int:
    """Longest run of consecutive parcela numbers among the overdue, unpaid ones."""
    best = run = 0
    previous: int | None = None
    for n in sorted(set(overdue_unpaid_numeros)):
        run = run + 1 if previous is not None and n == previous + 1 else 1
        best = max(best, run)
        previous = n
    return best


def must_exclude(consecutive_unpaid: int, threshold: int, contemplada: bool) -> bool:
    """Default exclusion: at or above the contract threshold, and never a contemplated cota."""
    return not contemplada and threshold > 0 and consecutive_unpaid >= threshold
