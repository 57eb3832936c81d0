"""The drift watch handler and the DriftDetected mark, against hand-written fakes.

The real watches, queue and API server are exercised in
tests/e2e/test_operator_repair_e2e.py; here the decisions are checked fast.
"""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

import pytest
from tenant_operator import names
from tenant_operator.drift.expectations import Expectations, Finding
from tenant_operator.drift.fleet import Fleet
from tenant_operator.handlers.repair_tenant import mark_drift, tenant_path
from tenant_operator.handlers.watch_owned_objects import handle_owned_object_event
from tenant_operator.kube.client import KubeApiError

pytestmark = pytest.mark.unit

POLICY: dict[str, Any] = {
    "apiVersion": "networking.k8s.io/v1",
    "kind": "NetworkPolicy",
    "metadata": {
        "name": "default-deny",
        "namespace": "tenant-a",
        "labels": {names.TENANT_LABEL: "a", "app.kubernetes.io/managed-by": names.MANAGED_BY},
    },
    "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
}


def tenant(name: str = "a", **meta: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "resourceVersion": "5", "generation": 1, "labels": {}, **meta},
        "spec": {},
        "status": {
            "observedGeneration": 1,
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True",
                    "reason": "Ready",
                    "message": "",
                    "lastTransitionTime": "t",
                },
                {
                    "type": "DriftDetected",
                    "status": "False",
                    "reason": "InSync",
                    "message": "",
                    "lastTransitionTime": "t",
                },
            ],
        },
    }


class Requests:
    def __init__(self) -> None:
        self.seen: list[tuple[str, Finding]] = []

    def request(self, name: str, finding: Finding) -> None:
        self.seen.append((name, finding))


def memo(*tenants: dict[str, Any]) -> SimpleNamespace:
    fleet = Fleet()
    for body in tenants:
        fleet.update(body)
    expectations = Expectations()
    expectations.record(POLICY)
    runtime = SimpleNamespace(fleet=fleet, expectations=expectations, repairs=Requests())
    return SimpleNamespace(runtime=runtime)


async def test_a_loosened_policy_of_one_of_our_tenants_queues_a_repair():
    m = memo(tenant())
    loosened = copy.deepcopy(POLICY)
    loosened["spec"]["ingress"] = [{}]
    await handle_owned_object_event(type="MODIFIED", body=loosened, memo=m)
    await handle_owned_object_event(type="DELETED", body=POLICY, memo=m)
    (first, paths), (second, deleted) = [(t, f) for t, f in m.runtime.repairs.seen]
    assert first == second == "a"
    assert paths.change == "changed" and paths.paths == ("spec.ingress",)
    assert deleted.change == "deleted"


async def test_own_writes_initial_listings_and_other_operators_tenants_are_ignored():
    m = memo(tenant())
    await handle_owned_object_event(type="MODIFIED", body=copy.deepcopy(POLICY), memo=m)  # our own write
    loosened = copy.deepcopy(POLICY)
    loosened["spec"]["ingress"] = [{}]
    await handle_owned_object_event(type=None, body=loosened, memo=m)  # listing at start: resume covers it
    other = copy.deepcopy(loosened)
    other["metadata"]["labels"][names.TENANT_LABEL] = "someone-else"
    await handle_owned_object_event(type="MODIFIED", body=other, memo=m)
    assert m.runtime.repairs.seen == []


async def test_a_tenant_being_deleted_is_left_alone():
    m = memo(tenant(deletionTimestamp="2026-12-06T10:00:00Z"))
    await handle_owned_object_event(type="DELETED", body=POLICY, memo=m)
    assert m.runtime.repairs.seen == []


async def test_orphaned_namespaces_are_counted_from_the_namespace_watch():
    m = memo()
    ns = {"kind": "Namespace", "metadata": {"name": "tenant-gone", "labels": {names.ORPHANED_LABEL: "true"}}}
    await handle_owned_object_event(type="ADDED", body=ns, memo=m)
    assert m.runtime.fleet.counts()["orphaned"] == 1
    await handle_owned_object_event(type="DELETED", body=ns, memo=m)
    assert m.runtime.fleet.counts()["orphaned"] == 0


class FakeKube:
    def __init__(self, fresh: dict[str, Any], conflicts: int = 0) -> None:
        self.fresh = fresh
        self.conflicts = conflicts
        self.patches: list[tuple[str, dict[str, Any]]] = []

    async def merge_patch(self, path: str, patch: dict[str, Any]) -> dict[str, Any]:
        if self.conflicts:
            self.conflicts -= 1
            raise KubeApiError(409, "Conflict", "the object has been modified")
        self.patches.append((path, patch))
        return {}

    async def get(self, path: str) -> dict[str, Any]:
        return copy.deepcopy(self.fresh)


FINDING = Finding("NetworkPolicy", "tenant-a", "default-deny", "changed", ("spec.ingress",))


async def test_mark_sets_drift_detected_conditionally_and_keeps_the_other_conditions():
    body = tenant()
    kube = FakeKube(body)
    runtime = SimpleNamespace(fleet=Fleet(), kube=kube)
    runtime.fleet.update(body)
    await mark_drift(runtime, "a", FINDING)  # type: ignore[arg-type]
    ((path, patch),) = kube.patches
    assert path == tenant_path("a") + "/status"
    assert patch["metadata"] == {"resourceVersion": "5"}
    by_type = {c["type"]: c for c in patch["status"]["conditions"]}
    assert by_type["Ready"]["status"] == "True"
    drift = by_type["DriftDetected"]
    assert (drift["status"], drift["reason"]) == ("True", "ObjectChanged")
    assert (
        drift["message"] == "NetworkPolicy tenant-a/default-deny was changed (spec.ingress); repair pending"
    )


async def test_mark_rereads_once_on_a_conflict_and_skips_an_already_marked_tenant():
    stale, fresh = tenant(), tenant()
    fresh["metadata"]["resourceVersion"] = "6"
    kube = FakeKube(fresh, conflicts=1)
    runtime = SimpleNamespace(fleet=Fleet(), kube=kube)
    runtime.fleet.update(stale)
    await mark_drift(runtime, "a", FINDING)  # type: ignore[arg-type]
    assert [p["metadata"]["resourceVersion"] for _, p in kube.patches] == ["6"]
    marked = tenant()
    marked["status"]["conditions"][1].update(status="True", reason="ObjectDeleted")
    runtime.fleet.update(marked)
    await mark_drift(runtime, "a", FINDING)  # type: ignore[arg-type]
    assert len(kube.patches) == 1
