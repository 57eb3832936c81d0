"""Feature flags: staff manage them, tenant apps read their own."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from consorcio_contract.flag_rules import FlagSnapshot, RolloutUnit, evaluate, resolve_for_tenant
from control_plane.audit.service import ActionContext
from control_plane.auth.guards import admin_guard, tenant_app_guard
from control_plane.auth.roles import Permission
from control_plane.flags.models import FeatureFlag
from control_plane.flags.schemas import (
    EvaluationView,
    FlagCreate,
    FlagEvaluationView,
    FlagUpdate,
    FlagView,
    RolloutView,
    SnapshotView,
    TenantEvaluationsView,
)
from control_plane.flags.service import FlagService, definition_of, rollout_percentage
from control_plane.problems import Forbidden, InvalidInput
from control_plane.tenants.resources import TenantResources
from control_plane.tenants.service import TenantService

MAX_WAIT_SECONDS = 30


def flag_view(flag: FeatureFlag) -> FlagView:
    rollout = None
    if flag.rollout:
        rollout = RolloutView(
            percentage=rollout_percentage(flag.rollout),
            value=flag.rollout["value"],
            unit=RolloutUnit(flag.rollout.get("unit", "tenant")),
        )
    return FlagView(
        key=flag.key,
        type=flag.value_type,
        description=flag.description,
        enabled=flag.enabled,
        default_value=flag.default_value,
        plan_values=dict(flag.plan_values or {}),
        tenant_values=dict(flag.tenant_values or {}),
        rollout=rollout,
        version=flag.version,
        updated_at=flag.updated_at,
    )


def _version_header(flag: FeatureFlag) -> dict[str, str]:
    return {"ETag": f'"{flag.version}"'}


def _parse_if_match(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise InvalidInput.field("If-Match", 'must be the flag\'s ETag, e.g. "3"') from None


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = {c.strip().removeprefix("W/") for c in if_none_match.split(",")}
    return etag in candidates or "*" in candidates


class FlagAdminController(Controller):
    path = "/api/flags"
    tags = ("flags",)
    guards = (admin_guard,)

    @get("/", operation_id="listFlags", name="flags:list", opt={"permission": Permission.FLAGS_READ})
    async def list_flags(self, db_session: NamedDependency[AsyncSession]) -> list[FlagView]:
        return [flag_view(f) for f in await FlagService(db_session).list_flags()]

    @post("/", operation_id="createFlag", name="flags:create", opt={"permission": Permission.FLAGS_WRITE})
    async def create_flag(
        self,
        data: JSONBody[FlagCreate],
        db_session: NamedDependency[AsyncSession],
        state: State,
        action_context: NamedDependency[ActionContext],
    ) -> Response[FlagView]:
        flag = await FlagService(db_session, state.flag_notifier.publish).create(action_context, data)
        return Response(flag_view(flag), status_code=201, headers=_version_header(flag))

    @get("/{key:str}", operation_id="getFlag", name="flags:get", opt={"permission": Permission.FLAGS_READ})
    async def get_flag(
        self, key: FromPath[str], db_session: NamedDependency[AsyncSession]
    ) -> Response[FlagView]:
        flag = await FlagService(db_session).get(key)
        return Response(flag_view(flag), headers=_version_header(flag))

    @patch(
        "/{key:str}",
        operation_id="updateFlag",
        name="flags:update",
        opt={"permission": Permission.FLAGS_WRITE},
    )
    async def update_flag(
        self,
        key: FromPath[str],
        data: JSONBody[FlagUpdate],
        db_session: NamedDependency[AsyncSession],
        state: State,
        action_context: NamedDependency[ActionContext],
        # Required (428 without it); declared optional only so that its absence reaches the
        # service as a problem+json 428 instead of the framework's 400.
        if_match: Annotated[
            str | None,
            HeaderParameter(
                name="If-Match",
                required=True,
                description='The flag\'s ETag from GET (e.g. "3"); 428 when missing, 412 when stale.',
            ),
        ] = None,
    ) -> Response[FlagView]:
        """Change a flag. ``If-Match`` with its ETag is required, so no one overwrites another's edit."""
        service = FlagService(db_session, state.flag_notifier.publish)
        flag = await service.update(action_context, key, data, _parse_if_match(if_match))
        return Response(flag_view(flag), headers=_version_header(flag))

    @delete(
        "/{key:str}",
        operation_id="deleteFlag",
        name="flags:delete",
        opt={"permission": Permission.FLAGS_WRITE},
    )
    async def delete_flag(
        self,
        key: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        state: State,
        action_context: NamedDependency[ActionContext],
    ) -> None:
        await FlagService(db_session, state.flag_notifier.publish).delete(action_context, key)

    @get(
        "/{key:str}/evaluation",
        operation_id="evaluateFlag",
        name="flags:evaluate",
        opt={"permission": Permission.FLAGS_READ},
    )
    async def evaluate_flag(
        self,
        key: FromPath[str],
        tenant: FromQuery[str],
        db_session: NamedDependency[AsyncSession],
        tenant_resources: NamedDependency[TenantResources],
        user: FromQuery[str | None] = None,
    ) -> FlagEvaluationView:
        """What ``tenant`` (and optionally ``user``) gets for this flag right now."""
        flag = await FlagService(db_session).get(key)
        record = await TenantService(db_session, tenant_resources).get_record(tenant)
        resolved = resolve_for_tenant(definition_of(flag), record.slug, record.plan.value)
        result = evaluate(resolved, user)
        return FlagEvaluationView(
            key=key,
            tenant=tenant,
            user=user,
            value=result.value,
            reason=result.reason.value,
            variant=result.variant,
        )


