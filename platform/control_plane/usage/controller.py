"""Usage: tenant apps report, staff read aggregates."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from consorcio_contract.usage import UsageBatch
from consorcio_kit.input_rules import WIDE_INTEGERS
from control_plane.api_schema import PeriodQuery
from control_plane.auth.guards import admin_guard, current_tenant_app, tenant_app_guard
from control_plane.auth.roles import Permission
from control_plane.billing.periods import BillingPeriod
from control_plane.problems import Forbidden, InvalidInput, NotFound
from control_plane.tenants.models import Tenant
from control_plane.usage.schemas import IngestResult, UsageReport, metric_usage_views
from control_plane.usage.service import UsageService, with_missing_metrics


def parse_period(value: str | None, field: str = "period") -> BillingPeriod:
    """``YYYY-MM`` from a query parameter; the current month when absent."""
    if not value:
        return BillingPeriod.containing_instant(datetime.now(UTC))
    try:
        return BillingPeriod.parse(value)
    except ValueError as err:
        raise InvalidInput.field(field, str(err)) from None


class UsageReportController(Controller):
    path = "/api/tenants/{slug:str}/usage"
    tags = ("usage",)
    guards = (admin_guard,)

    @get("/", operation_id="getTenantUsage", name="usage:report", opt={"permission": Permission.USAGE_READ})
    async def report(
        self,
        slug: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        period: PeriodQuery = None,
    ) -> UsageReport:
        """count / sum / max / latest per metric for a billing period (default: this month)."""
        billing_period = parse_period(period)
        tenant_id = await db_session.scalar(select(Tenant.id).where(Tenant.slug == slug))
        if tenant_id is None:
            raise NotFound(f"tenant {slug!r} does not exist")
        aggregates = with_missing_metrics(await UsageService(db_session).aggregate(tenant_id, billing_period))
        return UsageReport(slug=slug, period=billing_period.label, metrics=metric_usage_views(aggregates))


class UsageIngestController(Controller):
    path = "/api/tenant-app/tenants/{slug:str}/usage-events"
    tags = ("tenant-app",)
    guards = (tenant_app_guard,)

    @post(
        "/",
        operation_id="ingestUsageEvents",
        name="usage:ingest",
        status_code=202,
        # UsageBatch bounds its values itself (up to 10**12, past 32 bits).
        opt={WIDE_INTEGERS: True},
    )
    async def ingest(
        self,
        slug: FromPath[str],
        data: JSONBody[UsageBatch],
        db_session: NamedDependency[AsyncSession],
        request: Request,  # type: ignore[type-arg]
    ) -> IngestResult:
        """Store a batch of usage events; resending the same event ids is harmless."""
        current_tenant_app(request)  # the guard matched the slug to the caller
        row = (
            await db_session.execute(select(Tenant.id, Tenant.deleted_at).where(Tenant.slug == slug))
        ).first()
        if row is None:
            raise NotFound(f"tenant {slug!r} is not registered in the control plane")
        if row[1] is not None:
            raise Forbidden(f"tenant {slug!r} was deleted")
        return await UsageService(db_session).ingest(row[0], data.events, datetime.now(UTC))
