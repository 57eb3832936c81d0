"""Dunning: reminders for overdue invoices, suspension after the grace period,
and lifting that suspension once nothing is past grace any more.

Level-based: each run computes which tenants *should* be suspended for
non-payment from the invoices alone and converges the resources to it, so a
missed run, a failed Kubernetes call or a payment recorded while the worker
was down are all corrected by the next run. Reminders are recorded once per
invoice and reminder day (unique key): the ``dunning_notices`` table is the
outbox a mailer reads.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.audit.service import ActionContext, AuditService
from control_plane.billing.models import DunningNotice, Invoice, InvoiceStatus
from control_plane.billing.schemas import invoice_number
from control_plane.problems import Problem
from control_plane.settings import BillingSettings
from control_plane.tenants.models import SuspensionReason, Tenant
from control_plane.tenants.resources import TenantResources
from control_plane.tenants.service import TenantService

logger = logging.getLogger(__name__)


@dataclass
class DunningResult:
    as_of: date
    reminders: int = 0
    suspended: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class DunningService:
    def __init__(self, session: AsyncSession, resources: TenantResources, settings: BillingSettings) -> None:
        self.session = session
        self.settings = settings
        self.tenants = TenantService(session, resources)
        self.audit = AuditService(session)

    async def past_grace_tenants(self, as_of: date) -> set[uuid.UUID]:
        """Tenants with an open invoice more than ``grace_days`` days past due on ``as_of``."""
        cutoff = as_of - timedelta(days=self.settings.grace_days)
        query = select(Invoice.tenant_id).where(
            Invoice.status == InvoiceStatus.OPEN, Invoice.due_date < cutoff
        )
        return set((await self.session.scalars(query)).all())

    async def run(self, ctx: ActionContext, as_of: date) -> DunningResult:
        result = DunningResult(as_of=as_of)
        await self._remind(ctx, as_of, result)
        past_grace = await self.past_grace_tenants(as_of)
        candidates = (
            await self.session.execute(
                select(Tenant.id, Tenant.slug, Tenant.suspended, Tenant.suspension_reason).where(
                    Tenant.deleted_at.is_(None)
                )
            )
        ).all()
        for tenant_id, slug, suspended, reason in candidates:
            try:
                if tenant_id in past_grace:
                    if not suspended:
                        result.suspended.append(slug)
                    # Re-asserted every run: repairs a resource resumed behind our back.
                    await self.tenants.suspend(
                        ctx, slug, SuspensionReason.DUNNING, "invoice past grace period"
                    )
                elif suspended and reason is SuspensionReason.DUNNING:
                    await self.tenants.resume(ctx, slug, only_reason=SuspensionReason.DUNNING)
                    result.resumed.append(slug)
            except Problem as err:
                await self.session.rollback()
                logger.warning("dunning could not converge tenant %s: %s", slug, err)
                result.failures.append(f"{slug}: {err}")
        return result

    async def _remind(self, ctx: ActionContext, as_of: date, result: DunningResult) -> None:
        overdue = (
            await self.session.execute(
                select(Invoice.id, Invoice.number, Invoice.tenant_id, Invoice.due_date, Tenant.slug)
                .join(Tenant, Tenant.id == Invoice.tenant_id)
                .where(
                    Invoice.status == InvoiceStatus.OPEN,
                    Invoice.due_date < as_of,
                    Tenant.deleted_at.is_(None),
                )
            )
        ).all()
        for invoice_id, number, tenant_id, due_date, slug in overdue:
            if due_date is None:
                continue
            days_late = (as_of - due_date).days
            kinds = [f"reminder-{d}" for d in self.settings.reminder_days if days_late >= d]
            if days_late > self.settings.grace_days:
                kinds.append("suspension")
            for kind in kinds:
                inserted = await self.session.scalar(
                    pg_insert(DunningNotice)
                    .values(id=uuid.uuid4(), invoice_id=invoice_id, tenant_id=tenant_id, kind=kind)
                    .on_conflict_do_nothing(index_elements=["invoice_id", "kind"])
                    .returning(DunningNotice.id)
                )
                if inserted is not None:
                    if kind.startswith("reminder"):
                        result.reminders += 1
                    self.audit.record(
                        ctx,
                        f"dunning.{kind.split('-')[0]}",
                        "invoice",
                        invoice_number(number),
                        {"tenant": slug, "daysLate": days_late, "notice": kind},
                    )
        await self.session.commit()

    async def lift_if_settled(self, ctx: ActionContext, tenant_id: uuid.UUID, as_of: date) -> bool:
        """After a payment: resume a tenant suspended for non-payment if nothing is past grace.

        Never raises for a Kubernetes failure: the money is already recorded,
        and the next dunning run converges the resource anyway.
        """
        tenant = await self.session.get(Tenant, tenant_id)
        if tenant is None or not tenant.suspended or tenant.suspension_reason is not SuspensionReason.DUNNING:
            return False
        if tenant_id in await self.past_grace_tenants(as_of):
            return False
        try:
            await self.tenants.resume(ctx, tenant.slug, only_reason=SuspensionReason.DUNNING)
        except Problem as err:
            await self.session.rollback()
            logger.warning(
                "could not resume %s after payment (next dunning run retries): %s", tenant.slug, err
            )
            return False
        return True
