"""``GET /api/tenants/{slug}/invoice-preview``: the invoice so far, with the usage it counts."""

from __future__ import annotations

from decimal import Decimal

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.api_schema import PeriodQuery, ResponseBody
from control_plane.auth.guards import admin_guard
from control_plane.auth.roles import Permission
from control_plane.billing.invoice_preview import preview_invoice
from control_plane.billing.schemas import InvoiceLineView
from control_plane.usage.controller import parse_period
from control_plane.usage.schemas import MetricUsage, metric_usage_views


class InvoicePreviewView(ResponseBody):
    tenant: str
    period: str
    plan: str
    currency: str
    total: Decimal
    lines: list[InvoiceLineView]
    usage: list[MetricUsage]


class InvoicePreviewController(Controller):
    path = "/api/tenants/{slug:str}/invoice-preview"
    tags = ("billing",)
    guards = (admin_guard,)

    @get(
        "/",
        operation_id="previewInvoice",
        name="billing:invoice-preview",
        opt={"permission": Permission.BILLING_READ},
    )
    async def preview(
        self,
        slug: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        period: PeriodQuery = None,
    ) -> InvoicePreviewView:
        """The period's invoice (default: this month) as it stands with the usage reported so far."""
        preview = await preview_invoice(db_session, slug, parse_period(period))
        draft = preview.draft
        return InvoicePreviewView(
            tenant=slug,
            period=draft.period.label,
            plan=preview.plan.value,
            currency="BRL",
            total=draft.total,
            lines=[
                InvoiceLineView(
                    position=position,
                    kind=line.kind.value,
                    description=line.description,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    amount=line.amount,
                )
                for position, line in enumerate(draft.lines, start=1)
            ],
            usage=metric_usage_views(preview.usage),
        )
