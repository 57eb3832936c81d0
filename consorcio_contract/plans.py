"""The plan catalogue: one definition for the commercial terms (control plane)
and the Kubernetes sizing (operator), so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class PlanName(StrEnum):
    STARTER = "starter"
    PROFESSIONAL = "professional"
    ENTERPRISE = "enterprise"


@dataclass(frozen=True)
class Sizing:
    """What the operator applies in the tenant namespace."""

    # ResourceQuota for the whole namespace.
    quota_cpu: str
    quota_memory: str
    quota_pods: int
    # Per-container defaults (LimitRange) and the app container's requests.
    container_cpu_request: str
    container_memory_request: str
    container_cpu_limit: str
    container_memory_limit: str
    # HorizontalPodAutoscaler bounds for the app and the PDB floor.
    min_replicas: int
    max_replicas: int
    pdb_min_available: int
    worker_replicas: int


@dataclass(frozen=True)
class DatabaseLimits:
    """What the operator sets on the tenant's PostgreSQL role (``ALTER ROLE``)."""

    #: ``CONNECTION LIMIT``: a hard bound the tenant cannot lift (it needs
    #: CREATEROLE). Sized for max_replicas x 20 (the app's pool_size +
    #: max_overflow) plus the workers and a migration Job, with headroom.
    connection_limit: int
    #: ``statement_timeout`` / ``idle_in_transaction_session_timeout`` role
    #: defaults (ms): they stop runaway queries and forgotten transactions that
    #: hold locks and connections. Defaults only: a session may SET its own.
    statement_timeout_ms: int
    idle_in_transaction_session_timeout_ms: int


@dataclass(frozen=True)
class BackupPolicy:
    """How often the operator backs the tenant up (the RPO) and how many backups it keeps."""

    interval_hours: int
    retention: int


@dataclass(frozen=True)
class Quotas:
    """What a monthly price includes; usage above is billed as overage."""

    active_cotas: int
    users: int
    api_requests: int


@dataclass(frozen=True)
class OveragePrices:
    """BRL per unit above the included quota."""

    per_active_cota: Decimal
    per_user: Decimal
    per_thousand_api_requests: Decimal


@dataclass(frozen=True)
class Plan:
    name: PlanName
    display_name: str
    monthly_price: Decimal  # BRL
    included: Quotas
    overage: OveragePrices
    sizing: Sizing
    database: DatabaseLimits
    backups: BackupPolicy


CATALOG: dict[PlanName, Plan] = {
    PlanName.STARTER: Plan(
        name=PlanName.STARTER,
        display_name="Starter",
        monthly_price=Decimal("1490.00"),
        included=Quotas(active_cotas=2_000, users=10, api_requests=500_000),
        overage=OveragePrices(Decimal("0.45"), Decimal("49.00"), Decimal("0.20")),
        sizing=Sizing(
            quota_cpu="2",
            quota_memory="4Gi",
            quota_pods=20,
            container_cpu_request="100m",
            container_memory_request="256Mi",
            container_cpu_limit="500m",
            container_memory_limit="512Mi",
            min_replicas=1,
            max_replicas=2,
            pdb_min_available=0,
            worker_replicas=1,
        ),
        database=DatabaseLimits(
            connection_limit=50, statement_timeout_ms=30_000, idle_in_transaction_session_timeout_ms=60_000
        ),
        backups=BackupPolicy(interval_hours=24, retention=7),
    ),
    PlanName.PROFESSIONAL: Plan(
        name=PlanName.PROFESSIONAL,
        display_name="Professional",
        monthly_price=Decimal("4990.00"),
        included=Quotas(active_cotas=15_000, users=50, api_requests=5_000_000),
        overage=OveragePrices(Decimal("0.35"), Decimal("39.00"), Decimal("0.15")),
        sizing=Sizing(
            quota_cpu="8",
            quota_memory="16Gi",
            quota_pods=50,
            container_cpu_request="250m",
            container_memory_request="512Mi",
            container_cpu_limit="1",
            container_memory_limit="1Gi",
            min_replicas=2,
            max_replicas=6,
            pdb_min_available=1,
            worker_replicas=2,
        ),
        database=DatabaseLimits(
            connection_limit=150, statement_timeout_ms=60_000, idle_in_transaction_session_timeout_ms=60_000
        ),
        backups=BackupPolicy(interval_hours=6, retention=28),
    ),
    PlanName.ENTERPRISE: Plan(
        name=PlanName.ENTERPRISE,
        display_name="Enterprise",
        monthly_price=Decimal("14900.00"),
        included=Quotas(active_cotas=100_000, users=250, api_requests=50_000_000),
        overage=OveragePrices(Decimal("0.25"), Decimal("29.00"), Decimal("0.10")),
        sizing=Sizing(
            quota_cpu="32",
            quota_memory="64Gi",
            quota_pods=200,
            container_cpu_request="500m",
            container_memory_request="1Gi",
            container_cpu_limit="2",
            container_memory_limit="2Gi",
            min_replicas=3,
            max_replicas=20,
            pdb_min_available=2,
            worker_replicas=4,
        ),
        database=DatabaseLimits(
            connection_limit=450, statement_timeout_ms=120_000, idle_in_transaction_session_timeout_ms=60_000
        ),
        backups=BackupPolicy(interval_hours=1, retention=72),
    ),
}


def get_plan(name: str) -> Plan:
    """Look a plan up by its name; KeyError names the valid ones."""
    try:
        return CATALOG[PlanName(name)]
    except ValueError:
        raise KeyError(
            f"unknown plan {name!r}; expected one of {', '.join(p.value for p in PlanName)}"
        ) from None
