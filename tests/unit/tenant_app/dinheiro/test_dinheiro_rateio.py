"""Pro rata split to the centavo (largest remainder): closing shares and yield (issue 12, items 4-5)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenant_app.dinheiro.rateio import ratear

pytestmark = pytest.mark.unit

D = Decimal


def test_equal_weights_put_the_leftover_centavo_on_the_first() -> None:
    # 100.00 / 3 = 33.3333...: 33.33 each is 99.99; the missing centavo goes to the first (tie).
    assert ratear(D("100.00"), [D(1), D(1), D(1)]) == [D("33.34"), D("33.33"), D("33.33")]


def test_the_largest_dropped_fraction_gets_the_centavo() -> None:
    # 10.00 as 1:2:3 -> 166.67, 333.33, 500 centavos; floors 166 + 333 + 500 = 999;
    # the largest fraction (.67) belongs to the first: 1.67, 3.33, 5.00.
    assert ratear(D("10.00"), [D(1), D(2), D(3)]) == [D("1.67"), D("3.33"), D("5.00")]
    # 10 876.55 as 50 000 : 30 000 (5/8, 3/8): 679 784.375 and 407 870.625 centavos;
    # floors miss one centavo, the .625 fraction wins it: 6 797.84 + 4 078.71 = 10 876.55.
    assert ratear(D("10876.55"), [D("50000.00"), D("30000.00")]) == [D("6797.84"), D("4078.71")]


def test_exact_shares_stay_exact() -> None:
    assert ratear(D("1000.00"), [D(2000), D(3000), D(5000)]) == [D("200.00"), D("300.00"), D("500.00")]


def test_zero_weights_and_bad_input() -> None:
    assert ratear(D("0.00"), [D(0), D(0)]) == [D("0.00"), D("0.00")]
    with pytest.raises(ValueError):
        ratear(D("0.01"), [D(0), D(0)])
    with pytest.raises(ValueError):
        ratear(D("-1.00"), [D(1)])
    with pytest.raises(ValueError):
        ratear(D("1.00"), [D(1), D(-1)])


@given(
    st.integers(min_value=0, max_value=10**11),
    st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30).filter(lambda p: sum(p) > 0),
)
def test_parts_always_add_up_and_stay_within_a_centavo(total_centavos: int, pesos: list[int]) -> None:
    total = D(total_centavos).scaleb(-2)
    partes = ratear(total, [D(p) for p in pesos])
    assert sum(partes, D(0)) == total
    soma = sum(pesos)
    for parte, peso in zip(partes, pesos, strict=True):
        assert abs(parte - total * peso / soma) < D("0.01")
