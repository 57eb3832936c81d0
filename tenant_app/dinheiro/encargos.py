"""Multa and juros de mora on an overdue parcela (pure).

Multa: once per parcela, ``multa_pct`` % of its base (CDC, Lei 8.078/1990,
art. 52 §1 caps it at 2 %). Juros: ``juros_mensal_pct`` % a month pro rata die
(30-day month) on the unpaid principal, from the due date (or from the last
time interest was computed) to the payment date.

The base of the multa is today the whole parcela (``valor_total``). The
domain rule (multa on the amount unpaid at the due date) changes only what the
caller passes as ``valor_total``; nothing else here moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tenant_app.dinheiro.centavos import CEM, ZERO, centavos, percentual_de

_DIAS_NO_MES = Decimal(30)


@dataclass(frozen=True)
class Encargos:
    """Late charges owed on one parcela at a date."""

    multa: Decimal
    juros: Decimal

    @property
    def total(self) -> Decimal:
        """Multa plus juros."""
        return self.multa + self.juros


def juros_pro_rata(principal: Decimal, juros_mensal_pct: Decimal, inicio: date, ate: date) -> Decimal:
    """Interest accrued on ``principal`` between two dates (zero when ``ate`` is not after ``inicio``)."""
    dias = (ate - inicio).days
    if dias <= 0 or principal <= 0:
        return ZERO
    return centavos(principal * juros_mensal_pct / CEM * Decimal(dias) / _DIAS_NO_MES)


def encargos_devidos(
    *,
    valor_total: Decimal,
    saldo_principal: Decimal,
    vencimento: date,
    data: date,
    multa_pct: Decimal,
    juros_mensal_pct: Decimal,
    pago_multa: Decimal = ZERO,
    juros_pendentes: Decimal = ZERO,
    juros_calculados_ate: date | None = None,
) -> Encargos:
    """What is owed in late charges on ``data`` for a parcela with the given state.

    ``juros_pendentes`` is interest computed earlier and still unpaid; new
    interest runs from ``juros_calculados_ate`` (or the due date), so a partial
    payment neither loses nor double-charges interest.
    """
    if data <= vencimento or saldo_principal <= 0:
        return Encargos(ZERO, juros_pendentes)
    multa = max(ZERO, percentual_de(valor_total, multa_pct) - pago_multa)
    inicio = max(vencimento, juros_calculados_ate or vencimento)
    juros = juros_pendentes + juros_pro_rata(saldo_principal, juros_mensal_pct, inicio, data)
    return Encargos(multa, juros)
