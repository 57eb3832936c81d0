"""Usage API payloads."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from control_plane.api_schema import RequestBody, ResponseBody
from control_plane.usage.metrics import Aggregation, Metric

MAX_BATCH = 5_000


class UsageEventIn(RequestBody):
    # Chosen by the reporter (a UUID is best) and reused on every retry.
    id: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    metric: Metric
    value: Annotated[int, msgspec.Meta(ge=0, le=10**12)]
    occurred_at: Annotated[datetime, msgspec.Meta(tz=True)]


class UsageBatch(RequestBody):
    events: Annotated[list[UsageEventIn], msgspec.Meta(min_length=1, max_length=MAX_BATCH)]


class IngestResult(ResponseBody):
    received: int
    accepted: int
    duplicates: int


class MetricUsage(ResponseBody):
    metric: Metric
    count: int
    sum: int
    max: int
    latest: int
    billed_by: Aggregation
    billable: int


class UsageReport(ResponseBody):
    slug: str
    period: str
    metrics: list[MetricUsage]
