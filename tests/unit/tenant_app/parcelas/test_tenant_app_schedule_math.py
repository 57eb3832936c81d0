"""Property tests for the parcel arithmetic: centavos always add up."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_app.parcelas.business_days import is_business_day, monthly_due_dates
from tenant_app.parcelas.schedule import (
    PlanoCredito,
    apply_index,
    component_totals,
    corrected_amounts,
    schedule_amounts,
)

pytestmark = pytest.mark.unit

money = st.decimals(min_value=Decimal("1000.00"), max_value=Decimal("5000000.00"), places=2)
pct = st.decimals(min_value=Decimal("0"), max_value=Decimal("40"), places=4)
prazos = st.integers(min_value=1, max_value=240)


@given(credito=money, ta=pct, fr=pct, sg=pct, prazo=prazos)
@settings(max_examples=300, deadline=None)
def test_components_sum_exactly_and_residue_under_a_centavo(credito, ta, fr, sg, prazo):
    plano = PlanoCredito(credito, ta, fr, sg)
    rows = schedule_amounts(plano, prazo)
    totals = component_totals(plano)
    assert len(rows) == prazo
    assert sum(r.fundo_comum for r in rows) == credito  # fundo comum = 100 % of the credit
    for name in ("fundo_comum", "taxa_administracao", "fundo_reserva", "seguro"):
        column = [getattr(r, name) for r in rows]
        total = getattr(totals, name)
        assert sum(column) == total
        exact = total / prazo
        assert all(abs(v - exact) < Decimal("0.01") for v in column)
        assert all(v >= 0 for v in column)
        # Deterministic absorption: the extra centavos sit on the first parcelas.
        assert column == sorted(column, reverse=True)
    assert all(r.total == r.fundo_comum + r.taxa_administracao + r.fundo_reserva + r.seguro for r in rows)
    assert schedule_amounts(plano, prazo) == rows


@given(
    credito=money,
    indice=st.decimals(min_value=Decimal("-5"), max_value=Decimal("30"), places=2),
    prazo=prazos,
)
@settings(deadline=None)
def test_correction_keeps_share_of_new_credit(credito, indice, prazo):
    plano = PlanoCredito(credito, Decimal("15"), Decimal("2"))
    novo = apply_index(credito, indice)
    restantes = list(range(prazo // 2 + 1, prazo + 1))
    new = corrected_amounts(plano, prazo, restantes, novo)
    assert set(new) == set(restantes)
    share = novo / prazo
    assert all(abs(c.fundo_comum - share) < Decimal("0.01") for c in new.values())


def test_due_dates_are_business_days():
    dates = monthly_due_dates(2026, 1, 31, 24)
    assert all(is_business_day(d) for d in dates)
    # 2026-04-21 is Tiradentes (Tuesday): a due day 21 moves to the 22nd.
    assert monthly_due_dates(2026, 4, 21, 1) == [date(2026, 4, 22)]
    # 2026-02-28 is a Saturday: moves to Monday 2 March.
    assert monthly_due_dates(2026, 2, 30, 1) == [date(2026, 3, 2)]
