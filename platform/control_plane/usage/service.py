"""Usage ingestion (idempotent by event id) and per-period aggregation."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from consorcio_contract.usage import Metric, UsageEvent
from control_plane.billing.periods import BillingPeriod
from control_plane.problems import FieldError, InvalidInput
from control_plane.usage.metrics import EMPTY_AGGREGATE, MetricAggregate
from control_plane.usage.schemas import IngestResult

# Reporter clocks drift; events from further in the future are a bug.
MAX_CLOCK_SKEW = timedelta(minutes=5)

# One statement per batch whatever its size: arrays are bound as six
# parameters and unnested server-side, which is what makes ingestion fast.
_INSERT = text(
    """
    INSERT INTO usage_events (tenant_id, event_id, metric, value, occurred_at)
    SELECT CAST(:tenant_id AS uuid), e.event_id, e.metric, e.value, e.occurred_at
    FROM unnest(CAST(:event_ids AS text[]), CAST(:metrics AS text[]), CAST(:vals AS bigint[]),
                CAST(:times AS timestamptz[])) AS e(event_id, metric, value, occurred_at)
    ON CONFLICT (tenant_id, event_id) DO NOTHING
    """
)

_AGGREGATE = """
    SELECT {key} metric, count(*), coalesce(sum(value), 0), coalesce(max(value), 0),
           (array_agg(value ORDER BY occurred_at DESC, id DESC))[1]
    FROM usage_events
    WHERE occurred_at >= :start AND occurred_at < :end {filter}
    GROUP BY {key} metric
"""


class UsageService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def ingest(self, tenant_id: uuid.UUID, events: Sequence[UsageEvent], now: datetime) -> IngestResult:
        """Store a batch; events already stored (same tenant and id) are counted as duplicates."""
        limit = now + MAX_CLOCK_SKEW
        late = [
            FieldError(f"events[{i}].occurredAt", "is in the future")
            for i, event in enumerate(events)
            if event.occurred_at > limit
        ]
        if late:
            raise InvalidInput("some events are dated in the future", errors=late[:50])
        result = await self.session.execute(
            _INSERT,
            {
                "tenant_id": tenant_id,
                "event_ids": [e.id for e in events],
                "metrics": [e.metric.value for e in events],
                "vals": [e.value for e in events],
                "times": [e.occurred_at for e in events],
            },
        )
        await self.session.commit()
        accepted = int(getattr(result, "rowcount", 0) or 0)
        return IngestResult(received=len(events), accepted=accepted, duplicates=len(events) - accepted)

    async def aggregate(self, tenant_id: uuid.UUID, period: BillingPeriod) -> dict[Metric, MetricAggregate]:
        """count / sum / max / latest of each metric reported in ``period``."""
        rows = await self.session.execute(
            text(_AGGREGATE.format(key="", filter="AND tenant_id = :tenant_id")),
            {"start": period.start_instant, "end": period.end_instant, "tenant_id": tenant_id},
        )
        return {Metric(r[0]): MetricAggregate(int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows}

    async def aggregate_all(
        self, period: BillingPeriod, tenant_ids: Iterable[uuid.UUID] | None = None
    ) -> dict[uuid.UUID, dict[Metric, MetricAggregate]]:
        """The same for many tenants in one query (the invoice run)."""
        params: dict[str, object] = {"start": period.start_instant, "end": period.end_instant}
        filter_sql = ""
        if tenant_ids is not None:
            filter_sql = "AND tenant_id = ANY(CAST(:tenant_ids AS uuid[]))"
            params["tenant_ids"] = list(tenant_ids)
        rows = await self.session.execute(
            text(_AGGREGATE.format(key="tenant_id,", filter=filter_sql)), params
        )
        out: dict[uuid.UUID, dict[Metric, MetricAggregate]] = {}
        for tenant_id, metric, count, total, peak, latest in rows:
            out.setdefault(tenant_id, {})[Metric(metric)] = MetricAggregate(
                int(count), int(total), int(peak), int(latest)
            )
        return out


def with_missing_metrics(aggregates: dict[Metric, MetricAggregate]) -> dict[Metric, MetricAggregate]:
    """Every metric present, zeros where nothing was reported."""
    return {metric: aggregates.get(metric, EMPTY_AGGREGATE) for metric in Metric}
