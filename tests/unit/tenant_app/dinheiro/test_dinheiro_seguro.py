"""Seguro prestamista as the contract chooses (issue 12, 11)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenant_app.dinheiro.seguro import ModoSeguro, seguro_das_parcelas
from tenant_app.parcelas.schedule import PlanoCredito, schedule_amounts

pytestmark = pytest.mark.unit


def test_percentage_of_the_credit_split_evenly() -> None:
    # 0.5 % of 60 000 = 300.00 over 12 parcelas = 25.00 each.
    seguros = seguro_das_parcelas(
        ModoSeguro.PERCENTUAL_CREDITO, Decimal("0.5"), Decimal("60000"), [Decimal(1)] * 12
    )
    assert seguros == [Decimal("25.00")] * 12


def test_monthly_percentage_of_the_saldo_devedor() -> None:
    # Three parcelas owing 1 000.00 each (without seguro), 0.1 % a month of what is still owed:
    # 0.1 % x 3 000 = 3.00, then x 2 000 = 2.00, then x 1 000 = 1.00.
    devidos = [Decimal("1000.00")] * 3
    assert seguro_das_parcelas(ModoSeguro.MENSAL_SALDO_DEVEDOR, Decimal("0.1"), Decimal("2500"), devidos) == [
        Decimal("3.00"),
        Decimal("2.00"),
        Decimal("1.00"),
    ]


def test_schedule_with_the_monthly_clause() -> None:
    # 12 000 over 12 months, taxa 12 % (120.00 a month), no reserva: each parcela owes 1 120.00 before seguro.
    # Seguro 0.05 % a month of the saldo devedor: 0.05 % x 13 440 = 6.72 for parcela 1 (12 x 1 120),
    # 0.05 % x 12 320 = 6.16 for parcela 2, ... 0.05 % x 1 120 = 0.56 for parcela 12.
    plano = PlanoCredito(
        Decimal("12000"),
        Decimal("12"),
        seguro_pct=Decimal("0.05"),
        seguro_modo=ModoSeguro.MENSAL_SALDO_DEVEDOR,
    )
    parcelas = schedule_amounts(plano, 12)
    assert [p.seguro for p in parcelas[:2]] == [Decimal("6.72"), Decimal("6.16")]
    assert parcelas[-1].seguro == Decimal("0.56")
    assert parcelas[0].total == Decimal("1126.72")
    # Sum: 0.05 % x 1 120 x (12 + 11 + ... + 1) = 0.56 x 78 = 43.68.
    assert sum((p.seguro for p in parcelas), Decimal(0)) == Decimal("43.68")
