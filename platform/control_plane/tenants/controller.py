"""Tenants API for platform staff."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from consorcio_contract.plans import CATALOG, PlanName
from consorcio_contract.tenant_resource import MAX_DELETION_GRACE_DAYS
from control_plane.audit.service import ActionContext
from control_plane.auth.guards import admin_guard
from control_plane.auth.roles import Permission
from control_plane.idempotency import idempotency_key_header, require_idempotency_key
from control_plane.tenants.models import BillingIssue, DeletionPolicy, SuspensionReason
from control_plane.tenants.resources import TenantResources
from control_plane.tenants.schemas import (
    BackupRestoreRequest,
    BackupView,
    DeletionProtectionRequest,
    PlanChangeRequest,
    PlanChangeResult,
    PlanChangeView,
    ProrationPreviewView,
    StateChangeView,
    SuspendRequest,
    TenantCreate,
    TenantUpdate,
    TenantView,
    backup_views,
    preview_view,
    tenant_view,
)
from control_plane.tenants.service import TenantService


def _service(db_session: AsyncSession, tenant_resources: TenantResources, state: State) -> TenantService:
    return TenantService(db_session, tenant_resources, state.flag_notifier.publish)


class TenantController(Controller):
    path = "/api/tenants"
    tags = ("tenants",)
    guards = (admin_guard,)

    @post(
        "/", operation_id="createTenant", name="tenants:create", opt={"permission": Permission.TENANTS_WRITE}
    )
    async def create_tenant(
        self,
        data: JSONBody[TenantCreate],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
        action_context: NamedDependency[ActionContext],
    ) -> Response[TenantView]:
        """Onboard an administradora: commercial record + ConsorcioTenant resource.

        201 when created; 200 when the same slug and CNPJ already exist
        (so a retried or repeated call is harmless).
        """
        service = _service(db_session, tenant_resources, state)
        result, created = await service.create(action_context, data, datetime.now(UTC))
        return Response(tenant_view(result.tenant, result.resource), status_code=201 if created else 200)

    @get("/", operation_id="listTenants", name="tenants:list", opt={"permission": Permission.TENANTS_READ})
    async def list_tenants(
        self,
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
        include_deleted: Annotated[bool, QueryParameter(name="includeDeleted")] = False,
        billing_issue: Annotated[
            BillingIssue | None,
            QueryParameter(
                name="billingIssue",
                description="Only the tenants whose `billingIssues` include this one "
                "(e.g. billingContactMissing: applied with kubectl, nobody to invoice yet).",
            ),
        ] = None,
    ) -> list[TenantView]:
        """Every tenant merged with its resource's status (one Kubernetes list call).

        `billingIssue` narrows the list to the tenants billing cannot invoice fully yet.
        """
        items = await _service(db_session, tenant_resources, state).list_tenants(
            include_deleted=include_deleted, billing_issue=billing_issue
        )
        return [tenant_view(i.tenant, i.resource) for i in items]

    @get(
        "/{slug:str}",
        operation_id="getTenant",
        name="tenants:get",
        opt={"permission": Permission.TENANTS_READ},
    )
    async def get_tenant(
        self,
        slug: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
    ) -> TenantView:
        item = await _service(db_session, tenant_resources, state).get(slug)
        return tenant_view(item.tenant, item.resource)

    @patch(
        "/{slug:str}",
        operation_id="updateTenant",
        name="tenants:update",
        opt={"permission": Permission.TENANTS_WRITE},
    )
    async def update_tenant(
        self,
        slug: FromPath[str],
        data: JSONBody[TenantUpdate],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
        action_context: NamedDependency[ActionContext],
    ) -> TenantView:
        """Change commercial data (display name, billing contact, contract number)."""
        item = await _service(db_session, tenant_resources, state).update(action_context, slug, data)
        return tenant_view(item.tenant, item.resource)

    @get(
        "/{slug:str}/plan-history",
        operation_id="getTenantPlanHistory",
        name="tenants:plan-history",
        opt={"permission": Permission.TENANTS_READ},
    )
    async def plan_history(
        self,
        slug: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
    ) -> list[PlanChangeView]:
        history = await _service(db_session, tenant_resources, state).plan_history(slug)
        return [
            PlanChangeView(plan=c.plan, effective_from=c.effective_from, changed_by=c.changed_by)
            for c in history
        ]

    @get(
        "/{slug:str}/history",
        operation_id="getTenantHistory",
        name="tenants:history",
        opt={"permission": Permission.TENANTS_READ},
    )
    async def state_history(
        self,
        slug: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
    ) -> list[StateChangeView]:
        """Plan, suspension and deletion changes of the tenant, oldest first.

        One list whichever path made them: `source` is `api` (this API) or
        `cluster` (the ConsorcioTenant changed with kubectl or GitOps, followed by the watch).
        """
        rows = await _service(db_session, tenant_resources, state).state_history(slug)
        return [
            StateChangeView(
                field=r.field,
                old_value=r.old_value,
                new_value=r.new_value,
                source=r.source,
                changed_by=r.changed_by,
                changed_at=r.changed_at,
            )
            for r in rows
        ]

    @get(
        "/{slug:str}/plan-change-preview",
        operation_id="previewPlanChange",
        name="tenants:plan-preview",
        opt={"permission": Permission.TENANTS_READ},
    )
    async def preview_plan_change(
        self,
        slug: FromPath[str],
        plan: FromQuery[PlanName],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
    ) -> ProrationPreviewView:
        """What changing to ``plan`` today adds to this month's invoice (nothing is changed)."""
        service = _service(db_session, tenant_resources, state)
        tenant, preview = await service.preview_plan_change(slug, plan, datetime.now(UTC))
        return preview_view(slug, tenant.plan, plan, preview, CATALOG[plan].monthly_price)

    @put(
        "/{slug:str}/plan",
        operation_id="changePlan",
        name="tenants:plan",
        opt={"permission": Permission.TENANTS_PLAN},
    )
    async def change_plan(
        self,
        slug: FromPath[str],
        data: JSONBody[PlanChangeRequest],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
        action_context: NamedDependency[ActionContext],
    ) -> PlanChangeResult:
        """Apply a plan change from today; returns the proration that will be invoiced."""
        service = _service(db_session, tenant_resources, state)
        item, old, preview = await service.change_plan(action_context, slug, data.plan, datetime.now(UTC))
        return PlanChangeResult(
            tenant=tenant_view(item.tenant, item.resource),
            proration=preview_view(slug, old, data.plan, preview, CATALOG[data.plan].monthly_price),
        )

    @post(
        "/{slug:str}/suspend",
        operation_id="suspendTenant",
        name="tenants:suspend",
        status_code=200,
        opt={"permission": Permission.TENANTS_SUSPEND},
    )
    async def suspend(
        self,
        slug: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
        action_context: NamedDependency[ActionContext],
        data: JSONBody[SuspendRequest | None] = None,
    ) -> TenantView:
        """Scale the tenant to zero (data kept). Payments never lift a manual suspension."""
        service = _service(db_session, tenant_resources, state)
        await service.suspend(action_context, slug, SuspensionReason.MANUAL, data.note if data else "")
        item = await service.get(slug)
        return tenant_view(item.tenant, item.resource)

    @post(
        "/{slug:str}/resume",
        operation_id="resumeTenant",
        name="tenants:resume",
        status_code=200,
        opt={"permission": Permission.TENANTS_SUSPEND},
    )
    async def resume(
        self,
        slug: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
        action_context: NamedDependency[ActionContext],
    ) -> TenantView:
        """Lift any suspension. Overdue invoices past grace suspend it again on the next dunning run."""
        service = _service(db_session, tenant_resources, state)
        await service.resume(action_context, slug)
        item = await service.get(slug)
        return tenant_view(item.tenant, item.resource)

    @put(
        "/{slug:str}/deletion-protection",
        operation_id="setTenantDeletionProtection",
        name="tenants:deletion-protection",
        opt={"permission": Permission.TENANTS_WRITE},
    )
    async def set_deletion_protection(
        self,
        slug: FromPath[str],
        data: JSONBody[DeletionProtectionRequest],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
        action_context: NamedDependency[ActionContext],
    ) -> TenantView:
        """Switch deletion protection on or off (spec.deletionProtection of the ConsorcioTenant).

        A protected tenant cannot be deleted, through this API or kubectl (the
        API server refuses it): switching it off is the separate call a deletion needs.
        """
        service = _service(db_session, tenant_resources, state)
        await service.set_deletion_protection(action_context, slug, data.enabled)
        item = await service.get(slug)
        return tenant_view(item.tenant, item.resource)

    @delete(
        "/{slug:str}",
        operation_id="deleteTenant",
        name="tenants:delete",
        status_code=202,
        opt={"permission": Permission.TENANTS_WRITE},
    )
    async def delete_tenant(
        self,
        slug: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
        action_context: NamedDependency[ActionContext],
        deletion_policy: Annotated[DeletionPolicy, QueryParameter(name="deletionPolicy")],
        grace_period_days: Annotated[
            int | None, QueryParameter(name="gracePeriodDays", ge=0, le=MAX_DELETION_GRACE_DAYS)
        ] = None,
    ) -> TenantView:
        """Delete the ConsorcioTenant under an explicit policy (Retain, Snapshot or Delete).

        The policy is required: deleting data must never happen by default.
        Refused (409) while the tenant's deletion protection is on. The tenant
        is stopped at once; under Snapshot or Delete its data is destroyed only
        after the grace period (`gracePeriodDays`, default the resource's, 7),
        shown in `resource.deletionScheduledAt`; `POST .../restore` cancels.
        Invoices and the commercial record are kept.
        """
        service = _service(db_session, tenant_resources, state)
        await service.delete(action_context, slug, deletion_policy, datetime.now(UTC), grace_period_days)
        item = await service.get(slug)
        return tenant_view(item.tenant, item.resource)

    @post(
        "/{slug:str}/restore",
        operation_id="restoreTenant",
        name="tenants:restore",
        opt={"permission": Permission.TENANTS_WRITE},
    )
    async def restore_tenant(
        self,
        slug: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
        action_context: NamedDependency[ActionContext],
    ) -> Response[TenantView]:
        """Bring a deleted tenant back under its slug, with what was kept.

        200 when the ConsorcioTenant exists again (re-created, protected; the
        operator adopts the retained data and starts it). 202 while a deletion
        is still being undone (its destruction was cancelled, the operator
        releases it within a minute): call again. After a Delete that already
        destroyed the data the tenant comes back empty.
        """
        service = _service(db_session, tenant_resources, state)
        done = await service.restore(action_context, slug)
        item = await service.get(slug)
        return Response(tenant_view(item.tenant, item.resource), status_code=200 if done else 202)

    @post(
        "/{slug:str}/purge",
        operation_id="purgeTenant",
        name="tenants:purge",
        status_code=200,
        opt={"permission": Permission.TENANTS_WRITE},
    )
    async def purge_tenant(
        self,
        slug: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
        action_context: NamedDependency[ActionContext],
    ) -> TenantView:
        """Destroy the data a Retain deletion kept, and free the slug.

        Only for a deleted tenant whose ConsorcioTenant is gone (409 otherwise).
        The operator drops its database, Redis user, Vault data, namespace and
        bucket within seconds; the commercial record and invoices stay, under
        the slug `purged-<id>` shown in the answer. The slug can then be
        onboarded again, by another administradora too.
        """
        service = _service(db_session, tenant_resources, state)
        tenant = await service.purge(action_context, slug)
        item = await service.get(tenant.slug)
        return tenant_view(item.tenant, item.resource)

    @get(
        "/{slug:str}/backups",
        operation_id="listTenantBackups",
        name="tenants:backups",
        opt={"permission": Permission.TENANTS_READ},
    )
    async def list_backups(
        self,
        slug: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
    ) -> list[BackupView]:
        """The verified backups the operator keeps for the tenant, newest first.

        Read from the ConsorcioTenant's `status.backups` (the plan's schedule and retention);
        each `backup` names one for `POST .../backups/{backup}/restore`.
        """
        _, obj = await _service(db_session, tenant_resources, state).backups(slug)
        return backup_views(obj, slug)

    @post(
        "/{slug:str}/backups/{backup:str}/restore",
        operation_id="restoreTenantBackup",
        name="tenants:restore-backup",
        opt={"permission": Permission.TENANTS_WRITE},
    )
    async def restore_backup(
        self,
        slug: FromPath[str],
        backup: FromPath[str],
        data: JSONBody[BackupRestoreRequest],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        state: State,
        action_context: NamedDependency[ActionContext],
        idempotency_key: Annotated[
            str | None,
            idempotency_key_header(
                "Required (428 without it): a new value, e.g. a UUID, per restore; a retry "
                "of the same restore answers 200 with the tenant it created."
            ),
        ] = None,
    ) -> Response[TenantView]:
        """Restore a backup of this tenant into a new tenant `into` (its database, documents and
        PSP/webhook secrets).

        `backup` is a time stamp from `GET .../backups`, or `latest`. The new tenant is the same
        administradora (CNPJ, plan, billing contact: billed as its own tenant from today) and is
        created protected with `spec.restoreFrom`; the operator restores the backup before its
        first start and reports it in `resource.restoredFrom` (or `Ready` False, reason
        `RestoreFailed`). 201 when created; 200 for a retry of the same restore; 404 when the tenant
        keeps no such backup; 409 when `into` is taken or the tenant has no backup yet.
        """
        key = require_idempotency_key(idempotency_key, "restore")
        service = _service(db_session, tenant_resources, state)
        result, created = await service.restore_backup(
            action_context, slug, data.into, backup, datetime.now(UTC), key=key
        )
        return Response(tenant_view(result.tenant, result.resource), status_code=201 if created else 200)
