"""What deleting a ConsorcioTenant does, by deletionPolicy.

Deleting the CRD deletes every ConsorcioTenant; that must never drop tenant
data. So before anything destructive the operator checks whether the CRD
itself is going away, and if so treats every policy as Retain. Snapshot and
Delete destroy only after spec.deletionGracePeriodDays (the tenant is
stopped at once, see stopping.py); until then the resource stays, Terminating,
with status.deletion saying when, and patching deletionPolicy to Retain
cancels the destruction. Tenant
namespaces carry no ownerReference to their ConsorcioTenant, so the garbage
collector never deletes them either: only this code does, and only for
Snapshot or Delete.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from consorcio_contract import crd_identity
from consorcio_contract.identifiers import normalize_cnpj
from consorcio_contract.tenant_resource import DEFAULT_DELETION_GRACE_DAYS, DeletionPolicy
from tenant_operator import adoption, metrics, names, orphans
from tenant_operator.kube.resources import KINDS
from tenant_operator.provisioners.object_store import ObjectStoreError
from tenant_operator.provisioners.snapshot import take_snapshot
from tenant_operator.provisioners.vault import VaultError
from tenant_operator.reconciler import now_rfc3339
from tenant_operator.runtime import Runtime
from tenant_operator.specs.rbac import operator_role_binding
from tenant_operator.stopping import stop_tenant

ORPHANED_BY_CRD = "Orphaned"


async def crd_is_being_deleted(runtime: Runtime) -> bool:
    """True when the ConsorcioTenant CRD is gone or marked for deletion."""
    crd = await runtime.kube.get(KINDS["CustomResourceDefinition"].path(crd_identity.CRD_NAME))
    return crd is None or bool(crd["metadata"].get("deletionTimestamp"))


def effective_policy(spec: Mapping[str, Any]) -> DeletionPolicy:
    """The resource's policy; anything unreadable counts as Retain (the safe side)."""
    try:
        return DeletionPolicy(spec.get("deletionPolicy") or DeletionPolicy.RETAIN)
    except ValueError:
        return DeletionPolicy.RETAIN


@dataclass(frozen=True)
class Destruction:
    """When a Snapshot/Delete deletion may destroy the data: requested + the grace period."""

    policy: DeletionPolicy
    requested_at: datetime
    destroy_at: datetime

    def status(self, phase: str) -> dict[str, Any]:
        """``status.deletion`` while the grace period runs (phase PendingDeletion) or after (Destroying)."""
        return {
            "phase": phase,
            "policy": self.policy.value,
            "requestedAt": _rfc3339(self.requested_at),
            "scheduledAt": _rfc3339(self.destroy_at),
        }


@dataclass(frozen=True)
class Pending:
    """The grace period is running: the tenant was stopped, nothing destroyed yet."""

    destruction: Destruction
    summary: str


def _rfc3339(when: datetime) -> str:
    return when.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def grace_days(spec: Mapping[str, Any]) -> int:
    """spec.deletionGracePeriodDays; anything unreadable counts as the default (the safe side)."""
    value = spec.get("deletionGracePeriodDays")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return DEFAULT_DELETION_GRACE_DAYS
    return value


def destruction(meta: Mapping[str, Any], spec: Mapping[str, Any]) -> Destruction | None:
    """When the data of a deleted tenant may be destroyed; None under Retain (never) (pure)."""
    policy = effective_policy(spec)
    if policy is DeletionPolicy.RETAIN:
        return None
    raw = meta.get("deletionTimestamp")
    requested = datetime.fromisoformat(raw.replace("Z", "+00:00")) if raw else datetime.now(UTC)
    return Destruction(policy, requested, requested + timedelta(days=grace_days(spec)))


