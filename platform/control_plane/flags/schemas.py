"""Feature-flag API payloads."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import msgspec

from consorcio_contract.flag_rules import RolloutUnit, ValueType
from consorcio_contract.plans import PlanName
from control_plane.api_schema import RequestBody, ResponseBody

FlagKey = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9._-]{0,99}$", max_length=100)]


class RolloutIn(RequestBody):
    percentage: Decimal  # 0-100, two decimals at most (checked by the service)
    value: Any
    unit: RolloutUnit = RolloutUnit.TENANT


class FlagCreate(RequestBody):
    key: FlagKey
    type: ValueType
    default_value: Any
    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    enabled: bool = True
    plan_values: dict[PlanName, Any] = msgspec.field(default_factory=dict)
    tenant_values: dict[str, Any] = msgspec.field(default_factory=dict)
    rollout: RolloutIn | None = None


class FlagUpdate(RequestBody):
    """Fields left out are unchanged; ``rollout: null`` removes the rollout."""

    description: Annotated[str, msgspec.Meta(max_length=2000)] | msgspec.UnsetType = msgspec.UNSET
    enabled: bool | msgspec.UnsetType = msgspec.UNSET
    default_value: Any | msgspec.UnsetType = msgspec.UNSET
    plan_values: dict[PlanName, Any] | msgspec.UnsetType = msgspec.UNSET
    tenant_values: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    rollout: RolloutIn | msgspec.UnsetType | None = msgspec.UNSET


class RolloutView(ResponseBody):
    percentage: Decimal
    value: Any
    unit: RolloutUnit


class FlagView(ResponseBody):
    key: str
    type: ValueType
    description: str
    enabled: bool
    default_value: Any
    plan_values: dict[str, Any]
    tenant_values: dict[str, Any]
    rollout: RolloutView | None
    version: int
    updated_at: datetime


class EvaluationView(ResponseBody):
    value: Any
    reason: str
    variant: str


class FlagEvaluationView(ResponseBody):
    key: str
    tenant: str
    user: str | None
    value: Any
    reason: str
    variant: str


class TenantEvaluationsView(ResponseBody):
    tenant: str
    plan: str
    flags: dict[str, EvaluationView]


class SnapshotView(ResponseBody):
    """What a tenant app evaluates locally (see tenant_app.platform_client)."""

    tenant: str
    plan: str
    etag: str
    flags: dict[str, dict[str, Any]]
