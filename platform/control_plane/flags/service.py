"""Flag definitions and their per-tenant snapshots."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from consorcio_contract.flag_rules import (
    FlagDefinition,
    FlagSnapshot,
    Rollout,
    RolloutUnit,
    ValueType,
    percentage_to_basis_points,
    resolve_for_tenant,
    value_matches_type,
)
from control_plane.audit.service import ActionContext, AuditService
from control_plane.flags.models import FeatureFlag
from control_plane.flags.schemas import FlagCreate, FlagUpdate, RolloutIn
from control_plane.problems import (
    Conflict,
    FieldError,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from control_plane.tenants.models import Tenant

ChangePublisher = Callable[[], Awaitable[None]]


async def _no_publish() -> None:
    return None


def definition_of(flag: FeatureFlag) -> FlagDefinition:
    """The pure rule object for a stored flag."""
    rollout = None
    if flag.rollout:
        rollout = Rollout(
            basis_points=int(flag.rollout["basisPoints"]),
            value=flag.rollout["value"],
            unit=RolloutUnit(flag.rollout.get("unit", RolloutUnit.TENANT)),
        )
    return FlagDefinition(
        key=flag.key,
        value_type=ValueType(flag.value_type),
        default_value=flag.default_value,
        enabled=flag.enabled,
        plan_values=dict(flag.plan_values or {}),
        tenant_values=dict(flag.tenant_values or {}),
        rollout=rollout,
        salt=flag.salt,
    )


def build_snapshot(definitions: Sequence[FlagDefinition], tenant: str, plan: str) -> FlagSnapshot:
    """Resolve every flag for one tenant; the ETag is a hash of the content."""
    flags = {d.key: resolve_for_tenant(d, tenant, plan) for d in definitions}
    canonical = json.dumps(
        {"tenant": tenant, "plan": plan, "flags": {k: v.to_wire() for k, v in flags.items()}},
        sort_keys=True,
        separators=(",", ":"),
    )
    etag = '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'
    return FlagSnapshot(tenant, plan, flags, etag)


def _check_values(value_type: ValueType, values: dict[str, Any]) -> list[FieldError]:
    """Every value must have the flag's type (a string where a boolean is expected breaks apps)."""
    return [
        FieldError(field, f"must be a {value_type.value} value")
        for field, value in values.items()
        if not value_matches_type(value_type, value)
    ]


def _rollout_json(rollout: RolloutIn | None) -> dict[str, Any] | None:
    if rollout is None:
        return None
    try:
        basis_points = percentage_to_basis_points(str(rollout.percentage))
    except ValueError as err:
        raise InvalidInput.field("rollout.percentage", str(err)) from None
    return {
        "basisPoints": basis_points,
        "value": rollout.value,
        "unit": rollout.unit.value,
    }


def _flag_values(flag: FeatureFlag) -> dict[str, Any]:
    values = {"defaultValue": flag.default_value}
    values.update({f"planValues.{k}": v for k, v in (flag.plan_values or {}).items()})
    values.update({f"tenantValues.{k}": v for k, v in (flag.tenant_values or {}).items()})
    if flag.rollout:
        values["rollout.value"] = flag.rollout["value"]
    return values


