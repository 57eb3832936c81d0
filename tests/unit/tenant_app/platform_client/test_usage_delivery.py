"""Usage from the meter to the spool to the control plane, with fakes (no database, no network)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx
import pytest

from consorcio_contract.usage import Metric, UsageEvent
from tenant_app.platform_client.token import TokenUnavailable
from tenant_app.platform_client.usage_meter import UsageMeter
from tenant_app.platform_client.usage_reporter import UsageReporter, UsageSender
from tenant_app.platform_client.usage_spool import Claim

pytestmark = pytest.mark.unit


class MemorySpool:
    """The spool's contract in a list: claims hand out the oldest, ack removes them."""

    def __init__(self) -> None:
        self.rows: list[UsageEvent] = []
        self.broken = False

    async def put(self, events: Sequence[UsageEvent]) -> None:
        if self.broken:
            raise OSError("database down")
        known = {e.id for e in self.rows}
        self.rows.extend(e for e in events if e.id not in known)

    @asynccontextmanager
    async def claim(self, limit: int) -> AsyncIterator[Claim]:
        claim = Claim(self.rows[:limit])
        yield claim
        if claim.acknowledged:
            taken = {e.id for e in claim.events}
            self.rows = [e for e in self.rows if e.id not in taken]

    async def pending(self) -> int:
        return len(self.rows)


def event(metric: Metric = Metric.API_REQUESTS, value: int = 1) -> UsageEvent:
    return UsageEvent(id=str(uuid.uuid4()), metric=metric, value=value, occurred_at=datetime.now(UTC))


def sender_with(handler, spool: MemorySpool, batch_size: int = 1000, auth=lambda: {}) -> UsageSender:  # type: ignore[no-untyped-def]
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://cp")
    return UsageSender(http, "acme", auth, spool, batch_size=batch_size)


def test_the_meter_sums_counters_keeps_the_last_gauge_and_drains_with_fresh_ids() -> None:
    meter = UsageMeter()
    meter.count(Metric.API_REQUESTS)
    meter.count(Metric.API_REQUESTS, 4)
    meter.count(Metric.PAGAMENTOS_REGISTRADOS)
    meter.gauge(Metric.ACTIVE_COTAS, 120)
    meter.gauge(Metric.ACTIVE_COTAS, 118)
    events = meter.drain()
    assert {(e.metric, e.value) for e in events} == {
        (Metric.API_REQUESTS, 5),
        (Metric.PAGAMENTOS_REGISTRADOS, 1),
        (Metric.ACTIVE_COTAS, 118),
    }
    assert len({e.id for e in events}) == 3 and all(uuid.UUID(e.id) for e in events)
    assert meter.drain() == []
    with pytest.raises(ValueError):
        meter.count(Metric.API_REQUESTS, -1)
    with pytest.raises(ValueError):
        meter.gauge(Metric.USERS, -1)


def test_a_disabled_meter_measures_nothing() -> None:
    meter = UsageMeter(enabled=False)
    meter.count(Metric.API_REQUESTS, 10)
    meter.gauge(Metric.USERS, 3)
    assert meter.drain() == []


async def test_retries_resend_the_same_event_ids_and_nothing_is_lost() -> None:
    bodies: list[dict] = []
    answers = iter(
        [httpx.ConnectError("down"), httpx.Response(503), httpx.Response(202), httpx.Response(202)]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    spool = MemorySpool()
    events = [event(Metric.API_REQUESTS, 1), event(Metric.ACTIVE_COTAS, 120), event(Metric.USERS, 7)]
    await spool.put(events)
    sender = sender_with(handler, spool, batch_size=2)
    assert await sender.send_pending() == 0  # connection error
    assert await sender.send_pending() == 0  # 503
    assert await sender.send_pending() == 3  # two batches accepted
    assert await spool.pending() == 0
    first_try = [e["id"] for e in bodies[0]["events"]]
    retry = [e["id"] for e in bodies[2]["events"]]
    assert first_try == retry == [e.id for e in events[:2]]
    assert [e["id"] for e in bodies[3]["events"]] == [events[2].id]
    wire = bodies[3]["events"][0]
    assert set(wire) == {"id", "metric", "value", "occurredAt"} and wire["metric"] == "users"
    assert sender.sent == 3


async def test_a_rejected_batch_is_dropped_not_retried_forever() -> None:
    spool = MemorySpool()
    await spool.put([event()])
    sender = sender_with(lambda r: httpx.Response(422, json={"detail": "future"}), spool)
    assert await sender.send_pending() == 0
    assert (await spool.pending(), sender.dropped) == (0, 1)


async def test_a_missing_token_keeps_the_spool() -> None:
    def no_token() -> dict[str, str]:
        raise TokenUnavailable("not mounted yet")

    spool = MemorySpool()
    await spool.put([event()])
    sender = sender_with(lambda r: httpx.Response(202), spool, auth=no_token)
    assert await sender.send_pending() == 0
    assert await spool.pending() == 1


async def test_measured_usage_waits_in_memory_with_its_ids_while_the_spool_is_down() -> None:
    meter, spool = UsageMeter(), MemorySpool()
    reporter = UsageReporter(meter, spool, None)
    meter.count(Metric.API_REQUESTS, 3)
    spool.broken = True
    assert await reporter.spool_measured() == 0
    waiting = [e.id for e in reporter._unspooled]
    meter.count(Metric.API_REQUESTS, 2)
    spool.broken = False
    assert await reporter.spool_measured() == 2
    assert [e.id for e in spool.rows][:1] == waiting
    assert sorted(e.value for e in spool.rows) == [2, 3]


async def test_stop_spools_what_was_measured_and_tries_a_last_send() -> None:
    sent: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(202)

    meter, spool = UsageMeter(), MemorySpool()
    reporter = UsageReporter(meter, spool, sender_with(handler, spool), spool_seconds=60, send_seconds=60)
    reporter.start()
    meter.count(Metric.PAGAMENTOS_REGISTRADOS, 2)
    await reporter.stop()
    assert [e["value"] for batch in sent for e in batch["events"]] == [2]
    assert await spool.pending() == 0


async def test_stop_with_the_control_plane_down_leaves_everything_spooled() -> None:
    meter, spool = UsageMeter(), MemorySpool()
    reporter = UsageReporter(meter, spool, sender_with(lambda r: httpx.Response(503), spool))
    meter.count(Metric.API_REQUESTS, 7)
    await reporter.stop()
    assert [(e.metric, e.value) for e in spool.rows] == [(Metric.API_REQUESTS, 7)]


class SlowSpool(MemorySpool):
    """A spool whose write is still in flight when the reporter's loop is cancelled."""

    def __init__(self) -> None:
        super().__init__()
        self.writing = asyncio.Event()
        self.release = asyncio.Event()

    async def put(self, events: Sequence[UsageEvent]) -> None:
        self.writing.set()
        await self.release.wait()
        await super().put(events)


async def test_stop_during_a_spool_write_loses_nothing() -> None:
    # CI once spooled 1 of 7 API requests: stop() cancelled the loop while its put() of the
    # first 6 was in flight, and those 6 had already left the meter.
    meter, spool = UsageMeter(), SlowSpool()
    reporter = UsageReporter(meter, spool, None, spool_seconds=0.01)
    meter.count(Metric.API_REQUESTS, 6)
    reporter.start()
    await asyncio.wait_for(spool.writing.wait(), timeout=5)
    meter.count(Metric.API_REQUESTS, 1)
    spool.release.set()  # the last write goes through; the cancelled one never happened
    await reporter.stop()
    assert sorted(e.value for e in spool.rows) == [1, 6]
