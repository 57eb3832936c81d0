"""Invoice math: hand-checked examples plus properties over any change dates."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from control_plane.billing.invoice_math import (
    LineKind,
    compose_invoice,
    cumulative_charge,
    invoice_total,
    overage_lines,
    plan_segments,
    preview_plan_change,
    segment_charge,
    subscription_lines,
)
from control_plane.billing.periods import BillingPeriod
from control_plane.usage.metrics import BillableUsage
from hypothesis import given
from hypothesis import strategies as st

from consorcio_contract.plans import CATALOG, PlanName

pytestmark = pytest.mark.unit

STARTER = CATALOG[PlanName.STARTER]
PRO = CATALOG[PlanName.PROFESSIONAL]
ENTERPRISE = CATALOG[PlanName.ENTERPRISE]
LONG_AGO = date(2000, 1, 1)

periods = st.builds(BillingPeriod, st.integers(2001, 2099), st.integers(1, 12))
plans = st.sampled_from(list(CATALOG.values()))


def test_upgrade_on_the_eleventh_of_january_by_hand() -> None:
    period = BillingPeriod(2026, 1)
    segments = plan_segments(period, [(LONG_AGO, PRO), (date(2026, 1, 11), ENTERPRISE)])
    lines = subscription_lines(period, segments)
    assert [(line.kind, line.amount) for line in lines] == [
        (LineKind.BASE, Decimal("4990.00")),
        # 4990 - round(4990 * 10 / 31) = 4990 - 1609.68
        (LineKind.PRORATION_CREDIT, Decimal("-3380.32")),
        # 14900 - round(14900 * 10 / 31) = 14900 - 4806.45
        (LineKind.PRORATION_CHARGE, Decimal("10093.55")),
    ]
    assert invoice_total(lines) == Decimal("11703.23")


def test_contract_starting_mid_month_pays_the_rest_of_the_month() -> None:
    period = BillingPeriod(2026, 2)  # 28 days
    segments = plan_segments(period, [(date(2026, 2, 15), STARTER)])
    lines = subscription_lines(period, segments)
    assert len(lines) == 1
    # 14 of 28 days: exactly half of 1490.00
    assert lines[0].amount == Decimal("745.00")
    assert "proporcional desde 15/02/2026" in lines[0].description


def test_tenant_deleted_mid_month_gets_the_unused_part_back() -> None:
    period = BillingPeriod(2026, 4)  # 30 days
    segments = plan_segments(period, [(LONG_AGO, STARTER)], contract_end=date(2026, 4, 11))
    lines = subscription_lines(period, segments)
    assert invoice_total(lines) == cumulative_charge(STARTER.monthly_price, 10, 30) == Decimal("496.67")


def test_changes_outside_the_period_are_ignored_and_latest_same_day_wins() -> None:
    period = BillingPeriod(2026, 3)
    changes = [
        (date(2025, 12, 1), STARTER),
        (date(2026, 2, 10), PRO),
        (date(2026, 3, 5), STARTER),
        (date(2026, 3, 5), ENTERPRISE),
        (date(2026, 4, 2), STARTER),
    ]
    segments = plan_segments(period, changes)
    assert [(s.plan.name, s.start_day, s.end_day) for s in segments] == [
        (PlanName.PROFESSIONAL, 0, 4),
        (PlanName.ENTERPRISE, 4, 31),
    ]


def test_overage_by_hand() -> None:
    usage = BillableUsage(active_cotas=15_100, users=52, api_requests=5_000_001)
    lines = overage_lines(PRO, usage)
    assert [(line.kind, line.quantity, line.amount) for line in lines] == [
        (LineKind.OVERAGE_ACTIVE_COTAS, Decimal(100), Decimal("35.00")),
        (LineKind.OVERAGE_USERS, Decimal(2), Decimal("78.00")),
        # one request over the quota starts a new thousand
        (LineKind.OVERAGE_API_REQUESTS, Decimal(1), Decimal("0.15")),
    ]
    assert overage_lines(PRO, BillableUsage(15_000, 50, 5_000_000)) == []


def test_overage_uses_the_plan_in_effect_at_the_end_of_the_period() -> None:
    period = BillingPeriod(2026, 1)
    segments = plan_segments(period, [(LONG_AGO, STARTER), (date(2026, 1, 20), PRO)])
    draft = compose_invoice(period, segments, BillableUsage(active_cotas=3_000))
    assert not [line for line in draft.lines if line.kind is LineKind.OVERAGE_ACTIVE_COTAS]


@given(periods, plans, plans, st.integers(0, 31))
def test_single_change_sums_to_the_days_used_on_each_plan(period, old, new, day) -> None:
    day = min(day, period.days)
    change = period.start + timedelta(days=day)
    segments = plan_segments(period, [(LONG_AGO, old), (change, new)])
    total = invoice_total(subscription_lines(period, segments))
    d = period.days
    assert total == cumulative_charge(old.monthly_price, day, d) + segment_charge(
        new.monthly_price, day, d, d
    )
    exact = (old.monthly_price * day + new.monthly_price * (d - day)) / d
    assert abs(total - exact) <= Decimal("0.01")
    if day == 0:
        assert total == new.monthly_price
    if day == d or old == new:
        assert total == old.monthly_price


@given(
    periods,
    st.lists(st.tuples(st.integers(-40, 40), plans), min_size=1, max_size=8),
    st.one_of(st.none(), st.integers(1, 31)),
)
def test_any_history_telescopes_to_the_segments_used(period, raw_changes, end_day) -> None:
    changes = [(period.start + timedelta(days=offset), plan) for offset, plan in raw_changes]
    contract_end = None if end_day is None else period.start + timedelta(days=min(end_day, period.days))
    segments = plan_segments(period, changes, contract_end)
    lines = subscription_lines(period, segments)
    d = period.days
    assert invoice_total(lines) == sum(
        (segment_charge(s.plan.monthly_price, s.start_day, s.end_day, d) for s in segments), Decimal(0)
    )
    # segments are contiguous and never overlap
    for left, right in itertools.pairwise(segments):
        assert left.end_day == right.start_day
        assert left.plan != right.plan
    assert invoice_total(lines) >= 0
    if segments:
        exact = sum((s.plan.monthly_price * s.days / d for s in segments), Decimal(0))
        assert abs(invoice_total(lines) - exact) <= Decimal("0.01") * len(segments)


@given(periods, plans, st.lists(st.integers(0, 30), max_size=6))
def test_same_plan_changes_never_cost_anything(period, plan, days) -> None:
    changes = [(LONG_AGO, plan)] + [
        (period.start + timedelta(days=min(x, period.days - 1)), plan) for x in days
    ]
    assert invoice_total(subscription_lines(period, plan_segments(period, changes))) == plan.monthly_price


@given(
    periods,
    st.lists(st.tuples(st.integers(-40, 40), plans), min_size=1, max_size=5),
    st.builds(
        BillableUsage,
        st.integers(0, 200_000),
        st.integers(0, 400),
        st.integers(0, 80_000_000),
    ),
)
def test_invoice_total_is_the_sum_of_its_lines(period, raw_changes, usage) -> None:
    changes = [(period.start + timedelta(days=offset), plan) for offset, plan in raw_changes]
    draft = compose_invoice(period, plan_segments(period, changes), usage)
    assert draft.total == sum((line.amount for line in draft.lines), Decimal(0))
    for line in draft.lines:
        assert line.amount == line.quantity * line.unit_price
        assert line.amount == line.amount.quantize(Decimal("0.01"))
        if line.kind.value.startswith("overage"):
            assert line.amount > 0


@given(periods, plans, plans, st.integers(0, 30), st.integers(0, 30))
def test_preview_net_is_the_change_in_the_period_subscription(period, old, new, first, second) -> None:
    first, second = sorted((min(first, period.days - 1), min(second, period.days - 1)))
    changes = [(LONG_AGO, STARTER), (period.start + timedelta(days=first), old)]
    change_date = period.start + timedelta(days=second)
    preview = preview_plan_change(period, changes, new, change_date)
    assert preview.subscription_after - preview.subscription_before == preview.net
    assert preview.remaining_days == period.days - second
    if old == new:
        assert preview.lines == ()


def test_preview_rejects_a_change_before_the_last_one() -> None:
    period = BillingPeriod(2026, 1)
    with pytest.raises(ValueError):
        preview_plan_change(period, [(date(2026, 1, 20), PRO)], STARTER, date(2026, 1, 10))


def test_period_parsing_and_navigation() -> None:
    assert BillingPeriod.parse("2024-02").days == 29
    assert BillingPeriod(2026, 1).previous() == BillingPeriod(2025, 12)
    assert BillingPeriod(2025, 12).next() == BillingPeriod(2026, 1)
    for bad in ("2026-13", "2026-1", "26-01", "", "2026-00"):
        with pytest.raises(ValueError):
            BillingPeriod.parse(bad)
