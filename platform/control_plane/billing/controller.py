"""Billing API: invoice runs, invoices, payments, dunning."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.api_schema import Offset, PeriodQuery
from control_plane.audit.service import ActionContext, AuditService
from control_plane.auth.guards import admin_guard
from control_plane.auth.roles import Permission
from control_plane.billing.dunning import DunningService
from control_plane.billing.invoice_run import InvoiceRun
from control_plane.billing.models import InvoiceStatus
from control_plane.billing.periods import BillingPeriod, local_date
from control_plane.billing.schemas import (
    DunningSummary,
    InvoiceRunRequest,
    InvoiceRunSummary,
    InvoiceView,
    PaymentIn,
    PaymentResult,
    PaymentView,
    VoidRequest,
    invoice_view,
    payment_view,
)
from control_plane.billing.service import InvoiceService
from control_plane.idempotency import idempotency_key_header, require_idempotency_key
from control_plane.problems import InvalidInput
from control_plane.tenants.resources import TenantResources
from control_plane.usage.controller import parse_period

WRITE = {"permission": Permission.BILLING_WRITE}
READ = {"permission": Permission.BILLING_READ}


class BillingRunController(Controller):
    path = "/api/billing"
    tags = ("billing",)
    guards = (admin_guard,)

    @post("/invoice-runs", operation_id="runInvoices", name="billing:invoice-run", status_code=200, opt=WRITE)
    async def invoice_run(
        self,
        data: JSONBody[InvoiceRunRequest],
        db_session: NamedDependency[AsyncSession],
        state: State,
        action_context: NamedDependency[ActionContext],
    ) -> InvoiceRunSummary:
        """Invoice a closed period now (the beat job does this monthly). Safe to repeat."""
        period = BillingPeriod.parse(data.period)
        now = datetime.now(UTC)
        if period.end > local_date(now):
            raise InvalidInput.field("period", "only a period that has ended can be invoiced")
        result = await InvoiceRun(db_session, state.settings.billing).run(action_context, period, now)
        return InvoiceRunSummary(
            period=result.period.label,
            tenants_billable=result.tenants_billable,
            created=result.created,
            already_invoiced=result.already_invoiced,
            total_amount=result.total_amount,
            seconds=result.seconds,
        )

    @post("/dunning-runs", operation_id="runDunning", name="billing:dunning-run", status_code=200, opt=WRITE)
    async def dunning_run(
        self,
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
        action_context: NamedDependency[ActionContext],
    ) -> DunningSummary:
        """Send due reminders and converge suspensions for non-payment now (the beat job runs hourly)."""
        service = DunningService(db_session, tenant_resources, state.settings.billing)
        result = await service.run(action_context, local_date(datetime.now(UTC)))
        AuditService(db_session).record(
            action_context,
            "billing.dunning_run",
            "billing",
            result.as_of.isoformat(),
            {"reminders": result.reminders, "suspended": result.suspended, "resumed": result.resumed},
        )
        await db_session.commit()
        return DunningSummary(
            as_of=result.as_of,
            reminders=result.reminders,
            suspended=result.suspended,
            resumed=result.resumed,
            failures=result.failures,
        )


class InvoiceController(Controller):
    path = "/api/invoices"
    tags = ("billing",)
    guards = (admin_guard,)

    @get("/", operation_id="listInvoices", name="invoices:list", opt=READ)
    async def list_invoices(
        self,
        db_session: NamedDependency[AsyncSession],
        state: State,
        tenant: FromQuery[str | None] = None,
        status: FromQuery[InvoiceStatus | None] = None,
        period: PeriodQuery = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
        offset: Offset = 0,
    ) -> list[InvoiceView]:
        billing_period = parse_period(period) if period else None
        rows = await InvoiceService(db_session, state.settings.billing).list(
            slug=tenant, status=status, period=billing_period, limit=limit, offset=offset
        )
        return [invoice_view(invoice, slug) for invoice, slug in rows]

    @get("/{invoice_id:uuid}", operation_id="getInvoice", name="invoices:get", opt=READ)
    async def get_invoice(
        self, invoice_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], state: State
    ) -> InvoiceView:
        invoice, slug = await InvoiceService(db_session, state.settings.billing).get(invoice_id)
        return invoice_view(invoice, slug, with_lines=True)

    @post(
        "/{invoice_id:uuid}/finalize",
        operation_id="finalizeInvoice",
        name="invoices:finalize",
        status_code=200,
        opt=WRITE,
    )
    async def finalize(
        self,
        invoice_id: FromPath[uuid.UUID],
        db_session: NamedDependency[AsyncSession],
        state: State,
        action_context: NamedDependency[ActionContext],
    ) -> InvoiceView:
        """draft -> open: sets the issue and due dates."""
        service = InvoiceService(db_session, state.settings.billing)
        invoice, _ = await service.finalize(action_context, invoice_id, datetime.now(UTC))
        return invoice_view(*(await service.get(invoice.id)), with_lines=True)

    @post(
        "/{invoice_id:uuid}/void",
        operation_id="voidInvoice",
        name="invoices:void",
        status_code=200,
        opt=WRITE,
    )
    async def void(
        self,
        invoice_id: FromPath[uuid.UUID],
        data: JSONBody[VoidRequest],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
        action_context: NamedDependency[ActionContext],
    ) -> InvoiceView:
        """draft/open/uncollectible -> void. May lift a suspension for non-payment."""
        service = InvoiceService(db_session, state.settings.billing)
        now = datetime.now(UTC)
        invoice, _ = await service.void(action_context, invoice_id, data.reason, now)
        dunning = DunningService(db_session, tenant_resources, state.settings.billing)
        await dunning.lift_if_settled(action_context, invoice.tenant_id, local_date(now))
        return invoice_view(*(await service.get(invoice.id)), with_lines=True)

    @post(
        "/{invoice_id:uuid}/mark-uncollectible",
        operation_id="markInvoiceUncollectible",
        name="invoices:uncollectible",
        status_code=200,
        opt=WRITE,
    )
    async def mark_uncollectible(
        self,
        invoice_id: FromPath[uuid.UUID],
        db_session: NamedDependency[AsyncSession],
        state: State,
        action_context: NamedDependency[ActionContext],
    ) -> InvoiceView:
        service = InvoiceService(db_session, state.settings.billing)
        invoice, _ = await service.mark_uncollectible(action_context, invoice_id, datetime.now(UTC))
        return invoice_view(*(await service.get(invoice.id)), with_lines=True)

    @get("/{invoice_id:uuid}/payments", operation_id="listPayments", name="invoices:payments", opt=READ)
    async def list_payments(
        self, invoice_id: FromPath[uuid.UUID], db_session: NamedDependency[AsyncSession], state: State
    ) -> list[PaymentView]:
        payments = await InvoiceService(db_session, state.settings.billing).payments(invoice_id)
        return [payment_view(p) for p in payments]

    @post("/{invoice_id:uuid}/payments", operation_id="recordPayment", name="invoices:pay", opt=WRITE)
    async def record_payment(
        self,
        invoice_id: FromPath[uuid.UUID],
        data: JSONBody[PaymentIn],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
        action_context: NamedDependency[ActionContext],
        idempotency_key: Annotated[
            str | None,
            idempotency_key_header(
                "Required (428 without it): a new value, e.g. a UUID, per payment; a retry "
                "with the same key returns the first result."
            ),
        ] = None,
    ) -> Response[PaymentResult]:
        """Record money received. ``Idempotency-Key`` is required: a retry returns the first result.

        When the invoice becomes paid and nothing else is past the grace
        period, a suspension for non-payment is lifted right away.
        """
        key = require_idempotency_key(idempotency_key, "payment")
        service = InvoiceService(db_session, state.settings.billing)
        now = datetime.now(UTC)
        payment, invoice, slug, replayed = await service.record_payment(
            action_context, invoice_id, key, data, now
        )
        if invoice.status is InvoiceStatus.PAID and not replayed:
            dunning = DunningService(db_session, tenant_resources, state.settings.billing)
            await dunning.lift_if_settled(action_context, invoice.tenant_id, local_date(now))
        invoice, slug = await service.get(invoice.id)
        body = PaymentResult(
            payment=payment_view(payment), invoice=invoice_view(invoice, slug), replayed=replayed
        )
        return Response(body, status_code=200 if replayed else 201)
