"""Instant repair, the pure and in-process parts: expectations, the repair queue, fleet states,
change classification and Event summaries. The real watches are exercised in
tests/k8s/tenant_operator/test_operator_repair_k8s.py."""

from __future__ import annotations

import asyncio

import pytest
from tenant_operator import change_report as report
from tenant_operator.drift import fleet
from tenant_operator.drift.expectations import Expectations, Finding, check, key_of
from tenant_operator.drift.repair_queue import RepairOutcome, RepairQueue

pytestmark = pytest.mark.unit

APP = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "tenant-app", "namespace": "tenant-a", "labels": {"x": "y"}},
    "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "app", "image": "i:1"}]}}},
}


def live(obj, **spec):
    body = {**obj, "metadata": {**obj["metadata"], "resourceVersion": "9"}, "spec": {**obj["spec"], **spec}}
    body["status"] = {"replicas": 2, "availableReplicas": 1}
    return body


# --- expectations ------------------------------------------------------------------------------


def test_own_writes_status_and_hpa_scaling_within_bounds_are_not_drift():
    expected = Expectations()
    expected.record(APP, replica_bounds=(2, 6))
    exp = expected.get(("Deployment", "tenant-a", "tenant-app"))
    assert exp is not None
    assert check(exp, live(APP)) is None
    assert check(exp, live(APP, replicas=5)) is None  # the HPA's choice
    assert check(exp, live(APP, replicas=9)) == Finding(
        "Deployment", "tenant-a", "tenant-app", "changed", ("spec.replicas",)
    )


def test_deletions_terminations_and_owned_field_changes_are_drift():
    expected = Expectations()
    expected.record(APP)
    exp = expected.get(key_of(APP))
    assert exp is not None
    assert check(exp, None) == Finding("Deployment", "tenant-a", "tenant-app", "deleted")
    terminating = live(APP)
    terminating["metadata"]["deletionTimestamp"] = "2026-12-06T10:00:00Z"
    assert check(exp, terminating).change == "deleted"  # type: ignore[union-attr]
    changed = live(APP, template={"spec": {"containers": [{"name": "app", "image": "evil:1"}]}})
    finding = check(exp, changed)
    assert finding is not None and finding.paths == ("spec.template.spec.containers[0].image",)
    assert (
        finding.message
        == "Deployment tenant-a/tenant-app was changed (spec.template.spec.containers[0].image)"
    )
    assert check(exp, live(APP, replicas=3)).paths == ("spec.replicas",)  # type: ignore[union-attr]


def test_forgetting_a_namespace_drops_its_objects_and_the_namespace_itself():
    expected = Expectations()
    expected.record(APP)
    expected.record({"kind": "Namespace", "metadata": {"name": "tenant-a"}})
    expected.record({**APP, "metadata": {"name": "tenant-app", "namespace": "tenant-b"}})
    expected.forget_namespace("tenant-a")
    assert len(expected) == 1 and expected.get(("Deployment", "tenant-b", "tenant-app"))


# --- the repair queue --------------------------------------------------------------------------


def finding(name: str = "default-deny") -> Finding:
    return Finding("NetworkPolicy", "tenant-a", name, "changed", ("spec.ingress",))


class Recorder:
    def __init__(self, outcomes: list[RepairOutcome] | None = None, hold: float = 0.0) -> None:
        self.runs: list[tuple[str, tuple[Finding, ...]]] = []
        self.marks: list[tuple[str, Finding]] = []
        self.outcomes = outcomes or []
        self.hold = hold

    async def repair(self, tenant: str, findings: tuple[Finding, ...]) -> RepairOutcome:
        self.runs.append((tenant, findings))
        await asyncio.sleep(self.hold)
        return self.outcomes.pop(0) if self.outcomes else RepairOutcome()

    async def mark(self, tenant: str, first: Finding) -> None:
        self.marks.append((tenant, first))


async def settle(queue: RepairQueue) -> None:
    for _ in range(500):
        if not queue.pending:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the repair queue did not settle")


async def test_a_burst_of_events_is_one_marked_repair_per_tenant():
    rec = Recorder()
    queue = RepairQueue(repair=rec.repair, mark=rec.mark, debounce=0.05)
    for i in range(20):
        queue.request("a", finding(f"p{i}"))
    queue.request("b", finding())
    assert queue.is_pending("a") and queue.pending == 2
    await settle(queue)
    assert sorted(t for t, _ in rec.runs) == ["a", "b"]
    assert len(dict(rec.runs)["a"]) == 20  # every finding reaches the one pass
    assert [t for t, _ in rec.marks] == ["a", "b"]  # DriftDetected set once per tenant


async def test_an_event_during_the_pass_queues_exactly_one_more():
    rec = Recorder(hold=0.1)
    queue = RepairQueue(repair=rec.repair, mark=rec.mark, debounce=0.0)
    queue.request("a", finding())
    await asyncio.sleep(0.05)  # the first pass is running
    queue.request("a", finding("x"))
    queue.request("a", finding("y"))
    await settle(queue)
    assert len(rec.runs) == 2


async def test_a_pass_that_must_wait_is_retried_after_its_delay():
    rec = Recorder(outcomes=[RepairOutcome(retry_after=0.01), RepairOutcome(retry_after=0.01)])
    queue = RepairQueue(repair=rec.repair, debounce=0.0)
    queue.request("a", finding())
    await settle(queue)
    assert len(rec.runs) == 3


