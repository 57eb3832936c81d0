"""The usage spool: events measured but not yet acknowledged by the control plane.

Why a table in the tenant's own PostgreSQL rather than a file: the pod's root
filesystem is read-only and its writable ``/tmp`` is an emptyDir that dies
with the pod, so a file spool would lose usage on every rescheduling, drain
or node failure. The database outlives pods, is shared by the app replicas
and the Celery worker (any of them may send what another spooled), and is
backed up with the tenant's data. Rows are deleted once the control plane
acknowledged them, so the table stays small unless the control plane is down
(an hour of outage is a few thousand rows).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, String, func
from sqlalchemy.orm import Mapped, mapped_column

from tenant_app.database.base import Base


class UsageSpoolEntry(Base):
    """One usage event, with the id it keeps on every delivery attempt."""

    __tablename__ = "usage_spool"

    # Chosen when the event is measured; the control plane stores each id once,
    # so a batch resent after a lost acknowledgement never bills twice.
    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(String(40))
    value: Mapped[int] = mapped_column(BigInteger)
    occurred_at: Mapped[datetime]
    # Oldest first on delivery; indexed for the ordered, locked claim.
    spooled_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
