"""The tenants this operator handles, by state, for the ``consorcio_operator_tenants`` gauge.

Kept up to date from the ConsorcioTenant watch (handlers/watch_tenants.py)
and the tenant-namespace watch (orphaned namespaces have no ConsorcioTenant
any more). The repair queue also uses it to know whether a namespace's
tenant is one of this operator's (``OPERATOR_INSTANCE``) and not being deleted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from tenant_operator import conditions as c
from tenant_operator import metrics

READY = "ready"
NOT_READY = "not_ready"  # provisioning, rolling out, or failing: see the Ready reason
SUSPENDED = "suspended"
INVALID = "invalid"
CONFLICT = "conflict"
DELETING = "deleting"
# Deleted under Snapshot/Delete, stopped, waiting out deletionGracePeriodDays
# (status.deletion.phase PendingDeletion): days long on purpose, not stuck.
PENDING_DELETION = "pending_deletion"
ORPHANED = "orphaned"
STATES = (READY, NOT_READY, SUSPENDED, INVALID, CONFLICT, DELETING, PENDING_DELETION, ORPHANED)

#: Ready reasons that mean "another tenant holds something this one needs".
CONFLICT_REASONS = frozenset({"HostConflict", "CnpjConflict"})


def tenant_state(body: Mapping[str, Any]) -> str:
    """One state per ConsorcioTenant, most urgent first (pure).

    A suspended tenant counts as suspended (not as not-ready), so an alert
    on ``not_ready`` never fires for dunning.
    """
    meta = body.get("metadata") or {}
    if meta.get("deletionTimestamp"):
        phase = ((body.get("status") or {}).get("deletion") or {}).get("phase")
        return PENDING_DELETION if phase == "PendingDeletion" else DELETING
    ready = c.find((body.get("status") or {}).get("conditions") or [], c.READY)
    reason = (ready or {}).get("reason")
    if reason == c.REASON_INVALID_SPEC:
        return INVALID
    if reason in CONFLICT_REASONS:
        return CONFLICT
    if (body.get("spec") or {}).get("suspended"):
        return SUSPENDED
    if ready is not None and ready.get("status") == c.TRUE:
        return READY
    return NOT_READY


class Fleet:
    """Latest body and state of each tenant; orphaned tenant namespaces."""

    def __init__(self) -> None:
        self._bodies: dict[str, Mapping[str, Any]] = {}
        self._states: dict[str, str] = {}
        self._orphaned: set[str] = set()
        self._publish()

    def get(self, name: str) -> Mapping[str, Any] | None:
        """The latest body seen of tenant ``name`` (None: not this operator's, or gone)."""
        return self._bodies.get(name)

    def names(self) -> list[str]:
        """The tenants this operator handles now."""
        return list(self._bodies)

    def update(self, body: Mapping[str, Any]) -> None:
        name = body["metadata"]["name"]
        self._bodies[name] = body
        self._states[name] = tenant_state(body)
        self._publish()

    def remove(self, name: str) -> None:
        self._bodies.pop(name, None)
        self._states.pop(name, None)
        self._publish()

    def namespace_seen(self, namespace: str, *, orphaned: bool) -> None:
        if orphaned:
            self._orphaned.add(namespace)
        else:
            self._orphaned.discard(namespace)
        self._publish()

    def counts(self) -> dict[str, int]:
        counts = Counter(self._states.values())
        counts[ORPHANED] = len(self._orphaned)
        return {state: counts.get(state, 0) for state in STATES}

    def _publish(self) -> None:
        for state, count in self.counts().items():
            metrics.TENANTS.labels(state).set(count)
