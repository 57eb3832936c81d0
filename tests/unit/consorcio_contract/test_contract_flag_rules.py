"""Flag rules: precedence, rollout distribution and stability of buckets."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consorcio_contract.flag_rules import (
    BUCKETS,
    FlagDefinition,
    Reason,
    ResolvedFlag,
    Rollout,
    RolloutUnit,
    ValueType,
    bucket,
    bucketer,
    evaluate,
    percentage_to_basis_points,
    resolve_for_tenant,
    value_matches_type,
)

pytestmark = pytest.mark.unit


def flag(**overrides) -> FlagDefinition:
    fields = {"key": "novo-extrato", "value_type": ValueType.BOOLEAN, "default_value": False}
    fields.update(overrides)
    return FlagDefinition(**fields)


def test_precedence_tenant_then_plan_then_rollout_then_default() -> None:
    everything = flag(
        tenant_values={"acme": False},
        plan_values={"enterprise": True},
        rollout=Rollout(BUCKETS, True),
    )
    assert resolve_for_tenant(everything, "acme", "enterprise").variant == "tenant"
    assert resolve_for_tenant(everything, "acme", "enterprise").value is False
    assert resolve_for_tenant(everything, "beta", "enterprise").variant == "plan:enterprise"
    assert resolve_for_tenant(everything, "beta", "starter").reason is Reason.SPLIT
    assert resolve_for_tenant(everything, "beta", "starter").value is True
    assert resolve_for_tenant(flag(), "beta", "starter").reason is Reason.DEFAULT


def test_disabled_flag_serves_the_default_whatever_the_overrides() -> None:
    off = flag(enabled=False, tenant_values={"acme": True}, rollout=Rollout(BUCKETS, True))
    resolved = resolve_for_tenant(off, "acme", "starter")
    assert (resolved.value, resolved.reason) == (False, Reason.DISABLED)


@pytest.mark.parametrize("percentage", [1, 10, 25, 50, 90])
def test_tenant_rollout_percentage_within_tolerance(percentage: int) -> None:
    rollout = flag(rollout=Rollout(percentage_to_basis_points(percentage), True))
    n = 20_000
    hits = sum(resolve_for_tenant(rollout, f"tenant-{i}", "starter").value for i in range(n))
    p = percentage / 100
    # five standard deviations of a binomial: fails only if hashing is biased
    tolerance = 5 * math.sqrt(n * p * (1 - p))
    assert abs(hits - n * p) <= tolerance


def test_user_rollout_percentage_within_tolerance_and_scoped_to_the_tenant() -> None:
    rollout = flag(rollout=Rollout(percentage_to_basis_points("33.3"), True, RolloutUnit.USER))
    resolved_a = resolve_for_tenant(rollout, "acme", "starter")
    resolved_b = resolve_for_tenant(rollout, "beta", "starter")
    n = 20_000
    hits_a = [evaluate(resolved_a, f"user-{i}").value for i in range(n)]
    hits_b = [evaluate(resolved_b, f"user-{i}").value for i in range(n)]
    tolerance = 5 * math.sqrt(n * 0.333 * 0.667)
    assert abs(sum(hits_a) - n * 0.333) <= tolerance
    # the same user id in another tenant is a different person: buckets differ
    assert hits_a != hits_b
    # no user key: the tenant-level value (default)
    assert evaluate(resolved_a, None).value is False


def test_two_flags_at_ten_percent_do_not_pick_the_same_tenants() -> None:
    a = flag(key="a", rollout=Rollout(1000, True))
    b = flag(key="b", rollout=Rollout(1000, True))
    tenants = [f"t{i}" for i in range(5000)]
    in_a = {t for t in tenants if resolve_for_tenant(a, t, "starter").value}
    in_b = {t for t in tenants if resolve_for_tenant(b, t, "starter").value}
    # independent 10 % samples overlap on about 1 %, not 10 %
    assert len(in_a & in_b) < 0.03 * len(tenants)


@given(st.text(min_size=1, max_size=40), st.text(max_size=40))
def test_bucket_is_stable_and_in_range(key: str, salt: str) -> None:
    first = bucket(salt, key)
    assert 0 <= first < BUCKETS
    assert bucket(salt, key) == first


def test_bucket_is_stable_across_processes() -> None:
    # A fixed expectation: a changed hash would silently reshuffle every rollout.
    assert (
        bucket("novo-extrato", "acme")
        == int.from_bytes(__import__("hashlib").sha256(b"novo-extrato\x00acme").digest()[:8], "big") % BUCKETS
    )


@given(st.text(max_size=40), st.lists(st.text(max_size=40), min_size=1, max_size=5))
def test_the_primed_bucketer_gives_exactly_the_buckets_of_bucket(salt: str, keys: list[str]) -> None:
    # The provider's fast path must never move a user in or out of a rollout.
    bucket_of = bucketer(salt)
    assert [bucket_of(k) for k in keys] == [bucket(salt, k) for k in keys]
    assert [bucket_of(k) for k in keys] == [bucket(salt, k) for k in keys]  # the primed state is reusable


@given(st.text(min_size=1, max_size=20), st.integers(0, BUCKETS), st.integers(0, BUCKETS))
def test_raising_the_percentage_only_adds_keys(key: str, low: int, high: int) -> None:
    low, high = sorted((low, high))
    lower = resolve_for_tenant(flag(rollout=Rollout(low, True)), key, "starter").value
    higher = resolve_for_tenant(flag(rollout=Rollout(high, True)), key, "starter").value
    assert not (lower and not higher)


def test_wire_round_trip() -> None:
    resolved = resolve_for_tenant(flag(rollout=Rollout(5000, True, RolloutUnit.USER)), "acme", "starter")
    assert ResolvedFlag.from_wire(resolved.to_wire()) == resolved


@pytest.mark.parametrize(
    ("value_type", "good", "bad"),
    [
        (ValueType.BOOLEAN, True, 1),
        (ValueType.STRING, "x", 1),
        (ValueType.INTEGER, 3, True),
        (ValueType.FLOAT, 1.5, "1.5"),
        (ValueType.OBJECT, {"a": 1}, "a"),
    ],
)
def test_value_types(value_type: ValueType, good: object, bad: object) -> None:
    assert value_matches_type(value_type, good)
    assert not value_matches_type(value_type, bad)


@pytest.mark.parametrize("bad", ["-1", "100.01", "abc", "nan", "inf", "12.345", "0.001", "33.3333"])
def test_bad_percentages(bad: str) -> None:
    with pytest.raises(ValueError):
        percentage_to_basis_points(bad)
    assert percentage_to_basis_points("12.5") == 1250
