"""The control plane follows the ConsorcioTenants: one truth between kubectl and the API.

The resource is the desired state. For every ConsorcioTenant the watch
(``watcher.py``) hands over, :meth:`TenantSync.observe` makes the commercial
record agree with it, exactly as if the change had been made through the API:

- a resource applied with kubectl/GitOps and unknown here is registered
  (``origin: cluster``) with its billing state saying what is missing (no
  billing contact yet: ``billingIssues: [billingContactMissing]``), billed from
  its creation day; a CNPJ already held by another live tenant is not
  registered (the operator gives that resource a CnpjConflict condition);
- a plan changed on the resource is a plan change here: a plan-history
  segment from when the resource was changed (proration follows; see
  :func:`plan_changed_at`), an audit event, a flag refresh;
- ``spec.suspended`` changed on the resource suspends or resumes the record
  (reason ``manual``: a person did it);
- a resource deleted (or being deleted) marks the record deleted; one applied
  again with the same CNPJ after that restores it.

Every change is also a row of ``tenant_state_changes`` (source ``cluster``).
The record is locked (SELECT ... FOR UPDATE) while compared, and the API
holds the same lock while it patches the resource and commits, so a change
made through the API is seen here only after its commit and never recorded twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from consorcio_contract.identifiers import normalize_cnpj
from consorcio_contract.plans import PlanName
from control_plane.audit.service import ActionContext, AuditService
from control_plane.billing.periods import BILLING_TZ, local_date
from control_plane.tenants.models import (
    DeletionPolicy,
    PlanChange,
    SuspensionReason,
    Tenant,
    TenantOrigin,
    TenantStateChange,
)

_log = logging.getLogger("control_plane.tenant_sync")

#: Who the audit trail and the plan history name for a change made on the resource.
CLUSTER_ACTOR = "cluster (ConsorcioTenant changed with kubectl/GitOps)"
SYSTEM = ActionContext.system("tenant-watch")

Publisher = Callable[[], Awaitable[None]]


async def _no_publish() -> None:
    return None


def _parse_time(raw: str | None) -> datetime | None:
    return datetime.fromisoformat(raw.replace("Z", "+00:00")) if raw else None


def record_change(
    session: AsyncSession,
    tenant: Tenant,
    field: str,
    old: object,
    new: object,
    *,
    source: str,
    changed_by: str,
    at: datetime,
) -> None:
    """One history row (used by the API service too)."""
    session.add(
        TenantStateChange(
            tenant_id=tenant.id,
            field=field,
            old_value=None if old is None else str(old),
            new_value=None if new is None else str(new),
            source=source,
            changed_by=changed_by,
            changed_at=at,
        )
    )


def contract_instant(tenant: Tenant) -> datetime:
    """Midnight (billing time zone) of the contract's first day: billing is by day."""
    return datetime.combine(tenant.contract_start, time(), BILLING_TZ)


def record_registration(
    session: AsyncSession, tenant: Tenant, *, source: str, changed_by: str, at: datetime
) -> None:
    """A new tenant's first plan segment and its ``registered`` history row (used by the API
    service too). Billing starts with the contract, so the first plan segment does too."""
    session.add(
        PlanChange(
            tenant_id=tenant.id,
            plan=tenant.plan,
            effective_from=contract_instant(tenant),
            changed_by=changed_by,
        )
    )
    record_change(
        session, tenant, "registered", None, tenant.plan.value, source=source, changed_by=changed_by, at=at
    )


def _owns_plan(fields: object) -> bool:
    spec = fields.get("f:spec") if isinstance(fields, Mapping) else None
    return isinstance(spec, Mapping) and "f:plan" in spec


def plan_changed_at(meta: Mapping[str, Any], *, floor: datetime | None, now: datetime) -> datetime:
    """When ``spec.plan`` took its current value, as far as the API server's records tell.

    The watch may see a change late (the control plane was down, the watch was
    re-listing): billing follows the change from when it happened, not from when it
    was seen. The API server stamps the ``managedFields`` entry of whoever last set a
    field with the time of that write (seconds); the entry owning ``f:spec.f:plan``
    (the latest one when an apply shares it) says when the plan was set. Not the
    ``status`` subresource's entries: the operator's status writes own no spec.

    Any client may rewrite ``managedFields``, so the stamp is trusted only inside what
    is known for certain: after ``floor`` (the previous plan change, the last time this
    process saw the old plan) and not after ``now``. Outside it, or with no stamp at
    all, the change counts from ``now``, when it was seen.
    """
    stamps = [
        parsed
        for entry in meta.get("managedFields") or []
        if isinstance(entry, Mapping)
        and not entry.get("subresource")
        and _owns_plan(entry.get("fieldsV1"))
        and (parsed := _parse_stamp(entry.get("time"))) is not None
    ]
    if not stamps:
        return now
    stamp = max(stamps)
    if stamp > now or (floor is not None and stamp < floor):
        return now
    return stamp


