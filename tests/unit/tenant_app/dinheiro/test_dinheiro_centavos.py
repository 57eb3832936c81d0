"""Centavos: one rounding rule, percentages of the credit, exact splits."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenant_app.dinheiro.centavos import (
    casas_decimais,
    centavos,
    em_centavos_exatos,
    percentual_de,
    percentual_por_parcela,
    repartir,
)

pytestmark = pytest.mark.unit

prazos = st.integers(min_value=1, max_value=240)


def test_rounding_is_half_up_at_the_centavo() -> None:
    assert centavos(Decimal("10.005")) == Decimal("10.01")
    assert centavos(Decimal("10.0049")) == Decimal("10.00")
    assert centavos(Decimal("-10.005")) == Decimal("-10.01")  # half away from zero
    # 33.3333 % of 1,000.05 = 333.349999...: rounded once, at the end.
    assert percentual_de(Decimal("1000.05"), Decimal("33.3333")) == Decimal("333.35")
    assert percentual_de(Decimal("0.05"), Decimal("50")) == Decimal("0.03")


def test_percentages_per_parcela_keep_six_places() -> None:
    # 35 % over 18 parcelas = 1.944444...
    assert percentual_por_parcela(Decimal("35"), 18) == Decimal("1.944444")
    assert percentual_por_parcela(Decimal("35"), 0) == Decimal(0)


def test_decimal_places_as_written() -> None:
    assert casas_decimais(Decimal("10.50")) == 1
    assert casas_decimais(Decimal("10")) == 0
    assert casas_decimais(Decimal("1E+2")) == 0
    assert casas_decimais(Decimal("35.1234")) == 4
    assert em_centavos_exatos(Decimal("30500.00"))
    assert not em_centavos_exatos(Decimal("30500.001"))
    assert not em_centavos_exatos(Decimal("NaN")) and not em_centavos_exatos(Decimal("Infinity"))


@given(total=st.decimals(min_value=Decimal("0"), max_value=Decimal("10000000"), places=2), parts=prazos)
def test_repartir_adds_up_and_differs_by_at_most_a_centavo(total, parts):
    out = repartir(total, parts)
    assert sum(out) == total and max(out) - min(out) <= Decimal("0.01")


def test_split_rejects_bad_input():
    with pytest.raises(ValueError):
        repartir(Decimal("1"), 0)
    with pytest.raises(ValueError):
        repartir(Decimal("-1"), 3)
