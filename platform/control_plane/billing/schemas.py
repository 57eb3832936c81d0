"""Billing API payloads."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

import msgspec

from control_plane.api_schema import Period, RequestBody, ResponseBody
from control_plane.billing.models import Invoice, InvoiceStatus, Payment


class PaymentMethod(StrEnum):
    PIX = "pix"
    BOLETO = "boleto"
    TRANSFER = "transfer"
    CARD = "card"
    OTHER = "other"


class InvoiceRunRequest(RequestBody):
    period: Period


class InvoiceRunSummary(ResponseBody):
    period: str
    tenants_billable: int
    created: int
    already_invoiced: int
    total_amount: Decimal
    seconds: float


class PaymentIn(RequestBody):
    amount: Decimal  # > 0, at most two decimals (checked by the service: msgspec cannot)
    method: PaymentMethod
    reference: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    received_at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None


class VoidRequest(RequestBody):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class InvoiceLineView(ResponseBody):
    position: int
    kind: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


class PaymentView(ResponseBody):
    id: uuid.UUID
    invoice_id: uuid.UUID
    amount: Decimal
    method: str
    reference: str | None
    received_at: datetime
    recorded_by: str


class InvoiceView(ResponseBody):
    id: uuid.UUID
    number: str
    tenant: str
    period: str
    status: InvoiceStatus
    currency: str
    total: Decimal
    amount_paid: Decimal
    amount_due: Decimal
    issued_at: datetime | None
    due_date: date | None
    paid_at: datetime | None
    lines: list[InvoiceLineView] | None = None


class PaymentResult(ResponseBody):
    payment: PaymentView
    invoice: InvoiceView
    replayed: bool


class DunningSummary(ResponseBody):
    as_of: date
    reminders: int
    suspended: list[str]
    resumed: list[str]
    failures: list[str]


def invoice_number(number: int) -> str:
    return f"CP-{number:08d}"


def invoice_view(invoice: Invoice, slug: str, *, with_lines: bool = False) -> InvoiceView:
    lines = None
    if with_lines:
        lines = [
            InvoiceLineView(
                position=line.position,
                kind=line.kind.value,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
            )
            for line in invoice.lines
        ]
    return InvoiceView(
        id=invoice.id,
        number=invoice_number(invoice.number),
        tenant=slug,
        period=f"{invoice.period_start:%Y-%m}",
        status=invoice.status,
        currency=invoice.currency,
        total=invoice.total,
        amount_paid=invoice.amount_paid,
        amount_due=invoice.total - invoice.amount_paid,
        issued_at=invoice.issued_at,
        due_date=invoice.due_date,
        paid_at=invoice.paid_at,
        lines=lines,
    )


def payment_view(payment: Payment) -> PaymentView:
    return PaymentView(
        id=payment.id,
        invoice_id=payment.invoice_id,
        amount=payment.amount,
        method=payment.method,
        reference=payment.reference,
        received_at=payment.received_at,
        recorded_by=payment.recorded_by,
    )
