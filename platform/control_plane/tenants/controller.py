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
from control_plane.audit.service import ActionContext
from control_plane.auth.guards import admin_guard
from control_plane.auth.roles import Permission
from control_plane.tenants.models import DeletionPolicy, SuspensionReason
from control_plane.tenants.resources import TenantResources
from control_plane.tenants.schemas import (
    PlanChangeRequest,
    PlanChangeResult,
    PlanChangeView,
    ProrationPreviewView,
    SuspendRequest,
    TenantCreate,
    TenantUpdate,
    TenantView,
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
    ) -> list[TenantView]:
        """Every tenant merged with its resource's status (one Kubernetes list call)."""
        items = await _service(db_session, tenant_resources, state).list_tenants(
            include_deleted=include_deleted
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
    ) -> TenantView:
        """Delete the ConsorcioTenant under an explicit policy (Retain, Snapshot or Delete).

        The policy is required: deleting data must never happen by default.
        Invoices and the commercial record are kept.
        """
        service = _service(db_session, tenant_resources, state)
        await service.delete(action_context, slug, deletion_policy, datetime.now(UTC))
        item = await service.get(slug)
        return tenant_view(item.tenant, item.resource)
