"""What a tenant's invoice for a period would be if the period ended now.

The same pure math as the monthly run (``plan_segments`` + ``compose_invoice``)
over the usage reported so far, nothing stored: staff (and ``make up``) see a
tenant app's usage reach billing without waiting for the month to close.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from consorcio_contract.plans import CATALOG, PlanName
from consorcio_contract.usage import Metric
from control_plane.billing.invoice_math import InvoiceDraft, compose_invoice, plan_segments
from control_plane.billing.periods import BillingPeriod, local_date
from control_plane.problems import NotFound
from control_plane.tenants.models import PlanChange, Tenant
from control_plane.usage.metrics import BillableUsage, MetricAggregate
from control_plane.usage.service import UsageService, with_missing_metrics


@dataclass(frozen=True)
class InvoicePreview:
    slug: str
    plan: PlanName
    draft: InvoiceDraft
    usage: dict[Metric, MetricAggregate]


async def preview_invoice(session: AsyncSession, slug: str, period: BillingPeriod) -> InvoicePreview:
    """The draft invoice of ``slug`` for ``period`` with the usage stored until now."""
    tenant = (
        await session.execute(select(Tenant.id, Tenant.plan, Tenant.deleted_at).where(Tenant.slug == slug))
    ).first()
    if tenant is None:
        raise NotFound(f"tenant {slug!r} does not exist")
    tenant_id, plan, deleted_at = tenant
    changes = await session.execute(
        select(PlanChange.effective_from, PlanChange.plan).where(
            PlanChange.tenant_id == tenant_id, PlanChange.effective_from < period.end_instant
        )
    )
    history = [(local_date(effective_from), CATALOG[p]) for effective_from, p in changes]
    contract_end = local_date(deleted_at) + timedelta(days=1) if deleted_at else None
    segments = plan_segments(period, history, contract_end)
    usage = with_missing_metrics(await UsageService(session).aggregate(tenant_id, period))
    draft = compose_invoice(period, segments, BillableUsage.from_aggregates(usage))
    return InvoicePreview(slug=slug, plan=plan, draft=draft, usage=usage)
