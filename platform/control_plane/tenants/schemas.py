"""Tenant API payloads."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Annotated, Any

import msgspec

from consorcio_contract.identifiers import format_cnpj
from consorcio_contract.plans import PlanName
from consorcio_contract.tenant_resource import DEFAULT_DELETION_GRACE_DAYS, MAX_DELETION_GRACE_DAYS
from consorcio_kit.input_rules import Email
from control_plane.api_schema import RequestBody, ResponseBody
from control_plane.billing.invoice_math import ProrationPreview
from control_plane.tenants.models import DeletionPolicy, SuspensionReason, Tenant, TenantOrigin
from control_plane.tenants.resources import TenantResourceStatus

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class BillingContact(RequestBody):
    name: Name
    email: Email
    phone: Annotated[str, msgspec.Meta(max_length=40)] | None = None


class TenantCreate(RequestBody):
    slug: Annotated[str, msgspec.Meta(min_length=1, max_length=63)]
    display_name: Name
    cnpj: Annotated[str, msgspec.Meta(min_length=1, max_length=18)]
    plan: PlanName
    billing_contact: BillingContact
    contract_number: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    contract_start: date | None = None
    app_version: str | None = None
    host: str | None = None
    deletion_policy: DeletionPolicy = DeletionPolicy.RETAIN
    # On by default: deleting takes a separate call that switches it off first.
    deletion_protection: bool = True
    # Days between a Snapshot/Delete deletion and the data being destroyed.
    deletion_grace_period_days: Annotated[int, msgspec.Meta(ge=0, le=MAX_DELETION_GRACE_DAYS)] = (
        DEFAULT_DELETION_GRACE_DAYS
    )


class TenantUpdate(RequestBody):
    """Commercial data only; plan, suspension and deletion have their own endpoints."""

    display_name: Name | None = None
    billing_contact: BillingContact | None = None
    contract_number: Annotated[str, msgspec.Meta(max_length=64)] | None = None


class PlanChangeRequest(RequestBody):
    plan: PlanName


class DeletionProtectionRequest(RequestBody):
    enabled: bool


class SuspendRequest(RequestBody):
    note: Annotated[str, msgspec.Meta(max_length=500)] = ""


class BackupRestoreRequest(RequestBody):
    """Restore one of this tenant's backups into a new tenant."""

    into: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=63,
            description="Slug of the new tenant the backup is restored into (DNS-1123 label, at most "
            "40 characters, not taken).",
        ),
    ]


class BackupView(ResponseBody):
    """One verified backup the operator keeps (the ConsorcioTenant's ``status.backups``)."""

    backup: Annotated[
        str, msgspec.Meta(description="Time stamp naming the backup, for POST .../backups/{backup}/restore.")
    ]
    taken_at: Annotated[str | None, msgspec.Meta(description="When the backup was taken (RFC 3339).")] = None
    size_bytes: Annotated[int | None, msgspec.Meta(description="Size of the database dump in bytes.")] = None
    rows: Annotated[int | None, msgspec.Meta(description="Rows the dump holds, all tables.")] = None
    verified: Annotated[
        str | None,
        msgspec.Meta(description="What the verifying restore found (tables, rows, audit chain head)."),
    ] = None
    audit_head_seq: Annotated[
        int | None, msgspec.Meta(description="Sequence number of the audit chain's last entry.")
    ] = None
    audit_head_hash: Annotated[
        str | None, msgspec.Meta(description="SHA-256 of the audit chain's last entry (hex).")
    ] = None
    objects: Annotated[
        str | None, msgspec.Meta(description="Where the documents were copied (s3://bucket/prefix/), if any.")
    ] = None


class ResourceView(ResponseBody):
    """The ConsorcioTenant as Kubernetes sees it."""

    exists: bool
    ready: bool | None = None
    deleting: bool = False
    up_to_date: bool = False
    generation: int | None = None
    observed_generation: int | None = None
    namespace: str | None = None
    url: str | None = None
    app_version: str | None = None
    schema_revision: str | None = None
    spec_plan: str | None = None
    spec_suspended: bool | None = None
    deletion_protection: bool | None = None
    deletion_grace_period_days: int | None = None
    # While a Snapshot/Delete deletion waits out its grace period: PendingDeletion and the date.
    deletion_phase: str | None = None
    deletion_scheduled_at: str | None = None
    restore_from: Annotated[
        dict[str, Any] | None,
        msgspec.Meta(description="spec.restoreFrom: the tenant and backup this tenant is created from."),
    ] = None
    restored_from: Annotated[
        dict[str, Any] | None,
        msgspec.Meta(
            description="status.restoredFrom: what the operator restored (backup, rows, audit chain head, "
            "documents, secrets, seconds); absent until done."
        ),
    ] = None
    conditions: list[dict[str, Any]] = msgspec.field(default_factory=list)


class BillingContactView(ResponseBody):
    name: str
    email: str
    phone: str | None


