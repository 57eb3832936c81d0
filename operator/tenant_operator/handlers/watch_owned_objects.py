"""Drift in seconds: every event of an object the operator owns is compared with its expectation.

The drift timer only looks once a minute; this watch hears of a deleted
Deployment or a loosened NetworkPolicy as it happens. The comparison uses
what the last pass recorded (drift/expectations.py), so the operator's own
writes, status updates and other controllers' fields cost nothing, and
only a deletion or a change of an owned field queues a repair of the
owning tenant (drift/repair_queue.py: debounced, one pass at a time).
"""

from __future__ import annotations

from typing import Any

import kopf

from tenant_operator import names
from tenant_operator.drift import expectations
from tenant_operator.drift.watched_kinds import WATCHED_KINDS, group_version

MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"


async def handle_owned_object_event(type: str | None, body: Any, memo: Any, **_: Any) -> None:
    """Queue a repair of the owning tenant when ``body`` drifted from what its last pass set."""
    if type is None:
        return  # the initial listing: the resume handler checks every tenant at start
    runtime = memo.runtime
    meta = body.get("metadata") or {}
    labels = meta.get("labels") or {}
    kind = body.get("kind") or ""
    if kind == "Namespace":
        runtime.fleet.namespace_seen(
            meta["name"], orphaned=type != "DELETED" and names.ORPHANED_LABEL in labels
        )
    tenant = labels.get(names.TENANT_LABEL)
    owner = runtime.fleet.get(tenant) if tenant else None
    if owner is None or (owner.get("metadata") or {}).get("deletionTimestamp"):
        return  # another operator instance's tenant, or one being deleted on purpose
    expected = runtime.expectations.get((kind, meta.get("namespace") or "", meta.get("name") or ""))
    if expected is None or runtime.repairs is None:
        return  # not reconciled by this process yet: the resume handler and the timer cover it
    finding = expectations.check(expected, None if type == "DELETED" else dict(body))
    if finding is not None:
        runtime.repairs.request(tenant, finding)


for _kind in WATCHED_KINDS:
    _group, _version = group_version(_kind)
    kopf.on.event(
        _group,
        _version,
        _kind.plural,
        id="drift",
        labels={MANAGED_BY_LABEL: names.MANAGED_BY},
    )(handle_owned_object_event)
