"""When a plan changed with kubectl is billed from (control_plane.tenants.sync.plan_changed_at)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from control_plane.tenants.sync import plan_changed_at

NOW = datetime(2026, 12, 6, 21, 0, tzinfo=UTC)
PLAN_FIELDS: dict[str, dict[str, dict[str, object]]] = {"f:spec": {"f:plan": {}, "f:displayName": {}}}


def entry(manager: str, at: datetime, fields: dict, **extra: object) -> dict:
    return {
        "manager": manager,
        "operation": "Update",
        "apiVersion": "consorcio.io/v1alpha1",
        "time": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "fieldsType": "FieldsV1",
        "fieldsV1": fields,
        **extra,
    }


def test_the_write_that_set_the_plan_counts_not_the_moment_it_was_seen() -> None:
    changed = NOW - timedelta(days=2, hours=3)
    meta = {
        "managedFields": [
            entry("control-plane", NOW - timedelta(days=9), {"f:spec": {"f:cnpj": {}}}),
            entry("kubectl-patch", changed, PLAN_FIELDS),
            # The operator's status writes own no spec field and come later: never the answer.
            entry("tenant-operator", NOW - timedelta(minutes=1), {"f:status": {}}, subresource="status"),
        ]
    }
    assert plan_changed_at(meta, floor=NOW - timedelta(days=5), now=NOW) == changed


def test_a_shared_apply_takes_the_latest_owner() -> None:
    early, late = NOW - timedelta(hours=5), NOW - timedelta(hours=1)
    meta = {"managedFields": [entry("argocd", early, PLAN_FIELDS), entry("kubectl", late, PLAN_FIELDS)]}
    assert plan_changed_at(meta, floor=None, now=NOW) == late


def test_a_stamp_outside_what_is_known_is_not_trusted() -> None:
    floor = NOW - timedelta(days=1)
    backdated = {"managedFields": [entry("kubectl-edit", floor - timedelta(seconds=1), PLAN_FIELDS)]}
    assert plan_changed_at(backdated, floor=floor, now=NOW) == NOW
    future = {"managedFields": [entry("kubectl-edit", NOW + timedelta(minutes=5), PLAN_FIELDS)]}
    assert plan_changed_at(future, floor=floor, now=NOW) == NOW
    at_floor = {"managedFields": [entry("kubectl-edit", floor, PLAN_FIELDS)]}
    assert plan_changed_at(at_floor, floor=floor, now=NOW) == floor


def test_no_usable_stamp_counts_from_when_it_was_seen() -> None:
    assert plan_changed_at({}, floor=None, now=NOW) == NOW
    no_plan_owner = {
        "managedFields": [entry("kubectl", NOW - timedelta(hours=2), {"f:spec": {"f:suspended": {}}})]
    }
    assert plan_changed_at(no_plan_owner, floor=None, now=NOW) == NOW
    garbage = {"managedFields": [{"fieldsV1": PLAN_FIELDS, "time": "yesterday"}, "x", {"time": 3}]}
    assert plan_changed_at(garbage, floor=None, now=NOW) == NOW
