"""The usage-event schema: what a tenant app reports and the control plane bills.

On the wire (``POST /api/tenant-app/tenants/<slug>/usage-events``)::

    {"events": [{"id": "<uuid>", "metric": "api_requests", "value": 12,
                 "occurredAt": "2026-12-06T15:00:00+00:00"}, ...]}

The reporter chooses each event's ``id`` (a UUID is best) when it records the
event and reuses it on every retry: the control plane stores each
(tenant, id) once, so a resent batch never bills twice.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import msgspec


class Metric(StrEnum):
    """What tenant apps meter. How each is billed is the control plane's business."""

    ACTIVE_COTAS = "active_cotas"
    USERS = "users"
    API_REQUESTS = "api_requests"
    #: Payments registered (a counter; reported, not priced yet).
    PAGAMENTOS_REGISTRADOS = "pagamentos_registrados"
    #: Object storage in use (documents, reports, bank files): a gauge in MiB, rounded up
    #: (bytes could pass MAX_VALUE for a big tenant). Reported, not priced yet.
    STORAGE_MIB = "storage_mib"


MAX_BATCH = 5_000
MAX_EVENT_ID_LENGTH = 100
MAX_VALUE = 10**12


class UsageEvent(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True, frozen=True):
    """One measurement; ``value`` is an increment for counters and a reading for gauges."""

    id: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_EVENT_ID_LENGTH)]
    metric: Metric
    value: Annotated[int, msgspec.Meta(ge=0, le=MAX_VALUE)]
    occurred_at: Annotated[datetime, msgspec.Meta(tz=True)]


class UsageBatch(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True, frozen=True):
    """The request body of the usage-events endpoint."""

    events: Annotated[list[UsageEvent], msgspec.Meta(min_length=1, max_length=MAX_BATCH)]
