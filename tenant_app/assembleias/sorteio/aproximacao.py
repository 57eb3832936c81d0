"""Nearest-cota order around a drawn number, in the contract's direction.

Used twice with the same number: to find the nearest eligible cota when the
drawn cota cannot be contemplated, and to break ties between equal lances
(the cota earlier in this order wins).
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum


class DirecaoAproximacao(StrEnum):
    """How the contract walks away from the drawn number."""

    #: n, n+1, ..., last cota, then n-1, n-2, ..., 1
    ACIMA = "acima"
    #: n, n-1, ..., 1, then n+1, n+2, ..., last cota
    ABAIXO = "abaixo"
    #: n, n+1, n-1, n+2, n-2, ... (nearest first; at equal distance, above first)
    ALTERNADA = "alternada"
    #: n, n-1, n+1, n-2, n+2, ... (nearest first; at equal distance, below first)
    ALTERNADA_ABAIXO = "alternada_abaixo"


def chave_aproximacao(cota: int, referencia: int, direcao: DirecaoAproximacao) -> tuple[int, int]:
    """Sort key: a smaller key comes earlier in ``ordem_aproximacao``.

    Constant time, so ranking thousands of lances does not walk the order.
    """
    d = cota - referencia
    if direcao is DirecaoAproximacao.ACIMA:
        return (0, d) if d >= 0 else (1, -d)
    if direcao is DirecaoAproximacao.ABAIXO:
        return (0, -d) if d <= 0 else (1, d)
    if direcao is DirecaoAproximacao.ALTERNADA_ABAIXO:
        return (abs(d), 0 if d <= 0 else 1)
    return (abs(d), 0 if d >= 0 else 1)


def ordem_aproximacao(referencia: int, tamanho_grupo: int, direcao: DirecaoAproximacao) -> Iterator[int]:
    """Every cota 1..tamanho_grupo exactly once, nearest to ``referencia`` first.

    ``referencia`` may lie outside the group (a drawn number above the group
    size, or 0): the walk then simply starts at the nearest existing cota.
    """
    if tamanho_grupo < 1:
        return
    n = referencia
    if direcao is DirecaoAproximacao.ACIMA:
        yield from range(max(n, 1), tamanho_grupo + 1)
        yield from range(min(n - 1, tamanho_grupo), 0, -1)
    elif direcao is DirecaoAproximacao.ABAIXO:
        yield from range(min(n, tamanho_grupo), 0, -1)
        yield from range(max(n + 1, 1), tamanho_grupo + 1)
    else:
        if 1 <= n <= tamanho_grupo:
            yield n
        distancia = 1
        # Stop once both sides have left the group.
        primeiro_acima = direcao is DirecaoAproximacao.ALTERNADA
        while n + distancia <= tamanho_grupo or n - distancia >= 1:
            lados = (n + distancia, n - distancia) if primeiro_acima else (n - distancia, n + distancia)
            for cota in lados:
                if 1 <= cota <= tamanho_grupo:
                    yield cota
            distancia += 1
