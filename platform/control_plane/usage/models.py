"""Raw usage events as reported by tenant apps."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Identity, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from consorcio_contract.usage import Metric
from control_plane.database.base import Base, str_enum


class UsageEvent(Base):
    __tablename__ = "usage_events"
    __table_args__ = (
        # Idempotency: a retried batch carries the same event ids.
        UniqueConstraint("tenant_id", "event_id"),
        Index("ix_usage_events_tenant_metric_time", "tenant_id", "metric", "occurred_at"),
        Index("ix_usage_events_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"))
    event_id: Mapped[str] = mapped_column(String(100))
    metric: Mapped[Metric] = mapped_column(str_enum(Metric))
    value: Mapped[int] = mapped_column(BigInteger)
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(server_default=func.now())
