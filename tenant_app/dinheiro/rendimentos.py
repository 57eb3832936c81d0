"""The group's investment yield and the part of it that belongs to one cota's money (pure).

Lei 11.795/2008 art. 26: the group's money is kept invested from the day it is
available until it is used; art. 25 parágrafo único: the yield of that
investment belongs to the fundo comum. Art. 30: an excluded consorciado's
restitution carries "os rendimentos da aplicação financeira a que estão
sujeitos os recursos dos consorciados enquanto não utilizados pelo
participante, na forma do art. 24 § 1º" — the yield on its own money for the
time it sat in the fund.

The administradora records each period's net yield with the invested base it
was earned on (``saldo_base``, from the bank statement). The money a cota had
in the fundo comum during the whole period (paid before the period began)
earns the share ``peso / saldo_base`` of that period's yield; the rest is the
group's. The split is done to the centavo with ``dinheiro.rateio.ratear``, so
the cota's part and the group's add up to the yield exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tenant_app.dinheiro.centavos import ZERO
from tenant_app.dinheiro.rateio import ratear


@dataclass(frozen=True, slots=True)
class PeriodoRendimento:
    """One recorded period: the net yield and the invested balance that earned it."""

    inicio: date
    fim: date
    valor: Decimal
    saldo_base: Decimal


@dataclass(frozen=True, slots=True)
class Contribuicao:
    """Money a cota put into the fundo comum, and the day it arrived."""

    data: date
    valor: Decimal


def parte_do_periodo(periodo: PeriodoRendimento, peso: Decimal) -> Decimal:
    """The part of ``periodo``'s yield earned by ``peso`` reais invested during the whole period."""
    if periodo.valor <= ZERO or peso <= 0 or periodo.saldo_base <= 0:
        return ZERO
    peso = min(peso, periodo.saldo_base)  # a cota cannot own more than the whole base
    cota, _grupo = ratear(periodo.valor, [peso, periodo.saldo_base - peso])
    return cota


def rendimento_da_cota(
    periodos: Sequence[PeriodoRendimento], contribuicoes: Sequence[Contribuicao], ate: date
) -> Decimal:
    """The yield of a cota's money over the periods that ended by ``ate``.

    For each period, the money counted is what the cota paid before the
    period's first day (money arriving during a period waits for the next one).
    """
    total = ZERO
    for p in periodos:
        if p.fim > ate:
            continue
        peso = sum((c.valor for c in contribuicoes if c.data < p.inicio), Decimal(0))
        total += parte_do_periodo(p, peso)
    return total
