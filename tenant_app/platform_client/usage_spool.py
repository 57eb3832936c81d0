"""The spool's two operations on the tenant's PostgreSQL (see ``models`` for why a table).

``put`` stores events; ``claim`` hands out the oldest ones under row locks
(``FOR UPDATE SKIP LOCKED``) for one delivery attempt, so the app replicas
and the worker never send the same rows at the same time, and deletes them
only when the attempt was acknowledged. A crash between the control plane's
acknowledgement and the delete resends the same ids, which the control plane
ignores: delivery is at least once, billing exactly once.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from consorcio_contract.usage import Metric, UsageEvent
from tenant_app.platform_client.models import UsageSpoolEntry


class Claim:
    """Events handed out for one delivery attempt; ``ack`` removes them from the spool."""

    def __init__(self, events: list[UsageEvent]) -> None:
        self.events = events
        self.acknowledged = False

    def ack(self) -> None:
        self.acknowledged = True


class UsageSpool(Protocol):
    async def put(self, events: Sequence[UsageEvent]) -> None: ...

    def claim(self, limit: int) -> AbstractAsyncContextManager[Claim]: ...

    async def pending(self) -> int: ...


class PostgresSpool:
    """The spool table in the tenant's database, through Core statements (no ORM flush, no audit)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def put(self, events: Sequence[UsageEvent]) -> None:
        if not events:
            return
        rows = [
            {
                "event_id": uuid.UUID(e.id),
                "metric": e.metric.value,
                "value": e.value,
                "occurred_at": e.occurred_at,
            }
            for e in events
        ]
        async with self.engine.begin() as conn:
            await conn.execute(insert(UsageSpoolEntry).on_conflict_do_nothing(), rows)

    @asynccontextmanager
    async def claim(self, limit: int) -> AsyncIterator[Claim]:
        async with self.engine.begin() as conn:
            result = await conn.execute(
                select(
                    UsageSpoolEntry.event_id,
                    UsageSpoolEntry.metric,
                    UsageSpoolEntry.value,
                    UsageSpoolEntry.occurred_at,
                )
                .order_by(UsageSpoolEntry.spooled_at, UsageSpoolEntry.event_id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            claim = Claim(
                [
                    UsageEvent(id=str(event_id), metric=Metric(metric), value=value, occurred_at=occurred_at)
                    for event_id, metric, value, occurred_at in result
                ]
            )
            yield claim
            if claim.acknowledged and claim.events:
                ids = [uuid.UUID(e.id) for e in claim.events]
                await conn.execute(delete(UsageSpoolEntry).where(UsageSpoolEntry.event_id.in_(ids)))

    async def pending(self) -> int:
        async with self.engine.connect() as conn:
            return int((await conn.scalar(select(func.count()).select_from(UsageSpoolEntry))) or 0)
