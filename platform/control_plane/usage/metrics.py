"""How each metric tenant apps report turns into a billable quantity.

What is metered (:class:`Metric`) is the contract's; how it is billed is ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from consorcio_contract.usage import Metric


class Aggregation(StrEnum):
    COUNT = "count"
    SUM = "sum"
    MAX = "max"
    LATEST = "latest"


# Gauges (cotas, users) are billed at their peak in the period so a tenant
# cannot dodge overage by shrinking just before the month closes; API calls
# are a counter reported in increments, so they are summed. Pagamentos are
# counted the same way; no plan prices them yet (they show on the invoice
# preview and the usage report only).
BILLED_BY: dict[Metric, Aggregation] = {
    Metric.ACTIVE_COTAS: Aggregation.MAX,
    Metric.USERS: Aggregation.MAX,
    Metric.API_REQUESTS: Aggregation.SUM,
    Metric.PAGAMENTOS_REGISTRADOS: Aggregation.SUM,
    # Storage is a gauge like cotas: its peak in the period.
    Metric.STORAGE_MIB: Aggregation.MAX,
}


@dataclass(frozen=True)
class MetricAggregate:
    """Every aggregation of one metric over one period."""

    count: int
    sum: int
    max: int
    latest: int

    def get(self, aggregation: Aggregation) -> int:
        return int(getattr(self, aggregation.value))


EMPTY_AGGREGATE = MetricAggregate(count=0, sum=0, max=0, latest=0)


@dataclass(frozen=True)
class BillableUsage:
    """The quantities an invoice's overage is computed from."""

    active_cotas: int = 0
    users: int = 0
    api_requests: int = 0
    pagamentos_registrados: int = 0  # metered, not priced (no overage line)
    storage_mib: int = 0  # metered, not priced (no overage line)

    @classmethod
    def from_aggregates(cls, aggregates: dict[Metric, MetricAggregate]) -> BillableUsage:
        """Pick each metric's billing aggregation; missing metrics count as zero."""
        values = {
            metric.value: aggregates.get(metric, EMPTY_AGGREGATE).get(aggregation)
            for metric, aggregation in BILLED_BY.items()
        }
        return cls(**values)
