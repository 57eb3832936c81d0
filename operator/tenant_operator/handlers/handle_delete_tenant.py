"""Deletion behind the finalizer, honouring spec.deletionPolicy and its grace period."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import kopf

from consorcio_contract.crd_identity import API_VERSION, GROUP, PLURAL, VERSION
from tenant_operator import conditions as c
from tenant_operator.deletion import Pending, delete_tenant
from tenant_operator.handlers.instance_filter import is_mine
from tenant_operator.handlers.pass_outcome import INSTANCE
from tenant_operator.handlers.timing import backoff
from tenant_operator.kube.events import post_event
from tenant_operator.reconciler import now_rfc3339

#: While a deletion waits out its grace period, how often the handler looks
#: again: a deletionPolicy patched to Retain (the cancellation) takes effect
#: within this, and a tenant scaled up meanwhile is stopped again.
DELETION_CHECK_SECONDS = float(os.environ.get("OPERATOR_DELETION_CHECK_SECONDS", "60"))

PENDING = "PendingDeletion"
DESTROYING = "Destroying"


@kopf.on.delete(GROUP, VERSION, PLURAL, id="cleanup", when=is_mine)
async def handle_delete_tenant(
    name: str, spec: Any, meta: Any, status: Any, body: Any, retry: int, memo: Any, logger: Any, **_: Any
) -> None:
    """Retain, Snapshot or Delete; the finalizer stays until this succeeds, so nothing is half-dropped.

    Snapshot and Delete first wait spec.deletionGracePeriodDays with the
    tenant stopped: the handler asks Kopf to call it again every
    DELETION_CHECK_SECONDS until the date in status.deletion.scheduledAt.
    """
    runtime = memo.runtime
    shown = dict((status or {}).get("deletion") or {})
    try:
        async with runtime.lock(name):
            outcome = await delete_tenant(runtime, name=name, spec=spec, meta=meta, logger=logger)
            if not isinstance(outcome, Pending) and shown.get("phase") == PENDING:
                # Past the grace period: no longer "pending" (the gauge counts it as deleting).
                await _write_deletion_status(runtime, name, dict(shown, phase=DESTROYING))
    except Exception as err:  # every failure keeps the finalizer and is retried
        message = f"{type(err).__name__}: {err}"
        await post_event(
            runtime.kube, body, type_="Warning", reason="DeletionFailed", message=message, instance=INSTANCE
        )
        raise kopf.TemporaryError(message, delay=backoff(retry)) from err
    if isinstance(outcome, Pending):
        plan = outcome.destruction
        wanted = plan.status(PENDING)
        if shown != wanted:
            await _write_deletion_status(
                runtime, name, wanted, conditions=_stopped_conditions(status, meta, wanted["scheduledAt"])
            )
            await post_event(
                runtime.kube,
                body,
                type_="Warning",
                reason="DeletionScheduled",
                message=f"deletionPolicy {plan.policy.value}: data destroyed at {wanted['scheduledAt']} "
                f"(deletionGracePeriodDays after the request); tenant stopped meanwhile ({outcome.summary}). "
                "Cancel: kubectl patch consorciotenant "
                f'{name} --type=merge -p \'{{"spec":{{"deletionPolicy":"Retain"}}}}\'',
                instance=INSTANCE,
            )
        remaining = (plan.destroy_at - datetime.now(UTC)).total_seconds()
        raise kopf.TemporaryError(
            f"{PENDING} until {wanted['scheduledAt']}", delay=max(1.0, min(remaining, DELETION_CHECK_SECONDS))
        )
    policy, summary = outcome
    runtime.forget(name)
    await post_event(
        runtime.kube, body, type_="Normal", reason=f"Deleted{policy}", message=summary, instance=INSTANCE
    )


async def _write_deletion_status(
    runtime: Any, name: str, deletion: dict[str, Any], *, conditions: list[dict[str, Any]] | None = None
) -> None:
    path = f"/apis/{API_VERSION}/{PLURAL}/{name}/status"
    status: dict[str, Any] = {"deletion": deletion}
    if conditions is not None:
        status["conditions"] = conditions
    await runtime.kube.merge_patch(path, {"status": status})


def _stopped_conditions(status: Any, meta: Any, scheduled_at: str) -> list[dict[str, Any]]:
    """Stopped on purpose, like a suspension: Ready True, Suspended True, AppAvailable False."""
    message = f"deletion requested: tenant stopped, data destroyed at {scheduled_at} unless cancelled"
    reason = c.REASON_PENDING_DELETION
    return c.merge(
        (status or {}).get("conditions") or [],
        [
            c.Condition(c.READY, c.TRUE, reason, message),
            c.Condition(c.SUSPENDED, c.TRUE, reason, message),
            c.Condition(c.APP_AVAILABLE, c.FALSE, reason, message),
        ],
        generation=int((meta or {}).get("generation") or 0),
        now=now_rfc3339(),
    )