async def delete_tenant(
    runtime: Runtime,
    *,
    name: str,
    spec: Mapping[str, Any],
    meta: Mapping[str, Any],
    logger: logging.Logger,
    now: datetime | None = None,
) -> tuple[str, str] | Pending:
    """Honour the deletion policy; (policy applied, summary), or Pending while the grace period runs.

    Raises on failure (the finalizer stays).
    """
    policy = effective_policy(spec)
    live_ns = await runtime.kube.get(KINDS["Namespace"].path(names.namespace(name)))
    conflict = adoption.namespace_conflict(live_ns, name, normalize_cnpj(str(spec.get("cnpj") or "")))
    if conflict is not None:
        # The tenant-<name> namespace (and what carries the same name: database,
        # Redis user, Vault paths) is not this resource's: touch nothing of it.
        metrics.DELETIONS.labels(adoption.REASON_NAMESPACE_CONFLICT).inc()
        return adoption.REASON_NAMESPACE_CONFLICT, f"nothing stopped, marked or destroyed: {conflict}"
    if live_ns is not None and runtime.config.rbac.enabled:
        # A tenant deleted before any pass of this release gave the operator its
        # RoleBinding (an upgrade): without it, stopping it would be a 403.
        await runtime.kube.apply(operator_role_binding(name, runtime.config.rbac))
    if policy is not DeletionPolicy.RETAIN and await crd_is_being_deleted(runtime):
        logger.warning("the ConsorcioTenant CRD is being deleted: keeping tenant %s's data", name)
        stopped = await stop_tenant(runtime, name)
        await mark_orphaned(runtime, name, reason="the ConsorcioTenant CRD was deleted", spec=spec)
        metrics.DELETIONS.labels(ORPHANED_BY_CRD).inc()
        return (
            ORPHANED_BY_CRD,
            "the CRD is being deleted: namespace, database, secrets and bucket retained (orphaned); "
            f"tenant stopped ({stopped})",
        )
    if policy is DeletionPolicy.RETAIN:
        stopped = await stop_tenant(runtime, name)
        note = await mark_orphaned(runtime, name, reason="deletionPolicy Retain", spec=spec)
        metrics.DELETIONS.labels(policy.value).inc()
        summary = (
            "namespace, database, secrets and bucket retained and marked orphaned (bucket key disabled); "
            f"tenant stopped ({stopped})"
        )
        return policy.value, "; ".join(filter(None, [summary, note]))
    plan = destruction(meta, spec)
    assert plan is not None
    if (now or datetime.now(UTC)) < plan.destroy_at:
        # Stopped at once, every check (someone may have scaled it up again).
        return Pending(plan, await stop_tenant(runtime, name))
    # Stopped first (again): nothing writes any more, so a snapshot is the final state.
    summary = f"tenant stopped ({await stop_tenant(runtime, name)}); "
    if policy is DeletionPolicy.SNAPSHOT:
        dump_summary, last = await _snapshot(runtime, name, spec)
        objects_summary, location = await _snapshot_objects(runtime, name)
        summary += f"{dump_summary}; {objects_summary}; "
        if last is not None:
            if location:
                last["objects"] = location
            # Where the data went, on the resource until it is gone (and in the Event after).
            await runtime.kube.merge_patch(tenant_status_path(name), {"status": {"lastSnapshot": last}})
    # Snapshot keeps the Transit key: the snapshot's wrapped personal-data key needs it.
    summary += await drop_everything(runtime, name, shred=policy is DeletionPolicy.DELETE)
    metrics.DELETIONS.labels(policy.value).inc()
    return policy.value, summary


def tenant_status_path(name: str) -> str:
    return f"/apis/{crd_identity.API_VERSION}/{crd_identity.PLURAL}/{name}/status"


async def _snapshot(
    runtime: Runtime, name: str, spec: Mapping[str, Any]
) -> tuple[str, dict[str, Any] | None]:
    """Dump and verify the database; (summary, status.lastSnapshot) — None when there is no database."""
    ident = names.pg_identifier(name)
    pool_check = await runtime.postgres.inspect(ident, "")
    if not pool_check.database_exists:
        return f"no database {ident} to snapshot", None
    snap = await take_snapshot(
        admin_dsn=runtime.config.postgres.admin_dsn,
        database=ident,
        tenant=name,
        backup_dir=runtime.config.backup_dir,
        bin_dir=runtime.config.pg_bin_dir,
        metadata={"cnpj": str(spec.get("cnpj", "")), "plan": str(spec.get("plan", ""))},
    )
    summary = (
        f"snapshot {snap.path} ({snap.size} bytes; verified by a restore into a scratch database: "
        f"{snap.contents.describe()}, equal to the database)"
    )
    return summary, {"path": str(snap.path), "takenAt": now_rfc3339(), "sizeBytes": snap.size}


