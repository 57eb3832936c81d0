"""Usage API responses."""

from __future__ import annotations

from consorcio_contract.usage import Metric
from control_plane.api_schema import ResponseBody
from control_plane.usage.metrics import Aggregation

# The request body (UsageBatch) is the contract's: consorcio_contract.usage.


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
