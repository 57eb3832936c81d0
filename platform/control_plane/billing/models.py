"""Invoices, their lines, payments and dunning notices."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Identity,
    Index,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from control_plane.billing.invoice_math import LineKind
from control_plane.database.base import Base, Timestamps, UUIDPrimaryKey, str_enum


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PAID = "paid"
    VOID = "void"
    UNCOLLECTIBLE = "uncollectible"


class Invoice(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "invoices"
    # One invoice per tenant and period, whatever its state: re-running the
    # monthly job (or two runs racing) can never bill a period twice.
    __table_args__ = (
        UniqueConstraint("tenant_id", "period_start"),
        Index("ix_invoices_status_due", "status", "due_date"),
    )

    number: Mapped[int] = mapped_column(BigInteger, Identity(), unique=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    status: Mapped[InvoiceStatus] = mapped_column(str_enum(InvoiceStatus))
    currency: Mapped[str] = mapped_column(String(3), default="BRL")
    total: Mapped[Decimal]
    amount_paid: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    issued_at: Mapped[datetime | None]
    due_date: Mapped[date | None]
    paid_at: Mapped[datetime | None]
    voided_at: Mapped[datetime | None]
    uncollectible_at: Mapped[datetime | None]

    lines: Mapped[list[InvoiceLine]] = relationship(order_by="InvoiceLine.position", lazy="raise")


class InvoiceLine(UUIDPrimaryKey, Base):
    __tablename__ = "invoice_lines"

    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    kind: Mapped[LineKind] = mapped_column(str_enum(LineKind))
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    unit_price: Mapped[Decimal]
    amount: Mapped[Decimal]


class Payment(UUIDPrimaryKey, Base):
    __tablename__ = "payments"

    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal]
    method: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str | None] = mapped_column(String(200))
    # The client's Idempotency-Key and a hash of what it asked for: a replay
    # returns the first result, a different request under the same key is refused.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class DunningNotice(UUIDPrimaryKey, Base):
    """A reminder or suspension notice; the unique key makes each go out once."""

    __tablename__ = "dunning_notices"
    __table_args__ = (UniqueConstraint("invoice_id", "kind"),)

    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoices.id"))
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    #: Set once the e-mail went out (control_plane.billing.mailer); unsent rows are the mail outbox.
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(SmallInteger, server_default="0", default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