def _parse_stamp(raw: object) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        parsed = _parse_time(raw)
    except ValueError:
        return None
    return parsed if parsed is not None and parsed.tzinfo is not None else None


Fetcher = Callable[[str], Awaitable[dict[str, Any] | None]]


class TenantSync:
    """``fetch`` reads the resource's current version: an event can be older than the
    record (the API changed both since), so the comparison uses what is live now,
    read while the record is locked."""

    def __init__(
        self, session: AsyncSession, fetch: Fetcher, publish_change: Publisher = _no_publish
    ) -> None:
        self.session = session
        self.fetch = fetch
        self.audit = AuditService(session)
        self.publish_change = publish_change

    async def observe(
        self, obj: Mapping[str, Any], now: datetime | None = None, *, seen_before: datetime | None = None
    ) -> list[str]:
        """Make the record agree with a live resource; what changed (empty: nothing).

        ``seen_before``: a moment the resource was known to agree with the record (the
        watch's previous comparison started then); a change is not billed from earlier.
        """
        try:
            return await self._observe(obj, now or datetime.now(UTC), seen_before)
        except IntegrityError:
            # The API created the same slug meanwhile (its insert committed first): compare again.
            await self.session.rollback()
            return await self._observe(obj, now or datetime.now(UTC), seen_before)

    async def _observe(
        self, obj: Mapping[str, Any], now: datetime, seen_before: datetime | None
    ) -> list[str]:
        slug = str((obj.get("metadata") or {}).get("name"))
        tenant = await self.session.scalar(select(Tenant).where(Tenant.slug == slug).with_for_update())
        latest = await self.fetch(slug)
        if latest is None:
            await self.session.rollback()
            return await self.observe_gone(slug, obj.get("spec") or {}, now)
        meta = latest.get("metadata") or {}
        spec = latest.get("spec") or {}
        try:
            plan = PlanName(str(spec.get("plan")))
        except ValueError:
            await self.session.rollback()
            return []  # refused by the CRD schema; nothing sensible to bill
        cnpj = normalize_cnpj(str(spec.get("cnpj", "")))
        if tenant is None:
            if meta.get("deletionTimestamp"):
                return []
            return await self._register(slug, spec, plan, cnpj, meta, now)
        if tenant.cnpj != cnpj:
            _log.warning(
                "ConsorcioTenant %s has CNPJ %s but the record %s: not following it", slug, cnpj, tenant.cnpj
            )
            await self.session.rollback()
            return []
        changes: list[str] = []
        if meta.get("deletionTimestamp"):
            if tenant.deleted_at is None:
                await self._mark_deleted(tenant, spec, _parse_time(meta["deletionTimestamp"]) or now)
                changes.append("deleted")
            await self.session.commit()
            return changes
        if tenant.deleted_at is not None:
            # Applied again (kubectl) with the same CNPJ: the operator adopts what was kept.
            record_change(
                self.session,
                tenant,
                "deleted",
                True,
                False,
                source="cluster",
                changed_by=CLUSTER_ACTOR,
                at=now,
            )
            self.audit.record(SYSTEM, "tenant.restore", "tenant", slug, {"source": "cluster"})
            tenant.deleted_at = None
            changes.append("restored")
        if plan != tenant.plan:
            previous = await self.session.scalar(
                select(func.max(PlanChange.effective_from)).where(PlanChange.tenant_id == tenant.id)
            )
            floor = max((t for t in (previous, seen_before) if t is not None), default=None)
            changed_at = plan_changed_at(meta, floor=floor, now=now)
            changes.append(f"plan {tenant.plan.value} -> {plan.value}")
            record_change(
                self.session,
                tenant,
                "plan",
                tenant.plan.value,
                plan.value,
                source="cluster",
                changed_by=CLUSTER_ACTOR,
                at=now,
            )
            self.session.add(
                PlanChange(
                    tenant_id=tenant.id,
                    plan=plan,
                    effective_from=max(changed_at, contract_instant(tenant)),
                    changed_by=CLUSTER_ACTOR,
                )
            )
            self.audit.record(
                SYSTEM,
                "tenant.change_plan",
                "tenant",
                slug,
                {
                    "from": tenant.plan.value,
                    "to": plan.value,
                    "source": "cluster",
                    "effectiveFrom": changed_at.isoformat(),
                },
            )
            tenant.plan = plan
        suspended = bool(spec.get("suspended", False))
        if suspended != tenant.suspended:
            changes.append("suspended" if suspended else "resumed")
            record_change(
                self.session,
                tenant,
                "suspended",
                tenant.suspended,
                suspended,
                source="cluster",
                changed_by=CLUSTER_ACTOR,
                at=now,
            )
            self.audit.record(
                SYSTEM,
                "tenant.suspend" if suspended else "tenant.resume",
                "tenant",
                slug,
                {"source": "cluster"},
            )
            tenant.suspended = suspended
            tenant.suspension_reason = SuspensionReason.MANUAL if suspended else None
        display_name = spec.get("displayName")
        if isinstance(display_name, str) and display_name and display_name != tenant.display_name:
            tenant.display_name = display_name
            changes.append("displayName")
        await self.session.commit()
        if any(c.startswith("plan") or c == "restored" for c in changes):
            await self.publish_change()
        return changes

    async def _register(
        self,
        slug: str,
        spec: Mapping[str, Any],
        plan: PlanName,
        cnpj: str,
        meta: Mapping[str, Any],
        now: datetime,
    ) -> list[str]:
        holders = (
            await self.session.scalars(
                select(Tenant.slug).where(Tenant.cnpj == cnpj, Tenant.deleted_at.is_(None))
            )
        ).all()
        restore = spec.get("restoreFrom")
        source = restore.get("tenant") if isinstance(restore, Mapping) else None
        # A tenant restored from another's backup (spec.restoreFrom) is the same administradora
        # on purpose: registered (and billed) beside its source, like POST .../backups/{b}/restore.
        holder = next((h for h in holders if h != source), None) if source not in holders else None
        if holder is not None:
            _log.warning(
                "ConsorcioTenant %s: CNPJ %s already belongs to tenant %s; not registered", slug, cnpj, holder
            )
            await self.session.rollback()
            return []
        created = _parse_time(meta.get("creationTimestamp")) or now
        try:
            policy = DeletionPolicy(spec.get("deletionPolicy") or DeletionPolicy.RETAIN)
        except ValueError:
            policy = DeletionPolicy.RETAIN
        tenant = Tenant(
            slug=slug,
            display_name=str(spec.get("displayName") or slug)[:200],
            cnpj=cnpj,
            plan=plan,
            suspended=bool(spec.get("suspended", False)),
            suspension_reason=SuspensionReason.MANUAL if spec.get("suspended") else None,
            deletion_policy=policy,
            contract_start=local_date(created),
            # Unknown until an admin fills them in (PATCH /api/tenants/{slug}): billingIssues says so.
            billing_contact_name="",
            billing_contact_email="",
            origin=TenantOrigin.CLUSTER,
        )
        self.session.add(tenant)
        await self.session.flush()
        record_registration(self.session, tenant, source="cluster", changed_by=CLUSTER_ACTOR, at=now)
        self.audit.record(
            SYSTEM, "tenant.register", "tenant", slug, {"plan": plan.value, "cnpj": cnpj, "source": "cluster"}
        )
        await self.session.commit()
        await self.publish_change()
        return ["registered"]

    async def observe_gone(
        self, slug: str, spec: Mapping[str, Any], now: datetime | None = None
    ) -> list[str]:
        """The resource no longer exists: the record is deleted too (kept for invoices)."""
        tenant = await self.session.scalar(select(Tenant).where(Tenant.slug == slug).with_for_update())
        if tenant is None or tenant.deleted_at is not None:
            await self.session.rollback()
            return []
        if await self.fetch(slug) is not None:
            # Applied again since: not gone (the ADDED event that follows is compared then).
            await self.session.rollback()
            return []
        await self._mark_deleted(tenant, spec, now or datetime.now(UTC))
        await self.session.commit()
        return ["deleted"]

    async def _mark_deleted(self, tenant: Tenant, spec: Mapping[str, Any], at: datetime) -> None:
        try:
            tenant.deletion_policy = DeletionPolicy(spec.get("deletionPolicy") or DeletionPolicy.RETAIN)
        except ValueError:
            tenant.deletion_policy = DeletionPolicy.RETAIN
        tenant.deleted_at = at
        record_change(
            self.session,
            tenant,
            "deleted",
            False,
            True,
            source="cluster",
            changed_by=CLUSTER_ACTOR,
            at=at,
        )
        self.audit.record(
            SYSTEM,
            "tenant.delete",
            "tenant",
            tenant.slug,
            {"deletionPolicy": tenant.deletion_policy.value, "source": "cluster"},
        )
