"""The monthly invoice run: one invoice per billable tenant and period, in bulk.

Built for thousands of tenants: three queries load tenants, plan history
and usage for the whole period, the math runs in memory (pure functions),
and invoices are inserted in chunks with ``ON CONFLICT DO NOTHING`` on
(tenant, period). That constraint is what makes the run idempotent: a rerun,
or two runs racing, can only create the invoices that are still missing,
and lines are written only for invoices this run actually inserted.
"""

from __future__ import annotations

import time as clock
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from consorcio_contract.plans import CATALOG, Plan
from control_plane.audit.service import ActionContext, AuditService
from control_plane.billing.invoice_math import InvoiceDraft, compose_invoice, plan_segments
from control_plane.billing.models import Invoice, InvoiceLine, InvoiceStatus
from control_plane.billing.periods import BillingPeriod, local_date
from control_plane.settings import BillingSettings
from control_plane.tenants.models import PlanChange, Tenant
from control_plane.usage.metrics import BillableUsage
from control_plane.usage.service import UsageService

CHUNK = 1_000


@dataclass(frozen=True)
class RunResult:
    period: BillingPeriod
    tenants_billable: int
    created: int
    already_invoiced: int
    total_amount: Decimal
    seconds: float


class InvoiceRun:
    def __init__(self, session: AsyncSession, settings: BillingSettings) -> None:
        self.session = session
        self.settings = settings

    async def run(self, ctx: ActionContext, period: BillingPeriod, now: datetime) -> RunResult:
        """Invoice every tenant whose contract overlaps ``period`` and has no invoice for it yet."""
        started = clock.perf_counter()
        tenants = (
            await self.session.execute(
                select(Tenant.id, Tenant.deleted_at).where(
                    Tenant.contract_start < period.end,
                    or_(Tenant.deleted_at.is_(None), Tenant.deleted_at >= period.start_instant),
                )
            )
        ).all()
        invoiced = set(
            (
                await self.session.scalars(
                    select(Invoice.tenant_id).where(Invoice.period_start == period.start)
                )
            ).all()
        )
        todo = [(tid, deleted_at) for tid, deleted_at in tenants if tid not in invoiced]
        history: dict[uuid.UUID, list[tuple[date, Plan]]] = defaultdict(list)
        if todo:
            rows = await self.session.execute(
                select(PlanChange.tenant_id, PlanChange.effective_from, PlanChange.plan).where(
                    PlanChange.effective_from < period.end_instant
                )
            )
            for tenant_id, effective_from, plan in rows:
                history[tenant_id].append((local_date(effective_from), CATALOG[plan]))
        usage = await UsageService(self.session).aggregate_all(period) if todo else {}

        created = 0
        total = Decimal("0.00")
        today = local_date(now)
        for start in range(0, len(todo), CHUNK):
            drafts: list[tuple[uuid.UUID, InvoiceDraft]] = []
            for tenant_id, deleted_at in todo[start : start + CHUNK]:
                contract_end = local_date(deleted_at) + timedelta(days=1) if deleted_at else None
                segments = plan_segments(period, history.get(tenant_id, []), contract_end)
                if not segments:
                    continue
                billable = BillableUsage.from_aggregates(usage.get(tenant_id, {}))
                drafts.append((tenant_id, compose_invoice(period, segments, billable)))
            inserted = await self._insert_chunk(period, drafts, now, today)
            created += len(inserted)
            total += sum((d.total for tid, d in drafts if tid in inserted), Decimal("0.00"))
            await self.session.commit()

        result = RunResult(
            period=period,
            tenants_billable=len(tenants),
            created=created,
            already_invoiced=len(tenants) - len(todo),
            total_amount=total,
            seconds=round(clock.perf_counter() - started, 3),
        )
        AuditService(self.session).record(
            ctx,
            "billing.invoice_run",
            "billing_period",
            period.label,
            {"created": created, "alreadyInvoiced": result.already_invoiced, "total": str(total)},
        )
        await self.session.commit()
        return result

    async def _insert_chunk(
        self,
        period: BillingPeriod,
        drafts: Sequence[tuple[uuid.UUID, InvoiceDraft]],
        now: datetime,
        today: date,
    ) -> set[uuid.UUID]:
        """Insert drafts that are still missing; returns the tenant ids actually inserted."""
        if not drafts:
            return set()
        ids = {tenant_id: uuid.uuid4() for tenant_id, _ in drafts}
        rows = [
            {
                "id": ids[tenant_id],
                "tenant_id": tenant_id,
                "period_start": period.start,
                "period_end": period.end,
                "status": InvoiceStatus.DRAFT,
                "currency": "BRL",
                "total": draft.total,
                "amount_paid": Decimal("0.00"),
            }
            for tenant_id, draft in drafts
        ]
        statement = (
            pg_insert(Invoice)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["tenant_id", "period_start"])
            .returning(Invoice.tenant_id)
        )
        inserted = set((await self.session.scalars(statement)).all())
        lines = [
            {
                "id": uuid.uuid4(),
                "invoice_id": ids[tenant_id],
                "position": position,
                "kind": line.kind,
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": line.amount,
            }
            for tenant_id, draft in drafts
            if tenant_id in inserted
            for position, line in enumerate(draft.lines, start=1)
        ]
        if lines:
            await self.session.execute(insert(InvoiceLine), lines)
        if self.settings.auto_finalize and inserted:
            new_ids = [ids[t] for t in inserted]
            await self.session.execute(
                update(Invoice)
                .where(Invoice.id.in_(new_ids), Invoice.total > 0)
                .values(
                    status=InvoiceStatus.OPEN,
                    issued_at=now,
                    due_date=today + timedelta(days=self.settings.payment_terms_days),
                )
            )
            # Nothing to collect (e.g. a contract that ended on day one).
            await self.session.execute(
                update(Invoice)
                .where(Invoice.id.in_(new_ids), Invoice.total == 0)
                .values(status=InvoiceStatus.PAID, issued_at=now, due_date=today, paid_at=now)
            )
        return inserted
