"""Conditions keep their transition time, the summary explains, the status is written only on change."""

from __future__ import annotations

import pytest
from tenant_operator import conditions as c
from tenant_operator import status
from tenant_operator.conditions import Condition

pytestmark = pytest.mark.unit

T0, T1 = "2026-11-23T10:00:00Z", "2026-11-23T10:05:00Z"


def all_true():
    return {t: Condition(t, c.TRUE, t, "ok") for t in c.STEP_CONDITION_TYPES}


def test_summary_is_true_only_when_every_step_is():
    assert c.summarize(all_true()).is_true
    steps = all_true()
    steps[c.DATABASE_READY] = Condition(c.DATABASE_READY, c.FALSE, "DatabaseUnavailable", "refused")
    steps[c.APP_AVAILABLE] = Condition(c.APP_AVAILABLE, c.FALSE, "RollingOut", "1/2")
    summary = c.summarize(steps)
    assert (summary.status, summary.reason) == (c.FALSE, "DatabaseUnavailable")
    assert summary.message == "DatabaseReady: refused"


def test_a_suspended_tenant_is_ready_with_reason_suspended():
    # Stopped on purpose meets the spec: an alert on Ready=False must not page for dunning.
    steps = all_true()
    steps[c.APP_AVAILABLE] = Condition(c.APP_AVAILABLE, c.FALSE, c.REASON_SUSPENDED, "scaled to zero")
    summary = c.summarize(steps)
    assert (summary.status, summary.reason) == (c.TRUE, "Suspended")
    assert "suspended on purpose" in summary.message


def test_a_suspended_tenant_with_a_failing_step_is_not_ready():
    steps = all_true()
    steps[c.APP_AVAILABLE] = Condition(c.APP_AVAILABLE, c.FALSE, c.REASON_SUSPENDED, "scaled to zero")
    steps[c.REDIS_READY] = Condition(c.REDIS_READY, c.FALSE, "RedisUnavailable", "refused")
    assert (c.summarize(steps).status, c.summarize(steps).reason) == (c.FALSE, "RedisUnavailable")


def test_suspended_condition_follows_the_spec_and_says_when_the_workloads_are_down():
    steps = all_true()
    active = c.suspension(False, steps)
    assert (active.type, active.status, active.reason) == ("Suspended", c.FALSE, "Active")
    assert (c.suspension(True, {}).status, c.suspension(True, {}).reason) == (c.TRUE, "Suspending")
    steps[c.APP_AVAILABLE] = Condition(c.APP_AVAILABLE, c.FALSE, c.REASON_SUSPENDED, "scaled to zero")
    done = c.suspension(True, steps)
    assert (done.status, done.reason) == (c.TRUE, "Suspended")


def test_resuming_is_not_a_warning():
    prev = c.merge([], [c.suspension(True, {})], generation=1, now=T0)
    resumed = c.merge(prev, [c.suspension(False, {})], generation=2, now=T1)
    (tr,) = c.transitions(prev, resumed)
    assert (tr.new_status, tr.is_warning) == (c.FALSE, False)


def test_summary_of_an_unfinished_pass_is_pending_and_invalid_spec_wins():
    assert c.summarize({}).reason == c.REASON_PENDING
    invalid = Condition(c.READY, c.FALSE, c.REASON_INVALID_SPEC, "spec.cnpj: bad")
    assert c.summarize(all_true(), invalid=invalid).reason == "InvalidSpec"


def test_merge_keeps_transition_time_while_status_is_unchanged():
    first = c.merge([], [Condition(c.READY, c.FALSE, "Pending", "x")], generation=1, now=T0)
    same = c.merge(first, [Condition(c.READY, c.FALSE, "RollingOut", "y")], generation=2, now=T1)
    assert same[0]["lastTransitionTime"] == T0 and same[0]["reason"] == "RollingOut"
    assert same[0]["observedGeneration"] == 2
    flipped = c.merge(same, [Condition(c.READY, c.TRUE, "Ready", "z")], generation=2, now=T1)
    assert flipped[0]["lastTransitionTime"] == T1


def test_merge_orders_by_type_and_keeps_conditions_not_observed():
    prev = c.merge([], [Condition(c.APP_AVAILABLE, c.TRUE, "AppAvailable", "")], generation=1, now=T0)
    merged = c.merge(prev, [Condition(c.NAMESPACE_READY, c.TRUE, "NamespaceReady", "")], generation=1, now=T1)
    assert [x["type"] for x in merged] == [c.NAMESPACE_READY, c.APP_AVAILABLE]


def test_transitions_report_status_or_reason_changes_only():
    prev = c.merge([], [Condition(c.READY, c.FALSE, "RollingOut", "1/2")], generation=1, now=T0)
    same_reason = c.merge(prev, [Condition(c.READY, c.FALSE, "RollingOut", "2/2")], generation=1, now=T1)
    assert c.transitions(prev, same_reason) == []
    ready = c.merge(prev, [Condition(c.READY, c.TRUE, "Ready", "ok")], generation=1, now=T1)
    (tr,) = c.transitions(prev, ready)
    assert (tr.old_status, tr.new_status, tr.is_warning) == (c.FALSE, c.TRUE, False)
    failing = c.merge(prev, [Condition(c.READY, c.FALSE, "VaultSealed", "sealed")], generation=1, now=T1)
    assert c.transitions(prev, failing)[0].is_warning


def test_an_identical_pass_changes_nothing_in_the_status():
    steps = list(all_true().values())
    fields = {"namespace": "tenant-acme", "url": "https://acme.x", "appVersion": "1.0.0"}
    first = status.compose({}, steps, summary=c.summarize(all_true()), generation=4, now=T0, fields=fields)
    again = status.compose(first, steps, summary=c.summarize(all_true()), generation=4, now=T1, fields={})
    assert status.changed_fields(first, again) == {}
    bumped = status.compose(first, steps, summary=c.summarize(all_true()), generation=5, now=T1, fields={})
    assert set(status.changed_fields(first, bumped)) == {"observedGeneration", "conditions"}


def test_compose_keeps_only_declared_status_fields():
    new = status.compose(
        {"kopf": {"x": 1}, "url": "u"}, [], summary=c.summarize({}), generation=1, now=T0, fields={}
    )
    assert "kopf" not in new and new["url"] == "u"
