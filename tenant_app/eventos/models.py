"""The outbox table: one row per domain event, committed with the change that caused it.

Delivery state lives here too, so a crash of the worker, Redis or PostgreSQL at any
point leaves either an undispatched row (dispatched again) or a dispatched one whose
fan-out rows were committed with it (see ``tenant_app.notificacoes.despacho``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Identity, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from tenant_app.database.base import Base


class EventoOutbox(Base):
    """One domain event. ``id`` is its stable identity (webhook-id, dedup by consumers);
    ``seq`` orders events and is the SSE ``id`` a reconnecting browser sends back."""

    __tablename__ = "eventos_outbox"
    # The event is derived from audited changes; auditing it again would double the trail.
    __audited__ = False

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    tipo: Mapped[str] = mapped_column(String(60))
    #: The aggregate it is about (e.g. ``cota:<uuid>``), for consumers that order per entity.
    chave: Mapped[str | None] = mapped_column(String(120))
    #: Set only for events a periodic scan emits (``parcela.vencendo``): the scan inserts
    #: with ON CONFLICT DO NOTHING, so a rerun never emits twice.
    deduplicacao: Mapped[str | None] = mapped_column(String(160), unique=True)
    dados: Mapped[dict[str, Any]] = mapped_column(JSONB)
    #: Staff user it concerns only (e.g. the requester of a report), else the whole tenant.
    usuario_id: Mapped[uuid.UUID | None]
    ocorrido_em: Mapped[datetime] = mapped_column(server_default=text("now()"))
    despachado_em: Mapped[datetime | None]
    tentativas: Mapped[int] = mapped_column(server_default=text("0"))
    ultimo_erro: Mapped[str | None] = mapped_column(Text)
    #: W3C traceparent of the work that recorded it: its deliveries join that trace.
    traceparent: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        # The dispatcher's claim: undispatched rows, oldest first.
        Index("ix_eventos_outbox_pendentes", "seq", postgresql_where=text("despachado_em IS NULL")),
    )