class FlagService:
    def __init__(self, session: AsyncSession, publish_change: ChangePublisher = _no_publish) -> None:
        self.session = session
        self.audit = AuditService(session)
        self.publish_change = publish_change

    async def list_flags(self) -> Sequence[FeatureFlag]:
        return (await self.session.scalars(select(FeatureFlag).order_by(FeatureFlag.key))).all()

    async def get(self, key: str, *, for_update: bool = False) -> FeatureFlag:
        query = select(FeatureFlag).where(FeatureFlag.key == key)
        if for_update:
            query = query.with_for_update()
        flag = await self.session.scalar(query)
        if flag is None:
            raise NotFound(f"flag {key!r} does not exist")
        return flag

    async def definitions(self) -> list[FlagDefinition]:
        return [definition_of(f) for f in await self.list_flags()]

    async def snapshot(self, tenant: str, plan: str) -> FlagSnapshot:
        return build_snapshot(await self.definitions(), tenant, plan)

    async def create(self, ctx: ActionContext, data: FlagCreate) -> FeatureFlag:
        flag = FeatureFlag(
            key=data.key,
            description=data.description,
            value_type=data.type,
            enabled=data.enabled,
            default_value=data.default_value,
            plan_values={k.value: v for k, v in data.plan_values.items()},
            tenant_values=dict(data.tenant_values),
            rollout=_rollout_json(data.rollout),
            salt=secrets.token_hex(8),
            version=1,
        )
        await self._validate(flag)
        self.session.add(flag)
        try:
            await self.session.flush()
        except IntegrityError:
            await self.session.rollback()
            raise Conflict(f"flag {data.key!r} already exists") from None
        self.audit.record(ctx, "flag.create", "flag", flag.key, self._audit_details(flag))
        await self.session.commit()
        await self.publish_change()
        return flag

    async def update(
        self, ctx: ActionContext, key: str, data: FlagUpdate, if_match: int | None
    ) -> FeatureFlag:
        flag = await self.get(key, for_update=True)
        if if_match is None:
            # Without it, two admins editing at once silently lose one change.
            raise PreconditionRequired(
                f"send If-Match with flag {key!r}'s ETag (from GET /api/flags/{key}): "
                "a change is applied only to the version it was made from"
            )
        if if_match != flag.version:
            raise PreconditionFailed(f"flag {key!r} is at version {flag.version}, not {if_match}")
        if data.description is not msgspec.UNSET:
            flag.description = data.description
        if data.enabled is not msgspec.UNSET:
            flag.enabled = data.enabled
        if data.default_value is not msgspec.UNSET:
            flag.default_value = data.default_value
        if data.plan_values is not msgspec.UNSET:
            flag.plan_values = {k.value: v for k, v in data.plan_values.items()}
        if data.tenant_values is not msgspec.UNSET:
            flag.tenant_values = dict(data.tenant_values)
        if data.rollout is not msgspec.UNSET:
            flag.rollout = _rollout_json(data.rollout)
        await self._validate(flag)
        flag.version += 1
        self.audit.record(ctx, "flag.update", "flag", key, self._audit_details(flag))
        await self.session.commit()
        await self.publish_change()
        return flag

    async def delete(self, ctx: ActionContext, key: str) -> None:
        flag = await self.get(key, for_update=True)
        await self.session.delete(flag)
        self.audit.record(ctx, "flag.delete", "flag", key, {})
        await self.session.commit()
        await self.publish_change()

    async def _validate(self, flag: FeatureFlag) -> None:
        errors = _check_values(ValueType(flag.value_type), _flag_values(flag))
        errors += await self._unknown_tenants(flag.tenant_values or {})
        if errors:
            raise InvalidInput("flag values do not match its type or its tenants", errors=errors)

    async def _unknown_tenants(self, tenant_values: dict[str, Any]) -> list[FieldError]:
        """An override for a slug no tenant has is a typo that would never apply."""
        if not tenant_values:
            return []
        known = set(await self.session.scalars(select(Tenant.slug).where(Tenant.slug.in_(tenant_values))))
        return [
            FieldError(f"tenantValues.{slug}", "no tenant has this slug")
            for slug in tenant_values
            if slug not in known
        ]

    @staticmethod
    def _audit_details(flag: FeatureFlag) -> dict[str, Any]:
        return {
            "version": flag.version,
            "enabled": flag.enabled,
            "defaultValue": flag.default_value,
            "planValues": flag.plan_values,
            "tenantValues": flag.tenant_values,
            "rollout": flag.rollout,
        }


def rollout_percentage(rollout: dict[str, Any]) -> Decimal:
    return Decimal(int(rollout["basisPoints"])) / 100
