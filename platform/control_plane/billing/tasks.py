"""Celery tasks for billing; thin wrappers that run the async services."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime
from typing import Any

from control_plane.audit.service import ActionContext
from control_plane.billing.dunning import DunningService
from control_plane.billing.invoice_run import InvoiceRun
from control_plane.billing.periods import BillingPeriod, local_date
from control_plane.database.engine import make_engine, make_session_factory
from control_plane.kube import make_api_client
from control_plane.settings import Settings
from control_plane.tenants.resources import TenantResources

logger = logging.getLogger(__name__)


async def issue_invoices(settings: Settings, period_label: str | None = None) -> dict[str, Any]:
    """Invoice ``period_label`` (default: the month that just ended). Idempotent."""
    now = datetime.now(UTC)
    period = (
        BillingPeriod.parse(period_label)
        if period_label
        else BillingPeriod.containing_instant(now).previous()
    )
    if period.end > local_date(now):
        raise ValueError(f"period {period.label} has not ended yet")
    engine = make_engine(settings.database, pooled=False)
    try:
        async with make_session_factory(engine)() as session:
            result = await InvoiceRun(session, settings.billing).run(
                ActionContext.system("beat"), period, now
            )
    finally:
        await engine.dispose()
    logger.info(
        "invoice run %s: %d created, %d already invoiced",
        period.label,
        result.created,
        result.already_invoiced,
    )
    return {
        "period": period.label,
        "created": result.created,
        "alreadyInvoiced": result.already_invoiced,
        "total": str(result.total_amount),
    }


async def run_dunning(settings: Settings, as_of: str | None = None) -> dict[str, Any]:
    """Reminders and suspensions as of ``as_of`` (ISO date; default today in the billing time zone)."""
    day = date.fromisoformat(as_of) if as_of else local_date(datetime.now(UTC))
    engine = make_engine(settings.database, pooled=False)
    api_client = make_api_client(settings.kubernetes)
    try:
        async with make_session_factory(engine)() as session:
            resources = TenantResources(api_client, operator_instance=settings.kubernetes.operator_instance)
            service = DunningService(session, resources, settings.billing)
            result = await service.run(ActionContext.system("beat"), day)
    finally:
        api_client.close()
        await engine.dispose()
    logger.info("dunning %s: suspended %s, resumed %s", day, result.suspended, result.resumed)
    return {
        "asOf": day.isoformat(),
        "reminders": result.reminders,
        "suspended": result.suspended,
        "resumed": result.resumed,
        "failures": result.failures,
    }


def run_sync(coro: Any) -> Any:
    """Celery tasks are synchronous: each runs its coroutine on a fresh event loop."""
    return asyncio.run(coro)
