"""The carta's value and its yield (Lei 11.795/2008 art. 24), pure.

* The crédito is the bem's value at the AGO of contemplação (art. 24 caput); a lance embutido is
  taken from it (Res. BCB 285/2023 art. 12 and the contract).
* While it waits to be used the crédito stays invested and receives the net financial yield of
  the period it stayed applied, from the day it was made available until it is used (art. 24 §1).
  The group's yield is not the carta's alone: the fundo comum and the fundo de reserva earn it too
  (art. 25 parágrafo único). Each participant gets its share in proportion to its **saldo-dia**
  (the sum of its end-of-day balances over the period), apportioned in centavos by the largest
  remainder so the shares add up to the yield exactly.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from tenant_app.dinheiro.rateio import ratear as _ratear

K = TypeVar("K", bound=Hashable)


def valor_da_carta(valor_bem_na_ago: Decimal, valor_embutido: Decimal) -> Decimal:
    """The crédito the consorciado may use: the bem's value at the AGO minus the embutido part."""
    if valor_bem_na_ago <= 0:
        raise ValueError("o valor do bem na AGO deve ser positivo")
    if not 0 <= valor_embutido <= valor_bem_na_ago:
        raise ValueError("o lance embutido deve estar entre zero e o valor do crédito")
    return valor_bem_na_ago - valor_embutido


def saldo_dias(movimentos: Iterable[tuple[date, Decimal]], inicio: date, fim: date) -> Decimal:
    """Σ over each day of [inicio, fim] of the balance at the end of that day.

    ``movimentos`` are (day, signed amount) from the first one ever: those before ``inicio`` make
    the opening balance; one on day d counts from d to ``fim`` (money set aside on a day earns
    that day; money paid out on a day does not).
    """
    if fim < inicio:
        raise ValueError("período com fim antes do início")
    dias = (fim - inicio).days + 1
    total = Decimal(0)
    for dia, valor in movimentos:
        if dia > fim:
            continue
        total += valor * (dias if dia < inicio else (fim - dia).days + 1)
    return total


def ratear(total: Decimal, pesos: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """``dinheiro.rateio.ratear`` (largest remainder, exact to the centavo) keyed by participant."""
    chaves = list(pesos)
    return dict(zip(chaves, _ratear(total, [pesos[k] for k in chaves]), strict=True))


def dia_seguinte(dia: date) -> date:
    """The next calendar day (a period starts the day after the previous one ended)."""
    return dia + timedelta(days=1)
