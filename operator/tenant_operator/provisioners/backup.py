"""A live tenant's backup and its restore under another name (issue 21 item 5).

Backup = the database as one consistent ``pg_dump`` (custom format), proven by restoring it into
a scratch database and comparing every table's rows and the audit chain head (snapshot.py), plus
a verified copy of the tenant's bucket into the platform's backup bucket (``object_store``). The
two are taken one after the other, not atomically: a document uploaded between them may be in
the copy without its row (harmless: an unreferenced object) — never a row without its object,
because the database is dumped first and objects are never rewritten under a key.

Restore = a new database (must not exist) from the dump, owned by the new tenant's role, and the
backup's objects copied into the new tenant's (existing, empty) bucket; both verified. The RPO is
the backup schedule; the figures of both steps are kept for the RTO (benchmarks/backup_restore.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tenant_operator.provisioners.object_store import BucketCopy, ObjectStoreProvisioner
from tenant_operator.provisioners.snapshot import DatabaseContents, Snapshot, restore_snapshot, take_snapshot


@dataclass(frozen=True)
class TenantBackup:
    """One backup: the verified dump, the verified bucket copy (None: no bucket) and the time each took."""

    snapshot: Snapshot
    objects: BucketCopy | None
    database_seconds: float
    objects_seconds: float


@dataclass(frozen=True)
class TenantRestore:
    """What a restore produced and the time each part took (the RTO is their sum)."""

    contents: DatabaseContents
    objects: BucketCopy | None
    database_seconds: float
    objects_seconds: float


def stamp_of(dump: Path | str, tenant: str) -> str:
    """The time stamp a backup's dump, sidecar and bucket copy share (``<tenant>-<stamp>.dump``)."""
    return Path(dump).stem.removeprefix(f"{tenant}-")


async def backup_tenant(
    *,
    admin_dsn: str,
    database: str,
    tenant: str,
    backup_dir: Path,
    store: ObjectStoreProvisioner | None = None,
    bucket: str | None = None,
    prefix: str = "",
    bin_dir: str = "",
) -> TenantBackup:
    """Dump and verify ``database``, then copy ``bucket`` (only ``prefix`` of it, e.g. the tenant's
    prefix of AWS's shared bucket) to the backup bucket (same time stamp)."""
    started = time.perf_counter()
    snap = await take_snapshot(
        admin_dsn=admin_dsn, database=database, tenant=tenant, backup_dir=backup_dir, bin_dir=bin_dir
    )
    database_seconds = time.perf_counter() - started
    copy = None
    started = time.perf_counter()
    if store is not None and bucket:
        stamp = stamp_of(snap.path, tenant) or datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        copy = await store.snapshot(bucket, tenant, stamp, source_prefix=prefix)
    return TenantBackup(snap, copy, database_seconds, time.perf_counter() - started)


async def restore_tenant(
    *,
    admin_dsn: str,
    dump: Path,
    database: str,
    owner: str | None = None,
    store: ObjectStoreProvisioner | None = None,
    objects: BucketCopy | None = None,
    bucket: str | None = None,
    prefix: str = "",
    bin_dir: str = "",
) -> TenantRestore:
    """Restore ``dump`` into the new ``database`` and the backup's ``objects`` into ``bucket``
    (under ``prefix``: the new tenant's prefix of a shared bucket)."""
    started = time.perf_counter()
    contents = await restore_snapshot(
        admin_dsn=admin_dsn, dump=dump, database=database, bin_dir=bin_dir, owner=owner
    )
    database_seconds = time.perf_counter() - started
    restored = None
    started = time.perf_counter()
    if store is not None and objects is not None and bucket:
        restored = await store.restore(objects, bucket, prefix=prefix)
    return TenantRestore(contents, restored, database_seconds, time.perf_counter() - started)
