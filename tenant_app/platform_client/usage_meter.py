"""Measuring usage in the process: counters and gauges, no I/O.

Recording must cost nothing measurable on the request path (one lock and an
integer add), so the meter only accumulates; the reporter periodically turns
what accumulated into events (one per metric, each with its own id) and
writes them to the spool. A counter reports its increment since the last
drain; a gauge reports its latest reading.

Extension point: a new metered quantity (boletos/PIX issued once cobrança
exists, storage bytes once documents exist) is a new ``Metric`` in
``consorcio_contract.usage`` plus one ``count`` or ``gauge`` call where it
happens; nothing here changes.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

from consorcio_contract.usage import Metric, UsageEvent


class UsageMeter:
    """Thread-safe accumulation of usage; ``enabled=False`` ignores everything (no control plane)."""

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._counters: dict[Metric, int] = {}
        self._gauges: dict[Metric, int] = {}

    def count(self, metric: Metric, n: int = 1) -> None:
        """Add ``n`` to a counter (API requests, pagamentos registrados)."""
        if not self.enabled or n == 0:
            return
        if n < 0:
            raise ValueError("usage counters only grow")
        with self._lock:
            self._counters[metric] = self._counters.get(metric, 0) + n

    def gauge(self, metric: Metric, value: int) -> None:
        """Record a reading of a gauge (active cotas, users); the latest one wins."""
        if not self.enabled:
            return
        if value < 0:
            raise ValueError("usage readings are never negative")
        with self._lock:
            self._gauges[metric] = value

    def drain(self, now: datetime | None = None) -> list[UsageEvent]:
        """Everything measured since the last drain, as events with fresh ids."""
        with self._lock:
            counters, self._counters = self._counters, {}
            gauges, self._gauges = self._gauges, {}
        at = now or datetime.now(UTC)
        return [
            UsageEvent(id=str(uuid.uuid4()), metric=metric, value=value, occurred_at=at)
            for metric, value in (*counters.items(), *gauges.items())
        ]
