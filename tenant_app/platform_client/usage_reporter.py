"""Usage delivery: meter -> spool (every second) -> control plane (in batches).

Two loops in one asyncio task of the process that owns the meter:

* every ``spool_seconds`` what the meter accumulated becomes events with
  their final ids and is written to the spool, so a restart or a crash
  loses at most that interval of counts;
* every ``send_seconds`` the spool is sent, oldest first, in batches of
  ``batch_size``, until it is empty or the control plane fails; a failed
  batch stays spooled with the same ids and is retried next time.

The control plane being down for an hour only grows the spool; the tenant
app never waits on it. A batch the control plane answers 422 (it will never
accept it, e.g. an event dated in the future) is dropped and logged rather
than retried forever, which would block every later event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import httpx
import msgspec

from consorcio_contract.usage import UsageEvent
from tenant_app.platform_client.token import TokenUnavailable
from tenant_app.platform_client.usage_meter import UsageMeter
from tenant_app.platform_client.usage_spool import UsageSpool

logger = logging.getLogger(__name__)

# Events the spool could not take (database down) wait in memory, bounded.
MAX_UNSPOOLED = 100_000


def usage_events_path(tenant: str) -> str:
    return f"/api/tenant-app/tenants/{tenant}/usage-events"


class UsageSender:
    """Sends the spool to the control plane; never raises for a network or server failure."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        tenant: str,
        auth_header: Callable[[], dict[str, str]],
        spool: UsageSpool,
        *,
        batch_size: int = 1000,
    ) -> None:
        self._http = http
        self._path = usage_events_path(tenant)
        self._auth_header = auth_header
        self._spool = spool
        self._batch_size = batch_size
        self.sent = 0
        self.dropped = 0

    async def send_pending(self) -> int:
        """Send every spooled event; returns how many the control plane acknowledged."""
        acknowledged = 0
        while True:
            async with self._spool.claim(self._batch_size) as claim:
                if not claim.events:
                    return acknowledged
                outcome = await self._post(claim.events)
                if outcome is None:
                    return acknowledged
                claim.ack()
                if outcome:
                    acknowledged += len(claim.events)
                    self.sent += len(claim.events)
                else:
                    self.dropped += len(claim.events)

    async def _post(self, events: list[UsageEvent]) -> bool | None:
        """True: stored; False: refused for good (drop); None: try again later."""
        try:
            body: dict[str, Any] = {"events": msgspec.to_builtins(events)}
            response = await self._http.post(self._path, json=body, headers=self._auth_header())
        except (httpx.HTTPError, OSError, TokenUnavailable) as err:
            logger.warning("usage report failed, kept in the spool: %s", err)
            return None
        if response.status_code == 422:
            logger.error("usage batch rejected, dropping %d events: %s", len(events), response.text[:500])
            return False
        if response.status_code >= 300:
            logger.warning("usage report answered %s, kept in the spool", response.status_code)
            return None
        return True


class UsageReporter:
    """The background task moving usage from the meter to the spool and on to the control plane."""

    def __init__(
        self,
        meter: UsageMeter,
        spool: UsageSpool,
        sender: UsageSender | None,
        *,
        spool_seconds: float = 1.0,
        send_seconds: float = 10.0,
    ) -> None:
        self.meter = meter
        self.spool = spool
        self.sender = sender
        self._spool_seconds = spool_seconds
        self._send_seconds = send_seconds
        self._unspooled: list[UsageEvent] = []
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self.lost = 0

    async def spool_measured(self) -> int:
        """Write what the meter accumulated to the spool; kept in memory if the database fails."""
        events = [*self._unspooled, *self.meter.drain()]
        if not events:
            return 0
        # Held here before the write, not after a failure: stop() cancels the loop, and a
        # cancellation in the middle of put() (not an Exception) would otherwise lose what
        # the meter just gave up. Writing the same ids again is harmless.
        self._unspooled = events
        try:
            await self.spool.put(events)
        except Exception as err:  # the database is down: keep the events (same ids) for next time
            overflow = max(0, len(events) - MAX_UNSPOOLED)
            self.lost += overflow
            self._unspooled = events[overflow:]
            logger.warning("usage spool unavailable (%s); %d events wait in memory", err, len(events))
            return 0
        self._unspooled = []
        return len(events)

    async def flush(self) -> int:
        """Spool what was measured and try to send the whole spool now."""
        await self.spool_measured()
        if self.sender is None:
            return 0
        try:
            return await self.sender.send_pending()
        except Exception:  # database trouble while claiming: the rows stay spooled
            logger.exception("sending the usage spool failed")
            return 0

    def send_soon(self) -> None:
        """Ask the loop to send without waiting for the next period (tests, shutdown)."""
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="usage-reporter")

    async def stop(self) -> None:
        """Stop the loop, spool what is left (nothing measured is lost) and try one last send."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.spool_measured()
        if self.sender is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.sender.send_pending(), timeout=5)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_send = loop.time()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._spool_seconds)
            woken = self._wake.is_set()
            self._wake.clear()
            try:
                await self.spool_measured()
                if self.sender is not None and (woken or loop.time() >= next_send):
                    next_send = loop.time() + self._send_seconds
                    await self.sender.send_pending()
            except Exception:  # keep reporting alive whatever happens
                logger.exception("usage reporter iteration failed")
