"""Multa and juros de mora on overdue parcelas (pure).

Multa: once per parcela, ``multa_pct`` % of the parcela (CDC Art. 52 §1 caps it
at 2 %). Juros: ``juros_mensal_pct`` % a month pro rata die (30-day month) on
the unpaid principal, from the due date (or from the last time interest was
computed) to the payment date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tenant_app.parcelas.money import ZERO, percent_of, to_cents


@dataclass(frozen=True)
class Encargos:
    """Late charges owed on one parcela at a date."""

    multa: Decimal
    juros: Decimal

    @property
    def total(self) -> Decimal:
        """Multa plus juros."""
        return self.multa + self.juros


def new_juros(principal: Decimal, juros_mensal_pct: Decimal, start: date, until: date) -> Decimal:
    """Interest accrued on ``principal`` between two dates (zero when not after ``start``)."""
    days = (until - start).days
    if days <= 0 or principal <= 0:
        return ZERO
    return to_cents(principal * juros_mensal_pct / Decimal(100) * Decimal(days) / Decimal(30))


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
    """What is owed in late charges on ``data`` for a parcela with the given state."""
    if data <= vencimento or saldo_principal <= 0:
        return Encargos(ZERO, juros_pendentes)
    multa = max(ZERO, percent_of(valor_total, multa_pct) - pago_multa)
    start = max(vencimento, juros_calculados_ate or vencimento)
    juros = juros_pendentes + new_juros(saldo_principal, juros_mensal_pct, start, data)
    return Encargos(multa, juros)
