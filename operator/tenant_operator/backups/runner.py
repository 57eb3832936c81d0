"""Take a tenant's scheduled backup, apply its retention, and say so on the resource."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tenant_operator import names
from tenant_operator.backups.schedule import Policy, retain
from tenant_operator.provisioners.backup import TenantBackup, backup_tenant, stamp_of
from tenant_operator.reconciler import now_rfc3339
from tenant_operator.runtime import Runtime


def entry(b: TenantBackup, taken_at: str) -> dict[str, Any]:
    """What ``status.lastBackup`` and each ``status.backups`` item say of one backup. Pure."""
    contents = b.snapshot.contents
    out: dict[str, Any] = {
        "takenAt": taken_at,
        "path": str(b.snapshot.path),
        "sizeBytes": b.snapshot.size,
        "rows": contents.rows,
        "seconds": round(b.database_seconds + b.objects_seconds, 1),
        "verified": contents.describe(),
    }
    if contents.audit_head is not None:
        out["auditHead"] = {"seq": contents.audit_head.seq, "hash": contents.audit_head.hash}
    if b.objects is not None:
        out["objects"] = f"s3://{b.objects.bucket}/{b.objects.prefix}"
    return out


async def take(runtime: Runtime, name: str, status: Mapping[str, Any], policy: Policy) -> dict[str, Any]:
    """Back the tenant up, drop what the retention no longer keeps; the new status fields."""
    store = runtime.object_store
    backup = await backup_tenant(
        admin_dsn=runtime.config.postgres.admin_dsn,
        database=names.pg_identifier(name),
        tenant=name,
        backup_dir=runtime.config.backup_dir,
        store=store,
        bucket=runtime.config.s3.tenant_bucket(name) if store else None,
        prefix=runtime.config.s3.tenant_prefix(name),
        bin_dir=runtime.config.pg_bin_dir,
    )
    novo = entry(backup, now_rfc3339())
    kept, dropped = retain(list(status.get("backups") or []), novo, policy.retention)
    for old in dropped:
        await _delete(runtime, name, old)
    return {"lastBackup": novo, "backups": kept, "backupError": None}


async def _delete(runtime: Runtime, name: str, old: Mapping[str, Any]) -> None:
    path = Path(str(old.get("path", "")))
    # Only files of this tenant in the backup directory: a status edited by hand cannot point elsewhere.
    if path.parent != runtime.config.backup_dir or not path.name.startswith(f"{name}-"):
        return
    await asyncio.to_thread(path.unlink, missing_ok=True)
    await asyncio.to_thread(path.with_suffix(".json").unlink, missing_ok=True)
    if runtime.object_store is not None and old.get("objects"):
        await runtime.object_store.delete_copy(name, stamp_of(path, name))