class TenantView(ResponseBody):
    slug: str
    display_name: str
    cnpj: str
    plan: PlanName
    state: str  # active | suspended | deleted
    suspended: bool
    suspension_reason: SuspensionReason | None
    deletion_policy: DeletionPolicy
    contract_number: str | None
    contract_start: date
    billing_contact: BillingContactView
    created_at: datetime
    deleted_at: datetime | None
    # control-plane (POST /api/tenants) or cluster (applied with kubectl/GitOps, registered by the watch).
    origin: TenantOrigin
    # What billing still needs, e.g. billingContactMissing for a tenant applied with kubectl.
    billing_issues: list[str]
    resource: ResourceView


class StateChangeView(ResponseBody):
    """One plan, suspension or deletion change; source api (this API) or cluster (kubectl/GitOps)."""

    field: str
    old_value: str | None
    new_value: str | None
    source: str
    changed_by: str
    changed_at: datetime


class PlanChangeView(ResponseBody):
    plan: PlanName
    effective_from: datetime
    changed_by: str


class ProrationLineView(ResponseBody):
    kind: str
    description: str
    amount: Decimal


class ProrationPreviewView(ResponseBody):
    slug: str
    current_plan: PlanName
    new_plan: PlanName
    period: str
    change_date: date
    remaining_days: int
    lines: list[ProrationLineView]
    net: Decimal
    subscription_before: Decimal
    subscription_after: Decimal
    new_monthly_price: Decimal


class PlanChangeResult(ResponseBody):
    tenant: TenantView
    proration: ProrationPreviewView


def resource_view(resource: TenantResourceStatus) -> ResourceView:
    """Shape the resource's state for the API."""
    if not resource.exists:
        return ResourceView(exists=False)
    status = resource.status
    return ResourceView(
        exists=True,
        ready=resource.ready,
        deleting=resource.deleting,
        up_to_date=resource.up_to_date,
        generation=resource.generation,
        observed_generation=status.get("observedGeneration"),
        namespace=status.get("namespace"),
        url=status.get("url"),
        app_version=status.get("appVersion"),
        schema_revision=status.get("schemaRevision"),
        spec_plan=resource.spec.get("plan"),
        spec_suspended=bool(resource.spec.get("suspended", False)),
        deletion_protection=bool(resource.spec.get("deletionProtection", False)),
        deletion_grace_period_days=resource.spec.get("deletionGracePeriodDays"),
        deletion_phase=(status.get("deletion") or {}).get("phase"),
        deletion_scheduled_at=(status.get("deletion") or {}).get("scheduledAt"),
        restore_from=resource.spec.get("restoreFrom"),
        restored_from=status.get("restoredFrom"),
        conditions=list(status.get("conditions") or []),
    )


def tenant_view(tenant: Tenant, resource: TenantResourceStatus) -> TenantView:
    """Merge the commercial record with the resource's state."""
    if tenant.deleted_at is not None:
        state = "deleted"
    elif tenant.suspended:
        state = "suspended"
    else:
        state = "active"
    return TenantView(
        slug=tenant.slug,
        display_name=tenant.display_name,
        cnpj=format_cnpj(tenant.cnpj),
        plan=tenant.plan,
        state=state,
        suspended=tenant.suspended,
        suspension_reason=tenant.suspension_reason,
        deletion_policy=tenant.deletion_policy,
        contract_number=tenant.contract_number,
        contract_start=tenant.contract_start,
        billing_contact=BillingContactView(
            name=tenant.billing_contact_name,
            email=tenant.billing_contact_email,
            phone=tenant.billing_contact_phone,
        ),
        created_at=tenant.created_at,
        deleted_at=tenant.deleted_at,
        origin=tenant.origin,
        billing_issues=tenant.billing_issues,
        resource=resource_view(resource),
    )


def preview_view(
    slug: str, current: PlanName, new: PlanName, preview: ProrationPreview, new_price: Decimal
) -> ProrationPreviewView:
    return ProrationPreviewView(
        slug=slug,
        current_plan=current,
        new_plan=new,
        period=preview.period.label,
        change_date=preview.change_date,
        remaining_days=preview.remaining_days,
        lines=[
            ProrationLineView(kind=line.kind.value, description=line.description, amount=line.amount)
            for line in preview.lines
        ],
        net=preview.net,
        subscription_before=preview.subscription_before,
        subscription_after=preview.subscription_after,
        new_monthly_price=new_price,
    )


def backup_views(obj: Mapping[str, Any] | None, slug: str) -> list[BackupView]:
    """``status.backups`` of a ConsorcioTenant (newest first) as the API shows them."""
    out = []
    for item in ((obj or {}).get("status") or {}).get("backups") or []:
        if not isinstance(item, Mapping) or not item.get("path"):
            continue
        raw_head = item.get("auditHead")
        head: Mapping[str, Any] = raw_head if isinstance(raw_head, Mapping) else {}
        out.append(
            BackupView(
                backup=PurePath(str(item["path"])).stem.removeprefix(f"{slug}-"),
                taken_at=item.get("takenAt"),
                size_bytes=item.get("sizeBytes"),
                rows=item.get("rows"),
                verified=item.get("verified"),
                audit_head_seq=head.get("seq"),
                audit_head_hash=head.get("hash"),
                objects=item.get("objects"),
            )
        )
    return out