def test_a_tenant_that_keeps_drifting_slows_down_to_the_backoff_cap():
    queue = RepairQueue(repair=Recorder().repair, burst=3, window=60, max_backoff=30)
    now = 1000.0
    delays = []
    for i in range(9):
        delay = queue.delay_before_next("a", now + i)
        delays.append(delay)
        queue._history["a"].append(now + i)
    assert delays == [0, 0, 0, 1, 2, 4, 8, 16, 30]
    assert queue.delay_before_next("a", now + 200) == 0  # quiet for a window: full speed again


async def test_forget_cancels_a_pending_repair():
    rec = Recorder()
    queue = RepairQueue(repair=rec.repair, debounce=0.2)
    queue.request("a", finding())
    queue.forget("a")
    await asyncio.sleep(0.3)
    assert rec.runs == [] and queue.pending == 0


# --- fleet states ------------------------------------------------------------------------------


def tenant(name: str, *, ready=None, reason="Ready", suspended=False, deleting=False) -> dict:
    body: dict = {"metadata": {"name": name}, "spec": {"suspended": suspended}, "status": {}}
    if ready is not None:
        body["status"]["conditions"] = [{"type": "Ready", "status": ready, "reason": reason}]
    if deleting:
        body["metadata"]["deletionTimestamp"] = "2026-12-06T10:00:00Z"
    return body


def test_every_tenant_has_one_state_for_the_gauge():
    view = fleet.Fleet()
    for body in (
        tenant("r", ready="True"),
        tenant("p"),
        tenant("f", ready="False", reason="DatabaseUnavailable"),
        tenant("s", ready="True", reason="Suspended", suspended=True),  # stopped on purpose: not "ready"
        tenant("z", ready="False", reason="RedisUnavailable", suspended=True),  # still counted suspended
        tenant("i", ready="False", reason="InvalidSpec"),
        tenant("c", ready="False", reason="HostConflict"),
        tenant("d", ready="True", deleting=True),
        # Waiting out its grace period (stopped on purpose, days long): not "deleting", which alerts.
        tenant("g", ready="True", deleting=True) | {"status": {"deletion": {"phase": "PendingDeletion"}}},
    ):
        view.update(body)
    view.namespace_seen("tenant-old", orphaned=True)
    view.namespace_seen("tenant-r", orphaned=False)
    assert view.counts() == {
        "ready": 1,
        "not_ready": 2,
        "suspended": 2,
        "invalid": 1,
        "conflict": 1,
        "deleting": 1,
        "pending_deletion": 1,
        "orphaned": 1,
    }
    view.remove("d")
    view.namespace_seen("tenant-old", orphaned=False)  # adopted or deleted
    assert view.counts()["deleting"] == 0 and view.counts()["orphaned"] == 0
    assert view.get("r") is not None and view.get("d") is None


# --- classification and Events -----------------------------------------------------------------


def test_pass_intent():
    assert report.pass_intent(trigger="create", generation=1, observed_generation=None, rotation=False) == (
        report.INTENDED
    )
    assert report.pass_intent(trigger="timer", generation=2, observed_generation=1, rotation=False) == (
        report.INTENDED
    )
    assert report.pass_intent(trigger="timer", generation=1, observed_generation=1, rotation=True) == (
        report.INTENDED
    )
    assert report.pass_intent(trigger="resume", generation=1, observed_generation=1, rotation=False) == (
        report.RESTART
    )
    assert report.pass_intent(trigger="repair", generation=1, observed_generation=1, rotation=False) == (
        report.MAINTENANCE
    )


@pytest.mark.parametrize(
    ("created", "intent", "was_ready", "reason"),
    [
        (True, report.INTENDED, False, report.CREATED),  # a new tenant
        (True, report.INTENDED, True, report.CREATED),  # something new the spec asked for
        (True, report.MAINTENANCE, True, report.DRIFT_REPAIRED),  # deleted behind our back
        (True, report.MAINTENANCE, False, report.CREATED),  # still provisioning
        (True, report.RESTART, True, report.DRIFT_REPAIRED),  # deleted while the operator was down
        (False, report.INTENDED, True, report.UPDATED),  # a plan change
        (False, report.RESTART, True, report.UPDATED),  # a new operator release's templates
        (False, report.MAINTENANCE, True, report.DRIFT_REPAIRED),  # changed behind our back
    ],
)
def test_reason_for(created, intent, was_ready, reason):
    assert report.reason_for(created=created, intent=intent, was_ready=was_ready) == reason


def test_summaries_count_per_kind_one_event_per_reason_and_never_exceed_the_limit():
    changes = [
        report.Change(report.DRIFT_REPAIRED, "NetworkPolicy", "tenant-a/default-deny", "spec.ingress"),
        report.Change(report.CREATED, "Deployment", "tenant-a/tenant-app"),
        report.Change(report.DRIFT_REPAIRED, "Secret", "tenant-a/tenant-app-env"),
    ]
    assert report.summaries(changes) == [
        ("Created", "1 change: Deployment 1 (tenant-a/tenant-app)"),
        (
            "DriftRepaired",
            "2 changes: NetworkPolicy 1 (tenant-a/default-deny: spec.ingress); "
            "Secret 1 (tenant-a/tenant-app-env)",
        ),
    ]
    many = [
        report.Change(report.CREATED, f"Kind{k}", f"tenant-{'x' * 40}/object-{i}", "a" * 50)
        for k in range(12)
        for i in range(9)
    ]
    ((reason, message),) = report.summaries(many)
    assert reason == "Created" and len(message) <= report.MESSAGE_LIMIT
    assert message.startswith("108 changes: Kind0 9, Kind1 9, ") and message.endswith("Kind11 9")
