"""The usage-event schema: the JSON a reporter sends decodes into the contract's types."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pytest

from consorcio_contract.usage import MAX_BATCH, Metric, UsageBatch, UsageEvent

pytestmark = pytest.mark.unit

WIRE = {"id": "e-1", "metric": "api_requests", "value": 3, "occurredAt": "2026-12-06T15:00:00+00:00"}


def test_wire_names_are_camel_case_and_round_trip() -> None:
    batch = msgspec.convert({"events": [WIRE]}, UsageBatch)
    event = batch.events[0]
    assert event == UsageEvent(
        id="e-1", metric=Metric.API_REQUESTS, value=3, occurred_at=datetime(2026, 12, 6, 15, tzinfo=UTC)
    )
    assert msgspec.json.decode(msgspec.json.encode(batch), type=dict)["events"][0]["occurredAt"]


@pytest.mark.parametrize(
    "change",
    [
        {"metric": "storage_gigabytes"},  # unknown metric
        {"value": -1},
        {"id": ""},
        {"occurredAt": "2026-12-06T15:00:00"},  # naive time: the reporter's clock zone is unknown
        {"extra": 1},  # a typo must not be silently ignored
    ],
)
def test_invalid_events_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"events": [{**WIRE, **change}]}, UsageBatch)


def test_batch_size_is_bounded() -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"events": []}, UsageBatch)
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"events": [{**WIRE, "id": str(i)} for i in range(MAX_BATCH + 1)]}, UsageBatch)
