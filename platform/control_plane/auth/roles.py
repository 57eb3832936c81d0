"""Platform roles and what each may do (pure)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PLATFORM_ADMIN = "platform-admin"
    BILLING = "billing"
    SRE_READONLY = "sre-readonly"


class Permission(StrEnum):
    TENANTS_READ = "tenants:read"
    TENANTS_WRITE = "tenants:write"  # create, edit, delete
    TENANTS_PLAN = "tenants:plan"  # change plan
    TENANTS_SUSPEND = "tenants:suspend"  # suspend / resume
    PLANS_READ = "plans:read"
    USAGE_READ = "usage:read"
    BILLING_READ = "billing:read"
    BILLING_WRITE = "billing:write"  # invoice runs, payments, state changes
    FLAGS_READ = "flags:read"
    FLAGS_WRITE = "flags:write"
    AUDIT_READ = "audit:read"


_READ = frozenset(
    {
        Permission.TENANTS_READ,
        Permission.PLANS_READ,
        Permission.USAGE_READ,
        Permission.BILLING_READ,
        Permission.FLAGS_READ,
    }
)

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PLATFORM_ADMIN: frozenset(Permission),
    # Billing runs the money side: plans, invoices, payments and the
    # suspension that follows non-payment; it cannot create or delete tenants
    # or touch feature flags.
    Role.BILLING: _READ | {Permission.TENANTS_PLAN, Permission.TENANTS_SUSPEND, Permission.BILLING_WRITE},
    # SREs look at everything (including the audit trail) and change nothing.
    Role.SRE_READONLY: _READ | {Permission.AUDIT_READ},
}


def allows(role: Role | str, permission: Permission) -> bool:
    """Whether ``role`` grants ``permission``; unknown roles grant nothing."""
    try:
        return permission in PERMISSIONS[Role(role)]
    except ValueError:
        return False
