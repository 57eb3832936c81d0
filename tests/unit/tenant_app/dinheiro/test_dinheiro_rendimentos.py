"""A cota's share of the group's investment yield (Lei 11.795 arts. 24 §1, 25 § único, 30; issue 12, 4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tenant_app.dinheiro.rendimentos import (
    Contribuicao,
    PeriodoRendimento,
    parte_do_periodo,
    rendimento_da_cota,
)

pytestmark = pytest.mark.unit

D = Decimal
JANEIRO = PeriodoRendimento(date(2025, 1, 1), date(2025, 1, 31), D("1000.00"), D("200000.00"))
FEVEREIRO = PeriodoRendimento(date(2025, 2, 1), date(2025, 2, 28), D("1234.56"), D("300000.00"))
# R$ 2 000 paid before January, R$ 2 000 more on 10 January (mid-period: counts from February).
PAGOU = [Contribuicao(date(2024, 12, 10), D("2000.00")), Contribuicao(date(2025, 1, 10), D("2000.00"))]


def test_money_present_the_whole_period_earns_its_share() -> None:
    # January: 2 000 of the 200 000 invested -> 1 000.00 x 2 000 / 200 000 = 10.00.
    assert parte_do_periodo(JANEIRO, D("2000.00")) == D("10.00")
    # February: 4 000 of 300 000 -> 123 456 centavos x 4 000 / 300 000 = 1 646.08 centavos; the group's
    # part is 121 809.92; floors 1 646 + 121 809 = 123 455, the missing centavo goes to the larger
    # fraction (.92, the group's): the cota gets 16.46, the group 1 218.10, together 1 234.56.
    assert parte_do_periodo(FEVEREIRO, D("4000.00")) == D("16.46")


def test_the_cota_yield_adds_the_periods_that_ended() -> None:
    # 10.00 (January, 2 000 counted) + 16.46 (February, 4 000 counted) = 26.46.
    assert rendimento_da_cota([JANEIRO, FEVEREIRO], PAGOU, date(2025, 3, 1)) == D("26.46")
    # On 27 February the February period has not ended: only January's 10.00.
    assert rendimento_da_cota([JANEIRO, FEVEREIRO], PAGOU, date(2025, 2, 27)) == D("10.00")


def test_no_money_no_yield_and_never_more_than_the_yield() -> None:
    assert rendimento_da_cota(
        [JANEIRO], [Contribuicao(date(2025, 1, 1), D("500.00"))], date(2025, 2, 1)
    ) == D("0.00")  # paid on the first day: not before the period began
    # A base smaller than the cota's money (bad statement) caps the share at the whole yield.
    assert parte_do_periodo(JANEIRO, D("900000.00")) == D("1000.00")
