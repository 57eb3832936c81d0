"""Multa and juros de mora on an overdue parcela, and where they go (pure).

Multa: once per parcela, ``multa_pct`` % of what was still unpaid at the due
date (CDC, Lei 8.078/1990, art. 52 §1 caps it at 2 % "do valor da
prestação" in arrears: a parcela of R$ 1.220,00 of which R$ 1.000,00 was paid
on time carries a multa on R$ 220,00 only). Juros: ``juros_mensal_pct`` % a
month pro rata die (30-day month) on the unpaid principal, from the due date
(or from the last time interest was computed) to the payment date; the
contract may not set more than 1 % a month (``JUROS_MORA_MAX_MENSAL_PCT``).

Where they go: Lei 11.795/2008 art. 25 parágrafo único puts in the fundo
comum the "multas e juros moratórios destinados ao grupo" — the contract says
which part (``encargos_fundo_comum_pct``, default 100 %); the rest is revenue
of the administradora (``repartir_encargos``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tenant_app.dinheiro.centavos import CEM, ZERO, centavos, percentual_de

_DIAS_NO_MES = Decimal(30)

#: CDC (Lei 8.078/1990) art. 52 §1: multa de mora at most 2 % of the amount in arrears.
MULTA_MAX_PCT = Decimal(2)
#: Juros de mora agreed in a contract at most 1 % a month (STJ Súmula 379: "os juros
#: moratórios poderão ser convencionados até o limite de 1% ao mês"; when the contract is
#: silent, Lei 14.905/2024's legal rate of Código Civil art. 406 applies).
JUROS_MORA_MAX_MENSAL_PCT = Decimal(1)


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
    pago_ate_vencimento: Decimal = ZERO,
) -> Encargos:
    """What is owed in late charges on ``data`` for a parcela with the given state.

    The multa's base is ``valor_total - pago_ate_vencimento``: what the parcela
    still owed at the end of its due date (payments after it do not shrink the
    base, they only pay the multa). ``juros_pendentes`` is interest computed
    earlier and still unpaid; new interest runs from ``juros_calculados_ate`` (or
    the due date), so a partial payment neither loses nor double-charges interest.
    """
    if data <= vencimento or saldo_principal <= 0:
        return Encargos(ZERO, juros_pendentes)
    multa = max(ZERO, percentual_de(valor_total - pago_ate_vencimento, multa_pct) - pago_multa)
    inicio = max(vencimento, juros_calculados_ate or vencimento)
    juros = juros_pendentes + juros_pro_rata(saldo_principal, juros_mensal_pct, inicio, data)
    return Encargos(multa, juros)


@dataclass(frozen=True)
class EncargosRepartidos:
    """Late charges received, split between the group and the administradora."""

    fundo_comum: Decimal
    administradora: Decimal


def repartir_encargos(multa: Decimal, juros: Decimal, fundo_comum_pct: Decimal) -> EncargosRepartidos:
    """Split multa + juros: ``fundo_comum_pct`` % to the fundo comum, the rest to the administradora.

    Lei 11.795/2008 art. 25 parágrafo único: the fundo comum holds the multas and
    juros moratórios the contract destines to the group. The two parts always add
    up to ``multa + juros``.
    """
    total = multa + juros
    grupo = percentual_de(total, fundo_comum_pct)
    return EncargosRepartidos(fundo_comum=grupo, administradora=total - grupo)
