"""Splitting an amount pro rata to weights, exact to the centavo (pure).

Used where a sum of money belongs to several people in proportion to what each
contributed: the saldo remanescente of the fundo comum and of the fundo de
reserva at a group's closing (Lei 11.795/2008 arts. 31–32; Res. BCB 285/2023
arts. 38–39), and a period's investment yield (art. 25 parágrafo único).

Largest-remainder method: each part is its exact share rounded down to the
centavo; the centavos still missing go, one each, to the parts with the
largest dropped fraction (ties: the earliest part). The parts always add up
to the total, and no part is a centavo or more away from its exact share.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tenant_app.dinheiro.centavos import ZERO, centavos


def ratear(total: Decimal, pesos: Sequence[Decimal]) -> list[Decimal]:
    """``total`` split in proportion to ``pesos`` (non-negative); the parts sum to ``total`` exactly.

    With every weight zero nothing can be apportioned: all parts are zero and
    the caller decides (``ValueError`` if ``total`` is not zero either).
    """
    total = centavos(total)
    if total < ZERO:
        raise ValueError("total must not be negative")
    if any(p < 0 for p in pesos):
        raise ValueError("weights must not be negative")
    soma = sum(pesos, Decimal(0))
    if soma == 0:
        if total != ZERO:
            raise ValueError("nothing to apportion to: every weight is zero")
        return [ZERO for _ in pesos]
    em_centavos = int(total * 100)
    exatos = [Decimal(em_centavos) * p / soma for p in pesos]
    base = [int(e) for e in exatos]  # floor: exact shares are non-negative
    faltam = em_centavos - sum(base)
    ordem = sorted(range(len(pesos)), key=lambda i: (-(exatos[i] - base[i]), i))
    for i in ordem[:faltam]:
        base[i] += 1
    return [Decimal(c).scaleb(-2) for c in base]
