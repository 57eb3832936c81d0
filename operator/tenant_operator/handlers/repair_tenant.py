"""The repair pass a drift watch asks for (drift/repair_queue.py runs it).

The same pass as every other trigger, run like a change handler: the
tenant lock first (one pass per tenant), then an active-pass slot at change
priority. The ConsorcioTenant is read after the lock is taken, so the pass
never works from a spec older than the change handler that held the lock.
The status is written with a merge patch of the status subresource (there
is no Kopf patch outside a Kopf handler) and only when a field changed.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from consorcio_contract.crd_identity import API_VERSION, PLURAL
from tenant_operator import conditions as c
from tenant_operator.conditions import Condition
from tenant_operator.drift.expectations import Finding
from tenant_operator.drift.repair_queue import RepairOutcome
from tenant_operator.handlers.instance_filter import is_mine
from tenant_operator.handlers.pass_outcome import INSTANCE
from tenant_operator.handlers.timing import REPAIR_WAIT_SECONDS, backoff
from tenant_operator.kube.client import KubeApiError
from tenant_operator.kube.events import post_event
from tenant_operator.reconciler import run_pass
from tenant_operator.runtime import Runtime

_log = logging.getLogger("tenant_operator.repair")


def tenant_path(name: str) -> str:
    return f"/apis/{API_VERSION}/{PLURAL}/{name}"


def _handled_here(body: dict[str, Any] | None) -> bool:
    if body is None:
        return False
    meta = body.get("metadata") or {}
    return not meta.get("deletionTimestamp") and is_mine(meta.get("labels") or {})


async def repair_tenant(runtime: Runtime, name: str, findings: tuple[Finding, ...]) -> RepairOutcome:
    """One pass over tenant ``name``; a retry delay when it has to wait (rollout, outage)."""
    async with runtime.lock(name):
        body = await runtime.kube.get(tenant_path(name))
        if not _handled_here(body):
            return RepairOutcome()
        assert body is not None
        _log.info("repairing tenant %s: %s", name, "; ".join(dict.fromkeys(f.message for f in findings)))
        result = await run_pass(
            runtime,
            name=name,
            spec=body.get("spec") or {},
            status_now=body.get("status") or {},
            meta=body["metadata"],
            trigger="repair",
            wait_budget=REPAIR_WAIT_SECONDS,
            logger=_log,
        )
        if result.status_patch:
            await runtime.kube.merge_patch(f"{tenant_path(name)}/status", {"status": result.status_patch})
    for type_, reason, message in result.events:
        await post_event(runtime.kube, body, type_=type_, reason=reason, message=message, instance=INSTANCE)
    failure = result.failure
    if failure is None or failure.permanent:
        return RepairOutcome()
    return RepairOutcome(retry_after=failure.delay if failure.delay is not None else backoff(1))


async def mark_drift(runtime: Runtime, name: str, finding: Finding) -> None:
    """DriftDetected=True on the tenant, at once, before the repair pass is even queued.

    Conditional on the resourceVersion of the body the fleet view holds: if
    a pass wrote the status meanwhile, the fresh body is read once and the
    mark is retried, so no other condition is ever overwritten.
    """
    body: dict[str, Any] | None = dict(runtime.fleet.get(name) or {}) or None
    for _attempt in range(2):
        if not _handled_here(body):
            return
        assert body is not None
        status = body.get("status") or {}
        current = c.find(status.get("conditions") or [], c.DRIFT_DETECTED)
        if current is not None and current.get("status") == c.TRUE:
            return  # already marked; the pending repair clears it
        reason = c.REASON_OBJECT_DELETED if finding.change == "deleted" else c.REASON_OBJECT_CHANGED
        conditions = c.merge(
            status.get("conditions") or [],
            [Condition(c.DRIFT_DETECTED, c.TRUE, reason, f"{finding.message}; repair pending")],
            generation=int(status.get("observedGeneration") or body["metadata"].get("generation") or 0),
            now=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        patch = {
            "metadata": {"resourceVersion": body["metadata"]["resourceVersion"]},
            "status": {"conditions": conditions},
        }
        try:
            await runtime.kube.merge_patch(f"{tenant_path(name)}/status", patch)
            return
        except KubeApiError as err:
            if err.status != 409:
                _log.warning("could not mark drift on tenant %s: %s", name, err)
                return
        body = await runtime.kube.get(tenant_path(name))
