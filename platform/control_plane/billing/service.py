"""Invoices after the run: reading, state changes and payments."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from control_plane.audit.service import ActionContext, AuditService
from control_plane.billing.invoice_states import PAYABLE, can_transition
from control_plane.billing.models import Invoice, InvoiceStatus, Payment
from control_plane.billing.periods import BillingPeriod, local_date
from control_plane.billing.schemas import PaymentIn, invoice_number
from control_plane.problems import Conflict, InvalidInput, NotFound
from control_plane.settings import BillingSettings
from control_plane.tenants.models import Tenant

CENT = Decimal("0.01")
#: The largest value a Money column (NUMERIC(14,2)) stores.
MAX_AMOUNT = Decimal("999999999999.99")


def _fingerprint(invoice_id: uuid.UUID, data: PaymentIn) -> str:
    """What a payment request asked for, to tell a replay from a key reused for something else."""
    canonical = {
        "invoice": str(invoice_id),
        "amount": str(data.amount.quantize(CENT)),
        "method": data.method.value,
        "reference": data.reference,
        "receivedAt": data.received_at.isoformat() if data.received_at else None,
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


class InvoiceService:
    def __init__(self, session: AsyncSession, settings: BillingSettings) -> None:
        self.session = session
        self.settings = settings
        self.audit = AuditService(session)

    async def list(
        self,
        *,
        slug: str | None = None,
        status: InvoiceStatus | None = None,
        period: BillingPeriod | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Sequence[tuple[Invoice, str]]:
        query = (
            select(Invoice, Tenant.slug)
            .join(Tenant, Tenant.id == Invoice.tenant_id)
            .order_by(Invoice.period_start.desc(), Invoice.number.desc())
            .limit(limit)
            .offset(offset)
        )
        if slug:
            query = query.where(Tenant.slug == slug)
        if status:
            query = query.where(Invoice.status == status)
        if period:
            query = query.where(Invoice.period_start == period.start)
        return [(row[0], row[1]) for row in (await self.session.execute(query)).all()]

    async def get(self, invoice_id: uuid.UUID, *, for_update: bool = False) -> tuple[Invoice, str]:
        query = (
            select(Invoice, Tenant.slug)
            .join(Tenant, Tenant.id == Invoice.tenant_id)
            .where(Invoice.id == invoice_id)
            .options(selectinload(Invoice.lines))
        )
        if for_update:
            query = query.with_for_update(of=Invoice)
        row = (await self.session.execute(query)).first()
        if row is None:
            raise NotFound(f"invoice {invoice_id} does not exist")
        return row[0], row[1]

    async def payments(self, invoice_id: uuid.UUID) -> Sequence[Payment]:
        await self.get(invoice_id)
        query = select(Payment).where(Payment.invoice_id == invoice_id).order_by(Payment.received_at)
        return (await self.session.scalars(query)).all()

    async def _transition(
        self,
        ctx: ActionContext,
        invoice_id: uuid.UUID,
        target: InvoiceStatus,
        now: datetime,
        details: dict[str, str],
    ) -> tuple[Invoice, str]:
        invoice, slug = await self.get(invoice_id, for_update=True)
        if invoice.status == target:
            return invoice, slug  # repeating a transition is a no-op
        if not can_transition(invoice.status, target):
            raise Conflict(f"an invoice in state {invoice.status.value!r} cannot become {target.value!r}")
        previous = invoice.status
        invoice.status = target
        if target is InvoiceStatus.OPEN:
            invoice.issued_at = now
            invoice.due_date = local_date(now) + timedelta(days=self.settings.payment_terms_days)
        elif target is InvoiceStatus.VOID:
            invoice.voided_at = now
        elif target is InvoiceStatus.UNCOLLECTIBLE:
            invoice.uncollectible_at = now
        self.audit.record(
            ctx,
            f"invoice.{target.value}",
            "invoice",
            invoice_number(invoice.number),
            {"tenant": slug, "from": previous.value, **details},
        )
        await self.session.commit()
        return invoice, slug

    async def finalize(self, ctx: ActionContext, invoice_id: uuid.UUID, now: datetime) -> tuple[Invoice, str]:
        return await self._transition(ctx, invoice_id, InvoiceStatus.OPEN, now, {})

    async def void(
        self, ctx: ActionContext, invoice_id: uuid.UUID, reason: str, now: datetime
    ) -> tuple[Invoice, str]:
        invoice, _ = await self.get(invoice_id)
        if invoice.amount_paid > 0 and invoice.status is not InvoiceStatus.VOID:
            raise Conflict("an invoice with payments cannot be voided; refund first")
        return await self._transition(ctx, invoice_id, InvoiceStatus.VOID, now, {"reason": reason})

    async def mark_uncollectible(
        self, ctx: ActionContext, invoice_id: uuid.UUID, now: datetime
    ) -> tuple[Invoice, str]:
        return await self._transition(ctx, invoice_id, InvoiceStatus.UNCOLLECTIBLE, now, {})

    async def record_payment(
        self, ctx: ActionContext, invoice_id: uuid.UUID, key: str, data: PaymentIn, now: datetime
    ) -> tuple[Payment, Invoice, str, bool]:
        """Record money received; the Idempotency-Key makes retries return the first result.

        Returns (payment, invoice, tenant slug, replayed).
        """
        if not data.amount.is_finite() or data.amount <= 0:
            raise InvalidInput.field("amount", "must be a positive amount in reais")
        # Checked before quantize: a huge value (8.4e307 came from the fuzzer) makes quantize
        # raise InvalidOperation, and the Money column (NUMERIC(14,2)) could not store it anyway.
        if data.amount > MAX_AMOUNT:
            raise InvalidInput.field("amount", f"must be at most {MAX_AMOUNT}")
        if data.amount != data.amount.quantize(CENT):
            raise InvalidInput.field("amount", "must have at most two decimal places")
        fingerprint = _fingerprint(invoice_id, data)
        replay = await self._replay(key, fingerprint)
        if replay is not None:
            return replay
        invoice, slug = await self.get(invoice_id, for_update=True)
        if invoice.status not in PAYABLE:
            raise Conflict(f"an invoice in state {invoice.status.value!r} does not take payments")
        outstanding = invoice.total - invoice.amount_paid
        if data.amount > outstanding:
            raise InvalidInput.field("amount", f"exceeds the amount due ({outstanding})")
        payment = Payment(
            invoice_id=invoice.id,
            amount=data.amount,
            method=data.method.value,
            reference=data.reference,
            idempotency_key=key,
            request_fingerprint=fingerprint,
            received_at=data.received_at or now,
            recorded_by=ctx.actor,
        )
        self.session.add(payment)
        try:
            await self.session.flush()
        except IntegrityError:
            # The same key raced us and committed first: answer as a replay.
            await self.session.rollback()
            replay = await self._replay(key, fingerprint)
            if replay is None:
                raise
            return replay
        invoice.amount_paid += data.amount
        if invoice.amount_paid == invoice.total:
            invoice.status = InvoiceStatus.PAID
            invoice.paid_at = now
        self.audit.record(
            ctx,
            "invoice.payment",
            "invoice",
            invoice_number(invoice.number),
            {
                "tenant": slug,
                "amount": str(data.amount),
                "method": data.method.value,
                "status": invoice.status.value,
            },
        )
        await self.session.commit()
        return payment, invoice, slug, False

    async def _replay(self, key: str, fingerprint: str) -> tuple[Payment, Invoice, str, bool] | None:
        earlier = await self.session.scalar(select(Payment).where(Payment.idempotency_key == key))
        if earlier is None:
            return None
        if earlier.request_fingerprint != fingerprint:
            raise InvalidInput.field("Idempotency-Key", "was already used for a different payment")
        invoice, slug = await self.get(earlier.invoice_id)
        return earlier, invoice, slug, True
