"""Tenants waiting for a repair pass: debounced, one at a time per tenant, never a storm.

A watch event that shows drift asks for a repair of the owning tenant. The
request is collapsed with every other one for that tenant until the pass
starts (a deleted namespace produces dozens of events; one pass repairs
them all), and a request arriving while the pass runs queues exactly one
more pass, because the running one may have read the object before it
changed. The pass itself takes the tenant lock and an active-pass slot
like any change handler (handlers/repair_tenant.py), so repairs queue
behind provisioning rather than beside it.

When something keeps undoing the operator's work (another controller or a
GitOps tool fighting over the same object), each tenant's repairs slow down
to one per ``max_backoff`` seconds instead of looping as fast as the API
server answers.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tenant_operator import metrics
from tenant_operator.drift.expectations import Finding

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RepairOutcome:
    """What a repair pass asks for next: None (done, or left to the drift timer) or a retry delay."""

    retry_after: float | None = None


Repair = Callable[[str, tuple[Finding, ...]], Awaitable[RepairOutcome]]
Mark = Callable[[str, Finding], Awaitable[None]]


@dataclass
class _Pending:
    findings: list[Finding]
    detected: float
    again: bool = False
    task: asyncio.Task[None] | None = None


@dataclass
class RepairQueue:
    """``request(tenant, finding)`` → ``repair(tenant, findings)`` soon, at most one at a time per tenant."""

    repair: Repair
    #: Called once when a tenant's first finding arrives (sets DriftDetected=True).
    mark: Mark | None = None
    #: Collapse events arriving this close together into one pass.
    debounce: float = 0.2
    #: Repairs of one tenant within ``window`` seconds before they slow down.
    burst: int = 5
    window: float = 60.0
    max_backoff: float = 60.0
    #: Retries of a pass that failed for a reason that may pass, before the timer takes over.
    max_retries: int = 5
    _pending: dict[str, _Pending] = field(default_factory=dict)
    _history: dict[str, deque[float]] = field(default_factory=dict)

    @property
    def pending(self) -> int:
        return len(self._pending)

    def is_pending(self, tenant: str) -> bool:
        return tenant in self._pending

    def request(self, tenant: str, finding: Finding) -> None:
        """Ask for a repair of ``tenant`` because of ``finding``; returns at once."""
        metrics.DRIFT_DETECTED.labels(finding.kind, finding.change).inc()
        entry = self._pending.get(tenant)
        if entry is not None:
            entry.findings.append(finding)
            entry.again = True
            return
        entry = _Pending([finding], time.monotonic(), again=True)
        self._pending[tenant] = entry
        metrics.REPAIRS_PENDING.set(len(self._pending))
        entry.task = asyncio.get_running_loop().create_task(self._work(tenant, entry))

    def delay_before_next(self, tenant: str, now: float) -> float:
        """Zero while the tenant had fewer than ``burst`` repairs in ``window``, then doubling."""
        history = self._history.setdefault(tenant, deque())
        while history and now - history[0] > self.window:
            history.popleft()
        extra = len(history) - self.burst + 1
        return 0.0 if extra <= 0 else min(self.max_backoff, float(2 ** (extra - 1)))

    async def _work(self, tenant: str, entry: _Pending) -> None:
        try:
            if self.mark is not None:
                await self.mark(tenant, entry.findings[0])
            await asyncio.sleep(self.debounce)
            retries = 0
            while entry.again:
                entry.again = False
                delay = self.delay_before_next(tenant, time.monotonic())
                if delay:
                    _log.warning("tenant %s keeps drifting: next repair in %.0fs", tenant, delay)
                    await asyncio.sleep(delay)
                self._history.setdefault(tenant, deque()).append(time.monotonic())
                outcome = await self.repair(tenant, tuple(entry.findings))
                if outcome.retry_after is not None and retries < self.max_retries:
                    retries += 1
                    await asyncio.sleep(outcome.retry_after)
                    entry.again = True
                elif outcome.retry_after is None:
                    metrics.REPAIR_LATENCY.observe(time.monotonic() - entry.detected)
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug must not kill the queue; the drift timer still covers the tenant
            _log.exception("repair of tenant %s failed", tenant)
        finally:
            if self._pending.get(tenant) is entry:
                del self._pending[tenant]
            metrics.REPAIRS_PENDING.set(len(self._pending))

    def forget(self, tenant: str) -> None:
        """The tenant is gone: cancel its pending repair."""
        entry = self._pending.pop(tenant, None)
        if entry is not None and entry.task is not None:
            entry.task.cancel()
        self._history.pop(tenant, None)
        metrics.REPAIRS_PENDING.set(len(self._pending))

    async def close(self) -> None:
        tasks = [e.task for e in self._pending.values() if e.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._pending.clear()
