"""Usage reporting: buffer events in memory, send them in batches.

Every event gets its id when it is recorded, and keeps it across retries:
the control plane stores each (tenant, id) once, so resending a batch after
a timeout can never double-bill. Events stay buffered until the control
plane acknowledged them; when the buffer is full the oldest are dropped and
counted (a tenant app must never stall because billing is unreachable).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

logger = logging.getLogger(__name__)

METRICS = ("active_cotas", "users", "api_requests")


class UsageReporter:
    def __init__(
        self,
        http: httpx.Client,
        tenant: str,
        auth_header: Callable[[], dict[str, str]],
        *,
        batch_size: int = 1000,
        flush_seconds: float = 10.0,
        max_buffer: int = 100_000,
    ) -> None:
        self._http = http
        self._path = f"/api/tenant-app/tenants/{tenant}/usage-events"
        self._auth_header = auth_header
        self._batch_size = batch_size
        self._flush_seconds = flush_seconds
        self._buffer: deque[dict[str, Any]] = deque()
        self._max_buffer = max_buffer
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.dropped = 0
        self.sent = 0

    # -- recording (cheap, never blocks on the network) ----------------------

    def record(
        self, metric: str, value: int, *, event_id: str | None = None, occurred_at: datetime | None = None
    ) -> str:
        """Buffer one event; returns its id."""
        if metric not in METRICS:
            raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
        if value < 0:
            raise ValueError("usage values are never negative")
        event = {
            "id": event_id or str(uuid.uuid4()),
            "metric": metric,
            "value": int(value),
            "occurredAt": (occurred_at or datetime.now(UTC)).isoformat(),
        }
        with self._lock:
            if len(self._buffer) >= self._max_buffer:
                self._buffer.popleft()
                self.dropped += 1
            self._buffer.append(event)
        return str(event["id"])

    def api_requests(self, count: int = 1) -> str:
        """API calls served since the last report (summed per period)."""
        return self.record("api_requests", count)

    def active_cotas(self, count: int) -> str:
        """Current number of active cotas (billed at the period's peak)."""
        return self.record("active_cotas", count)

    def users(self, count: int) -> str:
        """Current number of users (billed at the period's peak)."""
        return self.record("users", count)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._buffer)

    # -- sending -------------------------------------------------------------

    def flush(self) -> int:
        """Send everything buffered; returns how many events were acknowledged.

        Stops at the first failure and keeps the rest (same ids) for later.
        """
        acknowledged = 0
        with self._send_lock:
            while True:
                with self._lock:
                    batch = [self._buffer[i] for i in range(min(self._batch_size, len(self._buffer)))]
                if not batch:
                    return acknowledged
                try:
                    response = self._http.post(
                        self._path, json={"events": batch}, headers=self._auth_header()
                    )
                except (httpx.HTTPError, OSError) as err:
                    logger.warning("usage report failed, will retry: %s", err)
                    return acknowledged
                if response.status_code == 422:
                    # A batch the control plane will never take (e.g. a clock far in the future):
                    # retrying it forever would block every later event.
                    logger.error(
                        "usage batch rejected, dropping %d events: %s", len(batch), response.text[:500]
                    )
                    self.dropped += len(batch)
                elif response.status_code >= 300:
                    logger.warning("usage report answered %s, will retry", response.status_code)
                    return acknowledged
                else:
                    acknowledged += len(batch)
                    self.sent += len(batch)
                with self._lock:
                    # The batch was a prefix of the buffer; overflow may have
                    # dropped some of it meanwhile, appends only go to the end.
                    sent_ids = {id(event) for event in batch}
                    while self._buffer and id(self._buffer[0]) in sent_ids:
                        self._buffer.popleft()

    def start(self) -> None:
        """Flush in a background thread every ``flush_seconds``."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="usage-reporter", daemon=True)
            self._thread.start()

    def stop(self, *, flush: bool = True) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self._flush_seconds + 30)
            self._thread = None
        if flush:
            self.flush()

    def _run(self) -> None:
        while not self._stop.wait(self._flush_seconds):
            try:
                self.flush()
            except Exception:  # keep reporting alive whatever happens
                logger.exception("usage reporter crashed during flush")
