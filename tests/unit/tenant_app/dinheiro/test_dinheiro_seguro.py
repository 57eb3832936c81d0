"""Seguro prestamista modes (issue 12, 11) and the antecipação da taxa de administração (issue 12, 6)."""

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


def test_antecipacao_da_taxa_charged_at_the_adesao_and_deducted_from_the_plan() -> None:
    # Lei 11.795 art. 27 §3. Credit 12 000 over 12 months, taxa 12 % = 1 440.00 in total, of which
    # 2 % of the credit = 240.00 is charged at the adesão (first parcela): the other 1 200.00 is
    # spread over the 12 parcelas (100.00 each), so parcela 1 carries 100 + 240 = 340.00 of taxa.
    plano = PlanoCredito(Decimal("12000"), Decimal("12"), taxa_antecipada_pct=Decimal("2"))
    parcelas = schedule_amounts(plano, 12)
    assert (parcelas[0].taxa_administracao, parcelas[0].taxa_antecipada) == (
        Decimal("340.00"),
        Decimal("240.00"),
    )
    assert [p.taxa_administracao for p in parcelas[1:]] == [Decimal("100.00")] * 11
    assert all(p.taxa_antecipada == 0 for p in parcelas[1:])
    # The total taxa over the plan is unchanged: 340 + 11 x 100 = 1 440.
    assert sum((p.taxa_administracao for p in parcelas), Decimal(0)) == Decimal("1440.00")
    assert parcelas[0].total == Decimal("1000.00") + Decimal("340.00")
