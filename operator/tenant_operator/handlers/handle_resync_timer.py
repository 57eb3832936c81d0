"""Level-based drift repair: every tenant is compared with its desired state on a timer."""

from __future__ import annotations

from typing import Any

import kopf

from tenant_operator.handlers.pass_outcome import apply_outcome
from tenant_operator.handlers.timing import RESYNC_INTERVAL_SECONDS, TIMER_WAIT_SECONDS
from tenant_operator.reconciler import run_pass
from tenant_operator.resource import GROUP, PLURAL, VERSION


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
    changed). Skipped while a change handler is working on the tenant. Never
    raises for tenant problems: the next tick is the retry, so a broken
    tenant costs one pass per interval, not a retry storm.
    """
    lock = memo.runtime.lock(name)
    if lock.locked():
        return
    async with lock:
        result = await run_pass(
            memo.runtime,
            name=name,
            spec=spec,
            status_now=status,
            meta=meta,
            trigger="timer",
            wait_budget=TIMER_WAIT_SECONDS,
            logger=logger,
        )
    await apply_outcome(result, runtime=memo.runtime, body=body, patch=patch, retry=None)
