"""Plan catalog views (prices in BRL)."""

from __future__ import annotations

from decimal import Decimal

from consorcio_contract.plans import Plan
from control_plane.api_schema import ResponseBody


class QuotasView(ResponseBody):
    active_cotas: int
    users: int
    api_requests: int


class OverageView(ResponseBody):
    per_active_cota: Decimal
    per_user: Decimal
    per_thousand_api_requests: Decimal


class SizingView(ResponseBody):
    quota_cpu: str
    quota_memory: str
    quota_pods: int
    container_cpu_request: str
    container_memory_request: str
    container_cpu_limit: str
    container_memory_limit: str
    min_replicas: int
    max_replicas: int
    pdb_min_available: int
    worker_replicas: int


class BackupsView(ResponseBody):
    interval_hours: int
    retention: int


class PlanView(ResponseBody):
    name: str
    display_name: str
    currency: str
    monthly_price: Decimal
    included: QuotasView
    overage: OverageView
    sizing: SizingView
    backups: BackupsView


def plan_view(plan: Plan) -> PlanView:
    """A catalog entry as the API shows it; every figure comes from consorcio_contract.plans."""
    s = plan.sizing
    return PlanView(
        name=plan.name.value,
        display_name=plan.display_name,
        currency="BRL",
        monthly_price=plan.monthly_price,
        included=QuotasView(plan.included.active_cotas, plan.included.users, plan.included.api_requests),
        overage=OverageView(
            plan.overage.per_active_cota, plan.overage.per_user, plan.overage.per_thousand_api_requests
        ),
        sizing=SizingView(
            quota_cpu=s.quota_cpu,
            quota_memory=s.quota_memory,
            quota_pods=s.quota_pods,
            container_cpu_request=s.container_cpu_request,
            container_memory_request=s.container_memory_request,
            container_cpu_limit=s.container_cpu_limit,
            container_memory_limit=s.container_memory_limit,
            min_replicas=s.min_replicas,
            max_replicas=s.max_replicas,
            pdb_min_available=s.pdb_min_available,
            worker_replicas=s.worker_replicas,
        ),
        backups=BackupsView(interval_hours=plan.backups.interval_hours, retention=plan.backups.retention),
    )
