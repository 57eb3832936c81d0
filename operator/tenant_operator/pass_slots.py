"""A bound on reconcile passes doing API work at once, that lets started passes finish first.

A plain semaphore is first come, first served: when 500 tenants are applied
at once, a pass coming back from waiting for its migration Job queues behind
hundreds of tenants that have not started yet, and no tenant becomes Ready
until nearly all of them have had their first steps. Here a pass *resuming*
after a wait is served before any new one, so tenants complete in the order
they started while the cluster works on the others' Jobs and pods. Drift
timer passes (maintenance of tenants that are already Ready) come last, so
hundreds of idle resyncs never delay a tenant that is being provisioned.
"""

from __future__ import annotations

import asyncio
from collections import deque
from types import TracebackType

#: Queue priorities, served in this order.
RESUMING = 0  # back from waiting for a Job or a rollout
CHANGE = 1  # create, update, resume handlers
BACKGROUND = 2  # the drift timer


class PassSlots:
    """``limit`` slots, handed out by priority (RESUMING, CHANGE, BACKGROUND), then in order."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self._free = limit
        self._queues: tuple[deque[asyncio.Future[None]], ...] = (deque(), deque(), deque())

    @property
    def queued(self) -> int:
        """Passes waiting for a slot (cancelled ones may still be counted until skipped)."""
        return sum(len(q) for q in self._queues)

    async def acquire(self, priority: int = CHANGE) -> None:
        """Take a slot, waiting if none is free (lower ``priority`` values are served first)."""
        if self._free > 0 and not self.queued:
            self._free -= 1
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queues[priority].append(fut)
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.release()  # handed a slot just as we were cancelled: pass it on
            raise

    def release(self) -> None:
        """Give a slot back: to the first waiter of the most urgent queue, else free it."""
        for queue in self._queues:
            while queue:
                fut = queue.popleft()
                if not fut.done():  # cancelled waiters are skipped
                    fut.set_result(None)
                    return
        self._free += 1

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
