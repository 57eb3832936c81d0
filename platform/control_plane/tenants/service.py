"""Tenant lifecycle for platform admins: onboarding, plan, suspension, deletion.

The ConsorcioTenant resource is the source of truth for what is provisioned;
this service keeps the commercial record (contract, billing contact, plan
history) and changes the resource's spec through the Kubernetes API. Each
operation writes Kubernetes first and commits the database after: if the
API call fails nothing is recorded, and every operation can be repeated
safely (creating an existing tenant with the same CNPJ adopts it).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from opentelemetry import trace
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from consorcio_contract.identifiers import normalize_cnpj
from consorcio_contract.plans import CATALOG, PlanName
from consorcio_contract.tenant_resource import LATEST_BACKUP, validate_spec
from control_plane.audit.service import ActionContext, AuditService
from control_plane.billing.invoice_math import ProrationPreview, preview_plan_change
from control_plane.billing.periods import BillingPeriod, local_date
from control_plane.problems import Conflict, FieldError, InvalidInput, NotFound
from control_plane.tenants.models import (
    BillingIssue,
    DeletionPolicy,
    PlanChange,
    SuspensionReason,
    Tenant,
    TenantStateChange,
)
from control_plane.tenants.resources import ResourceConflict, TenantResources, TenantResourceStatus
from control_plane.tenants.schemas import TenantCreate, TenantUpdate, backup_views
from control_plane.tenants.sync import contract_instant, record_change, record_registration

ChangePublisher = Callable[[], Awaitable[None]]
_tracer = trace.get_tracer("control_plane")
_Method = TypeVar("_Method", bound=Callable[..., Awaitable[Any]])


def _traced(span_name: str) -> Callable[[_Method], _Method]:
    """One span per lifecycle operation; the resource write inside carries its traceparent."""

    def wrap(method: _Method) -> _Method:
        @functools.wraps(method)
        async def traced(self: Any, ctx: ActionContext, *args: Any, **kwargs: Any) -> Any:
            first = args[0] if args else None
            slug = getattr(first, "slug", first)
            with _tracer.start_as_current_span(
                span_name, attributes={"consorcio.tenant": str(slug), "enduser.id": ctx.actor}
            ):
                return await method(self, ctx, *args, **kwargs)

        return traced  # type: ignore[return-value]

    return wrap


# Map the resource's field paths to this API's field names in error messages.
_FIELD_NAMES = {
    "metadata.name": "slug",
    "spec.displayName": "displayName",
    "spec.cnpj": "cnpj",
    "spec.plan": "plan",
    "spec.appVersion": "appVersion",
    "spec.host": "host",
    "spec.deletionPolicy": "deletionPolicy",
}
# The restore request's names for the resource's field paths.
_RESTORE_FIELD_NAMES = {"metadata.name": "into", "spec.restoreFrom.backup": "backup"}


@dataclass(frozen=True)
class TenantWithResource:
    tenant: Tenant
    resource: TenantResourceStatus


async def _no_publish() -> None:
    return None


def _now() -> datetime:
    return datetime.now(UTC)


class TenantService:
    def __init__(
        self,
        session: AsyncSession,
        resources: TenantResources,
        publish_change: ChangePublisher = _no_publish,
    ) -> None:
        self.session = session
        self.resources = resources
        self.audit = AuditService(session)
        self.publish_change = publish_change

    # -- reads ---------------------------------------------------------------

    async def get_record(self, slug: str, *, for_update: bool = False) -> Tenant:
        query = select(Tenant).where(Tenant.slug == slug)
        if for_update:
            query = query.with_for_update()
        tenant = await self.session.scalar(query)
        if tenant is None:
            raise NotFound(f"tenant {slug!r} does not exist")
        return tenant

    async def get(self, slug: str) -> TenantWithResource:
        tenant = await self.get_record(slug)
        obj = await self.resources.get(slug)
        return TenantWithResource(tenant, TenantResourceStatus.from_object(obj))

    async def list_tenants(
        self, *, include_deleted: bool = False, billing_issue: BillingIssue | None = None
    ) -> list[TenantWithResource]:
        query = select(Tenant).order_by(Tenant.slug)
        if not include_deleted:
            query = query.where(Tenant.deleted_at.is_(None))
        if billing_issue is not None:
            query = query.where(Tenant.has_billing_issue(billing_issue))
        tenants = (await self.session.scalars(query)).all()
        objects = await self.resources.list_all()
        return [TenantWithResource(t, TenantResourceStatus.from_object(objects.get(t.slug))) for t in tenants]

    async def plan_history(self, slug: str) -> Sequence[PlanChange]:
        tenant = await self.get_record(slug)
        query = (
            select(PlanChange).where(PlanChange.tenant_id == tenant.id).order_by(PlanChange.effective_from)
        )
        return (await self.session.scalars(query)).all()

    async def state_history(self, slug: str) -> Sequence[TenantStateChange]:
        """Plan, suspension and deletion changes, from the API and from the cluster, oldest first."""
        tenant = await self.get_record(slug)
        query = (
            select(TenantStateChange)
            .where(TenantStateChange.tenant_id == tenant.id)
            .order_by(TenantStateChange.changed_at, TenantStateChange.id)
        )
        return (await self.session.scalars(query)).all()

    # -- onboarding ----------------------------------------------------------

    @_traced("tenant.create")
    async def create(
        self, ctx: ActionContext, data: TenantCreate, now: datetime, *, _retry: bool = True
    ) -> tuple[TenantWithResource, bool]:
        """Onboard an administradora; returns (tenant, created). Repeating the call is safe."""
        spec = {
            "displayName": data.display_name,
            "cnpj": data.cnpj,
            "plan": data.plan.value,
            "suspended": False,
            "appVersion": data.app_version,
            "host": data.host,
            "deletionPolicy": data.deletion_policy.value,
            "deletionProtection": data.deletion_protection,
            "deletionGracePeriodDays": data.deletion_grace_period_days,
        }
        problems = validate_spec({k: v for k, v in spec.items() if v is not None}, data.slug)
        if problems:
            raise InvalidInput(
                "the tenant is not valid",
                errors=[FieldError(_FIELD_NAMES.get(p.field, p.field), p.message) for p in problems],
            )
        cnpj = normalize_cnpj(data.cnpj)
        existing = await self.session.scalar(select(Tenant).where(Tenant.slug == data.slug))
        if existing is not None:
            if existing.cnpj != cnpj or existing.deleted_at is not None:
                raise Conflict(f"slug {data.slug!r} is already taken")
            # Same administradora again: make sure the resource exists too.
            await self._ensure_resource(data.slug, spec | {"plan": existing.plan.value}, cnpj)
            if not existing.billing_contact_email:
                # Registered by the watch from a resource applied with kubectl: this call
                # brings the commercial data the resource cannot carry.
                existing.billing_contact_name = data.billing_contact.name
                existing.billing_contact_email = data.billing_contact.email
                existing.billing_contact_phone = data.billing_contact.phone
                existing.contract_number = data.contract_number or existing.contract_number
                self.audit.record(
                    ctx, "tenant.update", "tenant", data.slug, {"billingContact": data.billing_contact.email}
                )
                await self.session.commit()
            return await self.get(data.slug), False
        duplicate = await self.session.scalar(
            select(Tenant.slug).where(Tenant.cnpj == cnpj, Tenant.deleted_at.is_(None))
        )
        if duplicate is not None:
            raise Conflict(f"CNPJ already onboarded as tenant {duplicate!r}")
        # The cluster is the desired state: a tenant applied with kubectl holds its CNPJ too.
        # (A resource named like this slug is the same tenant, adopted by _ensure_resource.)
        holders = [name for name in await self.resources.holders_of_cnpj(cnpj) if name != data.slug]
        if holders:
            raise Conflict(f"CNPJ already held by the ConsorcioTenant {holders[0]!r} in the cluster")

        tenant = Tenant(
            slug=data.slug,
            display_name=data.display_name,
            cnpj=cnpj,
            plan=data.plan,
            suspended=False,
            deletion_policy=data.deletion_policy,
            contract_number=data.contract_number,
            contract_start=data.contract_start or local_date(now),
            billing_contact_name=data.billing_contact.name,
            billing_contact_email=data.billing_contact.email,
            billing_contact_phone=data.billing_contact.phone,
        )
        self.session.add(tenant)
        try:
            await self.session.flush()
        except IntegrityError:
            # A concurrent create of the same slug won the race (another call, or the
            # watch registering the resource): once more, as the "already exists" case.
            await self.session.rollback()
            if _retry:
                return await self.create(ctx, data, now, _retry=False)
            raise Conflict(f"slug {data.slug!r} is already taken") from None
        record_registration(self.session, tenant, source="api", changed_by=ctx.actor, at=now)
        self.audit.record(
            ctx,
            "tenant.create",
            "tenant",
            data.slug,
            {"plan": data.plan.value, "cnpj": cnpj, "deletionPolicy": data.deletion_policy.value},
        )
        await self.session.flush()
        obj = await self._ensure_resource(data.slug, spec, cnpj)
        await self.session.commit()
        return TenantWithResource(tenant, TenantResourceStatus.from_object(obj)), True

    async def _ensure_resource(self, slug: str, spec: Mapping[str, object], cnpj: str) -> dict[str, object]:
        try:
            return await self.resources.create(slug, spec)
        except ResourceConflict:
            obj = await self.resources.get(slug)
            theirs = normalize_cnpj(str(((obj or {}).get("spec") or {}).get("cnpj", "")))
            if obj is None or theirs != cnpj:
                raise Conflict(f"a ConsorcioTenant named {slug!r} exists for another CNPJ") from None
            return obj

    # -- backups and restore under a new name (issue 21 item 5) ---------------

    async def backups(self, slug: str) -> tuple[Tenant, dict[str, Any]]:
        """The record and the ConsorcioTenant (its ``status.backups`` lists the kept backups)."""
        tenant = await self.get_record(slug)
        obj = await self.resources.get(slug)
        if obj is None:
            raise self._missing_resource(slug)
        return tenant, obj

    @_traced("tenant.restore_backup")
    async def restore_backup(
        self, ctx: ActionContext, slug: str, into: str, backup: str, now: datetime, *, key: str
    ) -> tuple[TenantWithResource, bool]:
        """Register the tenant ``into`` (same administradora, CNPJ and plan) and write its
        ConsorcioTenant with ``spec.restoreFrom`` (the operator restores the backup into it);
        returns (tenant, created). The same request again answers the existing tenant."""
        source = await self._live(slug)
        wanted = {"tenant": slug, "backup": backup}
        spec: dict[str, Any] = {
            "displayName": source.display_name,
            "cnpj": source.cnpj,
            "plan": source.plan.value,
            "suspended": False,
            "deletionPolicy": source.deletion_policy.value,
            "deletionProtection": True,
            "restoreFrom": wanted,
        }
        problems = validate_spec(spec, into)
        if problems:
            raise InvalidInput(
                "the restore is not valid",
                errors=[FieldError(_RESTORE_FIELD_NAMES.get(p.field, p.field), p.message) for p in problems],
            )
        existing = await self.session.scalar(select(Tenant).where(Tenant.slug == into))
        if existing is not None:
            obj = await self.resources.get(into)
            same = ((obj or {}).get("spec") or {}).get("restoreFrom") == wanted
            if existing.cnpj == source.cnpj and existing.deleted_at is None and same:
                return await self.get(into), False  # a retry of this very restore
            raise Conflict(f"slug {into!r} is already taken")
        obj = await self.resources.get(slug)
        if obj is None:
            raise self._missing_resource(slug)
        stamps = [b.backup for b in backup_views(obj, slug)]
        if not stamps:
            raise Conflict(f"tenant {slug!r} has no verified backup yet (status.backups is empty)")
        if backup != LATEST_BACKUP and backup not in stamps:
            raise NotFound(f"tenant {slug!r} keeps no backup {backup!r}; it keeps {', '.join(stamps)}")
        tenant = Tenant(
            slug=into,
            display_name=source.display_name,
            cnpj=source.cnpj,
            plan=source.plan,
            suspended=False,
            deletion_policy=source.deletion_policy,
            contract_number=source.contract_number,
            contract_start=local_date(now),
            billing_contact_name=source.billing_contact_name,
            billing_contact_email=source.billing_contact_email,
            billing_contact_phone=source.billing_contact_phone,
        )
        self.session.add(tenant)
        try:
            await self.session.flush()
        except IntegrityError:
            await self.session.rollback()
            raise Conflict(f"slug {into!r} is already taken") from None
        record_registration(self.session, tenant, source="api", changed_by=ctx.actor, at=now)
        self.audit.record(
            ctx,
            "tenant.restore_backup",
            "tenant",
            into,
            {"from": slug, "backup": backup, "cnpj": source.cnpj, "idempotencyKey": key},
        )
        await self.session.flush()
        created = await self._ensure_resource(into, spec, source.cnpj)
        await self.session.commit()
        return TenantWithResource(tenant, TenantResourceStatus.from_object(created)), True

    # -- commercial data -----------------------------------------------------

    async def update(self, ctx: ActionContext, slug: str, data: TenantUpdate) -> TenantWithResource:
        tenant = await self._live(slug)
        changes: dict[str, object] = {}
        if data.display_name is not None and data.display_name != tenant.display_name:
            if await self.resources.patch_spec(slug, {"displayName": data.display_name}) is None:
                raise self._missing_resource(slug)
            tenant.display_name = data.display_name
            changes["displayName"] = data.display_name
        if data.billing_contact is not None:
            tenant.billing_contact_name = data.billing_contact.name
            tenant.billing_contact_email = data.billing_contact.email
            tenant.billing_contact_phone = data.billing_contact.phone
            changes["billingContact"] = data.billing_contact.email
        if data.contract_number is not None:
            tenant.contract_number = data.contract_number
            changes["contractNumber"] = data.contract_number
        self.audit.record(ctx, "tenant.update", "tenant", slug, changes)
        await self.session.commit()
        return await self.get(slug)

    # -- plan ----------------------------------------------------------------

    async def preview_plan_change(
        self, slug: str, plan: PlanName, now: datetime
    ) -> tuple[Tenant, ProrationPreview]:
        tenant = await self._live(slug)
        return tenant, await self._preview(tenant, plan, now)

    async def _preview(self, tenant: Tenant, plan: PlanName, now: datetime) -> ProrationPreview:
        today = local_date(now)
        history = (
            await self.session.scalars(select(PlanChange).where(PlanChange.tenant_id == tenant.id))
        ).all()
        changes = [(local_date(c.effective_from), CATALOG[c.plan]) for c in history]
        # A contract starting in the future is charged from its start.
        change_day = max([today, *(day for day, _ in changes)])
        return preview_plan_change(BillingPeriod.containing(change_day), changes, CATALOG[plan], change_day)

    @_traced("tenant.change_plan")
    async def change_plan(
        self, ctx: ActionContext, slug: str, plan: PlanName, now: datetime
    ) -> tuple[TenantWithResource, PlanName, ProrationPreview]:
        """Apply a plan change from today; returns the old plan and the proration applied."""
        tenant = await self._live(slug, for_update=True)
        old = tenant.plan
        preview = await self._preview(tenant, plan, now)
        if plan == old:
            return await self.get(slug), old, preview
        if await self.resources.patch_spec(slug, {"plan": plan.value}) is None:
            raise self._missing_resource(slug)
        record_change(
            self.session, tenant, "plan", old.value, plan.value, source="api", changed_by=ctx.actor, at=now
        )
        tenant.plan = plan
        self.session.add(
            PlanChange(
                tenant_id=tenant.id,
                plan=plan,
                effective_from=max(now, contract_instant(tenant)),
                changed_by=ctx.actor,
            )
        )
        self.audit.record(
            ctx,
            "tenant.change_plan",
            "tenant",
            slug,
            {"from": old.value, "to": plan.value, "prorationNet": str(preview.net)},
        )
        await self.session.commit()
        await self.publish_change()
        return await self.get(slug), old, preview

    # -- suspension ----------------------------------------------------------

    @_traced("tenant.suspend")
    async def suspend(
        self, ctx: ActionContext, slug: str, reason: SuspensionReason, note: str = ""
    ) -> Tenant:
        """Scale the tenant to zero (spec.suspended) and remember why."""
        tenant = await self._live(slug, for_update=True)
        if tenant.suspended and tenant.suspension_reason is SuspensionReason.MANUAL:
            # A manual suspension outranks a dunning one and is never downgraded.
            return tenant
        if await self.resources.patch_spec(slug, {"suspended": True}) is None:
            raise self._missing_resource(slug)
        already = tenant.suspended
        if not already:
            record_change(
                self.session, tenant, "suspended", False, True, source="api", changed_by=ctx.actor, at=_now()
            )
        tenant.suspended = True
        tenant.suspension_reason = reason
        if not already or reason is SuspensionReason.MANUAL:
            self.audit.record(ctx, "tenant.suspend", "tenant", slug, {"reason": reason.value, "note": note})
        await self.session.commit()
        return tenant

    @_traced("tenant.resume")
    async def resume(
        self, ctx: ActionContext, slug: str, *, only_reason: SuspensionReason | None = None
    ) -> Tenant:
        """Lift a suspension; with ``only_reason`` only a suspension of that kind is lifted."""
        tenant = await self._live(slug, for_update=True)
        if only_reason is not None and tenant.suspension_reason is not only_reason:
            return tenant
        if await self.resources.patch_spec(slug, {"suspended": False}) is None:
            raise self._missing_resource(slug)
        was = tenant.suspension_reason
        changed = tenant.suspended
        if changed:
            record_change(
                self.session, tenant, "suspended", True, False, source="api", changed_by=ctx.actor, at=_now()
            )
        tenant.suspended = False
        tenant.suspension_reason = None
        if changed:
            self.audit.record(
                ctx, "tenant.resume", "tenant", slug, {"previousReason": was.value if was else None}
            )
        await self.session.commit()
        return tenant

    # -- deletion ------------------------------------------------------------

    @_traced("tenant.deletion_protection")
    async def set_deletion_protection(self, ctx: ActionContext, slug: str, enabled: bool) -> None:
        """Switch deletion protection on or off: the separate call a deletion needs first."""
        await self._live(slug)
        if await self.resources.patch_spec(slug, {"deletionProtection": enabled}) is None:
            raise self._missing_resource(slug)
        self.audit.record(ctx, "tenant.deletion_protection", "tenant", slug, {"enabled": enabled})
        await self.session.commit()

    @_traced("tenant.delete")
    async def delete(
        self,
        ctx: ActionContext,
        slug: str,
        policy: DeletionPolicy,
        now: datetime,
        grace_days: int | None = None,
    ) -> Tenant:
        """Delete the resource under ``policy``; the commercial record is kept (invoices refer to it).

        Refused while the resource is protected. Snapshot and Delete destroy
        the data only after the resource's grace period (``grace_days``
        overrides it); the tenant is stopped at once, and ``restore`` cancels.
        """
        tenant = await self.get_record(slug, for_update=True)
        if tenant.deleted_at is not None:
            return tenant
        obj = await self.resources.get(slug)
        if obj is not None and ((obj.get("spec") or {}).get("deletionProtection")):
            raise Conflict(
                f"tenant {slug!r} is protected against deletion: switch the protection off first with "
                f'PUT /api/tenants/{slug}/deletion-protection {{"enabled": false}}'
            )
        changes: dict[str, object] = {"deletionPolicy": policy.value}
        if grace_days is not None:
            changes["deletionGracePeriodDays"] = grace_days
        if obj is not None and await self.resources.patch_spec(slug, changes) is not None:
            await self.resources.delete(slug)
        tenant.deleted_at = now
        tenant.deletion_policy = policy
        record_change(
            self.session, tenant, "deleted", False, True, source="api", changed_by=ctx.actor, at=now
        )
        self.audit.record(ctx, "tenant.delete", "tenant", slug, changes)
        await self.session.commit()
        return tenant

    @_traced("tenant.restore")
    async def restore(self, ctx: ActionContext, slug: str) -> bool:
        """Bring a deleted tenant back under the same slug; True when done, False: call again.

        A resource still waiting out its grace period has its destruction
        cancelled (deletionPolicy Retain: the operator keeps the data and
        releases it, within a minute); once it is gone the resource is created
        again from the commercial record, protected, and the operator adopts
        what was kept (same CNPJ). After a Delete that already ran, the tenant
        comes back empty. The contract continues: the record is no longer deleted.
        """
        tenant = await self.get_record(slug, for_update=True)
        obj = await self.resources.get(slug)
        if obj is not None and (obj.get("metadata") or {}).get("deletionTimestamp"):
            if (obj.get("spec") or {}).get("deletionPolicy") != DeletionPolicy.RETAIN.value:
                await self.resources.patch_spec(slug, {"deletionPolicy": DeletionPolicy.RETAIN.value})
                self.audit.record(ctx, "tenant.deletion_cancel", "tenant", slug, {})
                await self.session.commit()
            return False
        if obj is None:
            spec = {
                "displayName": tenant.display_name,
                "cnpj": tenant.cnpj,
                "plan": tenant.plan.value,
                "suspended": tenant.suspended,
                "deletionPolicy": DeletionPolicy.RETAIN.value,
                "deletionProtection": True,
            }
            await self._ensure_resource(slug, spec, tenant.cnpj)
        if tenant.deleted_at is not None:
            tenant.deleted_at = None
            tenant.deletion_policy = DeletionPolicy.RETAIN
            record_change(
                self.session, tenant, "deleted", True, False, source="api", changed_by=ctx.actor, at=_now()
            )
            self.audit.record(ctx, "tenant.restore", "tenant", slug, {})
        await self.session.commit()
        return True

    @_traced("tenant.purge")
    async def purge(self, ctx: ActionContext, slug: str) -> Tenant:
        """Destroy what a Retain deletion kept and free the slug for another administradora.

        Only for a deleted tenant whose ConsorcioTenant is gone (a pending
        deletion must finish or be cancelled first). The operator drops the
        data; the commercial record and its invoices stay, renamed
        ``purged-<id>`` (the audit event keeps the old slug).
        """
        tenant = await self.get_record(slug, for_update=True)
        if tenant.deleted_at is None:
            raise Conflict(f"tenant {slug!r} is not deleted: delete it first (DELETE /api/tenants/{slug})")
        obj = await self.resources.get(slug)
        if obj is not None:
            scheduled = ((obj.get("status") or {}).get("deletion") or {}).get("scheduledAt")
            raise Conflict(
                f"the ConsorcioTenant {slug!r} still exists"
                + (f" (data destroyed at {scheduled})" if scheduled else "")
                + ": wait until it is gone, or restore it"
            )
        spec = {"displayName": tenant.display_name, "cnpj": tenant.cnpj, "plan": tenant.plan.value}
        await self.resources.purge(slug, spec)
        renamed = f"purged-{tenant.id.hex}"
        record_change(
            self.session, tenant, "purged", slug, renamed, source="api", changed_by=ctx.actor, at=_now()
        )
        self.audit.record(ctx, "tenant.purge", "tenant", slug, {"renamedTo": renamed})
        tenant.slug = renamed
        await self.session.commit()
        return tenant

    # -- helpers -------------------------------------------------------------

    async def _live(self, slug: str, *, for_update: bool = False) -> Tenant:
        tenant = await self.get_record(slug, for_update=for_update)
        if tenant.deleted_at is not None:
            raise Conflict(f"tenant {slug!r} was deleted")
        return tenant

    @staticmethod
    def _missing_resource(slug: str) -> Conflict:
        return Conflict(
            f"the ConsorcioTenant {slug!r} does not exist in the cluster; "
            "POST the tenant again to recreate it"
        )
