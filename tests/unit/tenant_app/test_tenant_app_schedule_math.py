"""Property tests for the parcel arithmetic: centavos always add up."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_app.pagamentos.allocation import EstadoParcela, allocate, total_devido
from tenant_app.parcelas.business_days import is_business_day, monthly_due_dates
from tenant_app.parcelas.late_charges import encargos_devidos
from tenant_app.parcelas.money import split_evenly
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


@given(total=st.decimals(min_value=Decimal("0"), max_value=Decimal("10000000"), places=2), parts=prazos)
def test_split_evenly(total, parts):
    out = split_evenly(total, parts)
    assert sum(out) == total and max(out) - min(out) <= Decimal("0.01")


def test_split_rejects_bad_input():
    with pytest.raises(ValueError):
        split_evenly(Decimal("1"), 0)
    with pytest.raises(ValueError):
        split_evenly(Decimal("-1"), 3)


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


def test_late_charges():
    enc = encargos_devidos(
        valor_total=Decimal("1000.00"),
        saldo_principal=Decimal("1000.00"),
        vencimento=date(2026, 1, 10),
        data=date(2026, 2, 9),
        multa_pct=Decimal("2"),
        juros_mensal_pct=Decimal("1"),
    )
    assert enc.multa == Decimal("20.00") and enc.juros == Decimal("10.00")
    on_time = encargos_devidos(
        valor_total=Decimal("1000.00"),
        saldo_principal=Decimal("1000.00"),
        vencimento=date(2026, 1, 10),
        data=date(2026, 1, 10),
        multa_pct=Decimal("2"),
        juros_mensal_pct=Decimal("1"),
    )
    assert on_time.total == 0


def _parcelas(n, valor=Decimal("100.00"), start=date(2026, 1, 10)):
    out = []
    for i in range(n):
        out.append(
            EstadoParcela(
                id=uuid.uuid4(),
                numero=i + 1,
                vencimento=date(start.year + (start.month + i - 1) // 12, (start.month + i - 1) % 12 + 1, 10),
                valor_total=valor,
                devido={
                    "fundo_comum": valor - Decimal("12.00"),
                    "fundo_reserva": Decimal("2.00"),
                    "taxa_administracao": Decimal("10.00"),
                    "seguro": Decimal("0.00"),
                },
            )
        )
    return out


@given(
    valor=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("2000.00"), places=2),
    paid_on=st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 6, 1)),
)
@settings(max_examples=200, deadline=None)
def test_allocation_conserves_money_and_goes_oldest_first(valor, paid_on):
    parcelas = _parcelas(12)
    result = allocate(valor, parcelas, paid_on, Decimal("2"), Decimal("1"))
    moved = sum((a.total for a in result.alocacoes), Decimal(0))
    assert moved + result.sobra == valor
    assert result.sobra >= 0
    by_id = {p.id: p for p in parcelas}
    for a in result.alocacoes:
        p = by_id[a.parcela_id]
        for name, v in a.componentes.items():
            assert 0 <= v <= p.devido[name]
        assert a.multa >= 0 and a.juros >= 0 and a.juros_pendentes_apos >= 0
    # Oldest first: only the last touched parcela may be left partially paid.
    assert all(a.quitada for a in result.alocacoes[:-1])
    if result.sobra > 0:
        assert valor > total_devido(parcelas, paid_on, Decimal("2"), Decimal("1")) - Decimal("0.00")


def test_allocation_rejects_non_positive():
    with pytest.raises(ValueError):
        allocate(Decimal("0"), _parcelas(1), date(2026, 1, 1), Decimal("2"), Decimal("1"))
