"""Usage API responses."""

from __future__ import annotations

from consorcio_contract.usage import Metric
from control_plane.api_schema import ResponseBody
from control_plane.usage.metrics import BILLED_BY, Aggregation, MetricAggregate

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


def metric_usage_views(aggregates: dict[Metric, MetricAggregate]) -> list[MetricUsage]:
    """Every aggregation of each metric, with the one billing uses."""
    return [
        MetricUsage(
            metric=metric,
            count=agg.count,
            sum=agg.sum,
            max=agg.max,
            latest=agg.latest,
            billed_by=BILLED_BY[metric],
            billable=agg.get(BILLED_BY[metric]),
        )
        for metric, agg in aggregates.items()
    ]