async def _snapshot_objects(runtime: Runtime, name: str) -> tuple[str, str | None]:
    """Copy the tenant's bucket (or its prefix of the shared one) to the backup bucket (verified)
    before it is deleted; (summary, s3 URL)."""
    store = runtime.object_store
    if store is None:
        return "object storage not configured", None
    s3 = runtime.config.s3
    bucket, prefix = s3.tenant_bucket(name), s3.tenant_prefix(name)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    copy = await store.snapshot(bucket, name, stamp, source_prefix=prefix)
    if copy is None:
        return f"no bucket {bucket} to copy", None
    location = f"s3://{copy.bucket}/{copy.prefix}"
    return (
        f"s3://{bucket}/{prefix} copied to {location} "
        f"({copy.objects} objects, {copy.size} bytes, keys and sizes verified)",
        location,
    )


async def drop_everything(runtime: Runtime, name: str, *, shred: bool = False) -> str:
    """Namespace first (stops the app), then Redis, Vault, the database and the bucket (idempotent).

    ``shred`` (deletionPolicy Delete): the tenant's Transit key is destroyed too, so the personal
    data in every backup of the tenant is unreadable for good (crypto-shredding)."""
    ns_deleted = await runtime.kube.delete(KINDS["Namespace"].path(names.namespace(name)))
    redis_deleted = await runtime.redis.delete(names.redis_user(name), names.redis_key_prefix(name))
    vault_deleted = await runtime.vault.delete(name) if runtime.vault is not None else []
    if shred and runtime.vault is not None:
        key = names.transit_key_name(name)
        destroyed = await runtime.vault.destroy_transit_key(name)
        vault_deleted.append(f"Transit key {key} {'destroyed' if destroyed else 'already gone'}")
    dropped = await runtime.postgres.drop(names.pg_identifier(name))
    parts = [
        f"namespace {names.namespace(name)} {'deleted' if ns_deleted else 'already gone'}",
        f"Redis user {'deleted' if redis_deleted else 'already gone'}",
        f"Vault: {', '.join(vault_deleted) or 'disabled'}",
        f"PostgreSQL: {', '.join(dropped) or 'already gone'}",
    ]
    s3 = runtime.config.s3
    if runtime.object_store is not None:
        if s3.irsa:
            # The shared bucket stays: only the tenant's prefix goes; its IAM role is Terraform's.
            removed = await runtime.object_store.delete_prefix(s3.tenant_bucket(name), s3.tenant_prefix(name))
        else:
            removed = await runtime.object_store.delete(s3.tenant_bucket(name), names.s3_access_key(name))
        parts.append(f"object storage: {', '.join(removed) or 'already gone'}")
    return "; ".join(parts)


async def mark_orphaned(runtime: Runtime, name: str, *, reason: str, spec: Mapping[str, Any]) -> str:
    """Label/annotate what is kept, so an SRE can find retained tenants; a note when incomplete."""
    when = now_rfc3339()
    ns = names.namespace(name)
    mark = orphans.mark_patch(when=when, reason=reason)
    if await runtime.kube.merge_patch(KINDS["Namespace"].path(ns), mark) is not None:
        # Only inside an existing namespace: without it there is no Secret, and no right to ask.
        await runtime.kube.merge_patch(KINDS["Secret"].path(names.APP_SECRET, ns), mark)
    # Whose data it is: re-adopted only by a ConsorcioTenant with the same CNPJ.
    cnpj = normalize_cnpj(str(spec.get("cnpj") or ""))
    await runtime.postgres.mark_orphaned(names.pg_identifier(name), f"{reason} at {when}; cnpj={cnpj}")
    notes = []
    if runtime.vault is not None:
        try:
            await runtime.vault.mark_orphaned(name, when, cnpj=cnpj)
        except VaultError as err:
            # Only a mark: nothing is dropped, so an unavailable Vault must
            # not hold the deletion (or a CRD deletion) hostage.
            notes.append(f"Vault data kept but not marked orphaned ({err.reason}: {err.message})")
    notes.append(await _disable_storage_key(runtime, name))
    return "; ".join(filter(None, notes))


async def _disable_storage_key(runtime: Runtime, name: str) -> str:
    """The retained bucket stays; the key stored in the retained Secret stops working."""
    if runtime.object_store is None or runtime.config.s3.irsa:
        # aws-irsa: there is no stored key; the objects stay under the tenant's prefix, and
        # its role can be assumed only from its namespace's ServiceAccount.
        return ""
    try:
        await runtime.object_store.disable_key(names.s3_access_key(name))
    except ObjectStoreError as err:
        # Like the Vault mark: an unreachable S3 server must not hold the
        # deletion hostage; the note says the key may still work.
        return f"bucket kept but its key NOT disabled ({err.reason}: {err.message})"
    return ""
