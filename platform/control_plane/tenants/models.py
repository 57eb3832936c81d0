"""Commercial record of a tenant. What is provisioned lives in the ConsorcioTenant resource."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consorcio_contract.plans import PlanName
from control_plane.database.base import Base, Timestamps, UUIDPrimaryKey, str_enum


class SuspensionReason(StrEnum):
    MANUAL = "manual"
    DUNNING = "dunning"


class DeletionPolicy(StrEnum):
    RETAIN = "Retain"
    SNAPSHOT = "Snapshot"
    DELETE = "Delete"


class TenantOrigin(StrEnum):
    """Where a tenant was first created."""

    CONTROL_PLANE = "control-plane"  # POST /api/tenants
    CLUSTER = "cluster"  # a ConsorcioTenant applied with kubectl/GitOps, registered by the watch


class BillingIssue(StrEnum):
    """What billing still needs from a tenant's record (``billingIssues`` and its list filter)."""

    BILLING_CONTACT_MISSING = "billingContactMissing"  # applied with kubectl: nobody to invoice yet


class Tenant(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "tenants"

    # The resource name; never reused, even after deletion, so old invoices
    # always point at one administradora.
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    cnpj: Mapped[str] = mapped_column(String(14))  # normalized, no punctuation
    plan: Mapped[PlanName] = mapped_column(str_enum(PlanName))
    suspended: Mapped[bool] = mapped_column(default=False)
    suspension_reason: Mapped[SuspensionReason | None] = mapped_column(str_enum(SuspensionReason))
    deletion_policy: Mapped[DeletionPolicy] = mapped_column(
        str_enum(DeletionPolicy), default=DeletionPolicy.RETAIN
    )
    contract_number: Mapped[str | None] = mapped_column(String(64))
    contract_start: Mapped[date]
    billing_contact_name: Mapped[str] = mapped_column(String(200))
    billing_contact_email: Mapped[str] = mapped_column(String(254))
    billing_contact_phone: Mapped[str | None] = mapped_column(String(40))
    deleted_at: Mapped[datetime | None]
    origin: Mapped[TenantOrigin] = mapped_column(
        str_enum(TenantOrigin), default=TenantOrigin.CONTROL_PLANE, server_default="control-plane"
    )

    @property
    def billing_issues(self) -> list[str]:
        """What billing this tenant still needs (a tenant applied with kubectl has no contact yet)."""
        return [] if self.billing_contact_email else [BillingIssue.BILLING_CONTACT_MISSING.value]

    @classmethod
    def has_billing_issue(cls, issue: BillingIssue) -> ColumnElement[bool]:
        """SQL for "``issue`` is among ``billing_issues``" (the list filter; same rule as the property)."""
        match issue:
            case BillingIssue.BILLING_CONTACT_MISSING:
                return cls.billing_contact_email == ""

    plan_changes: Mapped[list[PlanChange]] = relationship(
        back_populates="tenant", order_by="PlanChange.effective_from", lazy="raise"
    )


class PlanChange(UUIDPrimaryKey, Base):
    """Plan history: the plan in effect from ``effective_from`` until the next row."""

    __tablename__ = "plan_changes"
    __table_args__ = (Index("ix_plan_changes_tenant_effective", "tenant_id", "effective_from"),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"))
    plan: Mapped[PlanName] = mapped_column(str_enum(PlanName))
    effective_from: Mapped[datetime]
    changed_by: Mapped[str] = mapped_column(String(200))

    tenant: Mapped[Tenant] = relationship(back_populates="plan_changes", lazy="raise")


class TenantStateChange(UUIDPrimaryKey, Base):
    """History of plan, suspension and deletion changes, whichever path made them.

    ``source`` says where the change was made: ``api`` (this control plane)
    or ``cluster`` (the ConsorcioTenant changed with kubectl/GitOps, seen by
    the watch). One row per change: the watch records nothing for a change
    the API already recorded, because it compares with the committed record.
    """

    __tablename__ = "tenant_state_changes"
    __table_args__ = (Index("ix_tenant_state_changes_tenant_at", "tenant_id", "changed_at"),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"))
    field: Mapped[str] = mapped_column(String(32))  # plan | suspended | deleted | registered
    old_value: Mapped[str | None] = mapped_column(String(64))
    new_value: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))  # api | cluster
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime]