class TenantFlagController(Controller):
    """What a tenant app reads. The guard pins ``slug`` to the caller's own tenant."""

    path = "/api/tenant-app/tenants/{slug:str}"
    tags = ("tenant-app",)
    guards = (tenant_app_guard,)

    async def _snapshot(self, slug: str, state: State) -> FlagSnapshot:
        # A fresh session per look: a long poll must not hold a connection
        # (or a transaction snapshot that would hide the change it waits for).
        async with state.session_factory() as session:
            tenant = await TenantService(session, state.tenant_resources).get_record(slug)
            if tenant.deleted_at is not None:
                raise Forbidden(f"tenant {slug!r} was deleted")
            return await FlagService(session).snapshot(tenant.slug, tenant.plan.value)

    @get("/flag-snapshot", operation_id="getFlagSnapshot", name="tenant-app:flag-snapshot")
    async def flag_snapshot(
        self,
        slug: FromPath[str],
        state: State,
        request: Request[Any, Any, Any],
        wait: Annotated[int, QueryParameter(ge=0, le=MAX_WAIT_SECONDS)] = 0,
    ) -> Response[SnapshotView | None]:
        """Every flag resolved for this tenant, for local evaluation.

        Conditional: with ``If-None-Match`` equal to the current ETag the
        answer is 304; with ``wait=N`` too, the request is held up to N
        seconds and answered as soon as something changes (long poll).
        """
        if_none_match = request.headers.get("if-none-match")
        deadline = time.monotonic() + wait
        while True:
            changed = state.flag_notifier.current()  # before reading, so no change slips between
            snapshot = await self._snapshot(slug, state)
            remaining = deadline - time.monotonic()
            if not _etag_matches(if_none_match, snapshot.etag) or remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), timeout=remaining)
        headers = {"ETag": snapshot.etag, "Cache-Control": "no-cache"}
        if _etag_matches(if_none_match, snapshot.etag):
            return Response(None, status_code=304, headers=headers)
        body = SnapshotView(
            tenant=snapshot.tenant, plan=snapshot.plan, etag=snapshot.etag, flags=snapshot.wire_flags()
        )
        return Response(body, headers=headers)

    @get("/flags", operation_id="evaluateTenantFlags", name="tenant-app:flags")
    async def evaluate_flags(
        self,
        slug: FromPath[str],
        state: State,
        request: Request[Any, Any, Any],
        user: FromQuery[str | None] = None,
    ) -> Response[TenantEvaluationsView | None]:
        """Server-side evaluation of every flag for this tenant (and ``user``), with an ETag."""
        snapshot = await self._snapshot(slug, state)
        # The user changes the answer (user rollouts), so it is part of the tag.
        etag = snapshot.etag
        if user:
            etag = '"' + hashlib.sha256(f"{snapshot.etag}\x00{user}".encode()).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        if _etag_matches(request.headers.get("if-none-match"), etag):
            return Response(None, status_code=304, headers=headers)
        flags = {}
        for key, resolved in snapshot.flags.items():
            result = evaluate(resolved, user)
            flags[key] = EvaluationView(
                value=result.value, reason=result.reason.value, variant=result.variant
            )
        return Response(
            TenantEvaluationsView(tenant=snapshot.tenant, plan=snapshot.plan, flags=flags), headers=headers
        )
