"""Level-based drift repair: every tenant is compared with its desired state on a timer."""

from __future__ import annotations

import time
from typing import Any

import kopf

from consorcio_contract.crd_identity import GROUP, PLURAL, VERSION
from tenant_operator import pass_slots
from tenant_operator.handlers.on_startup import kopf_prefix
from tenant_operator.handlers.pass_outcome import apply_outcome
from tenant_operator.handlers.timing import RESYNC_INTERVAL_SECONDS, TIMER_WAIT_SECONDS
from tenant_operator.reconciler import run_pass

#: Kopf handler ids of the change handlers (handlers/handle_*_tenant.py).
CHANGE_HANDLER_IDS = ("provision", "reconcile", "resume")


@kopf.timer(
    GROUP,
    VERSION,
    PLURAL,
    id="resync",
    interval=RESYNC_INTERVAL_SECONDS,
    initial_delay=RESYNC_INTERVAL_SECONDS,
)
async def handle_resync_timer(
    name: str, spec: Any, status: Any, meta: Any, body: Any, patch: Any, memo: Any, logger: Any, **_: Any
) -> None:
    """Run the same pass as a change; repairs are reported in a DriftRepaired Event.

    Reads only when nothing drifted (the status is written only when it
    changed). Skipped while a change handler is working on the tenant or
    still has a retry queued (its progress annotation is there). Never
    raises for tenant problems: the next tick is the retry, so a broken
    tenant costs one pass per interval, not a retry storm.
    """
    runtime = memo.runtime
    lock = runtime.lock(name)
    if lock.locked() or change_handler_pending(meta):
        return
    invoked = time.monotonic()
    # The slot first, then the tenant lock: a timer queued behind a fleet
    # must not hold the lock that the tenant's own change handler needs.
    await runtime.active_passes.acquire(pass_slots.BACKGROUND)
    if lock.locked() or runtime.passed_since(name, invoked):
        # Another pass took over meanwhile, or already did this work with a
        # fresher view of the resource than this tick's.
        runtime.active_passes.release()
        return
    async with lock:
        result = await run_pass(
            runtime,
            name=name,
            spec=spec,
            status_now=status,
            meta=meta,
            trigger="timer",
            wait_budget=TIMER_WAIT_SECONDS,
            logger=logger,
            slot_held=True,
        )
    await apply_outcome(result, runtime=runtime, body=body, patch=patch, retry=None)


def change_handler_pending(meta: Any) -> bool:
    """A create/update/resume handler is still retrying: it owns the tenant until it is done."""
    prefix = kopf_prefix()
    annotations = (meta or {}).get("annotations") or {}
    return any(f"{prefix}/{handler}" in annotations for handler in CHANGE_HANDLER_IDS)
