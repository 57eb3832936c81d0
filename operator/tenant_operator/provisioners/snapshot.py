"""Database snapshots for the Snapshot deletion policy (pg_dump / pg_restore).

A dump only counts once it is non-empty and pg_restore can read its table of
contents; until then the tenant is not deleted.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit


class SnapshotError(Exception):
    """pg_dump failed or produced an archive that does not verify."""


@dataclass(frozen=True)
class Snapshot:
    path: Path
    size: int
    toc_entries: int


def libpq_env(dsn: str, database: str) -> dict[str, str]:
    """PG* variables for ``dsn`` pointed at ``database`` (keeps the password off the command line)."""
    parts = urlsplit(dsn)
    env = {"PGDATABASE": database, "PGCONNECT_TIMEOUT": "10"}
    if parts.hostname:
        env["PGHOST"] = parts.hostname
    if parts.port:
        env["PGPORT"] = str(parts.port)
    if parts.username:
        env["PGUSER"] = unquote(parts.username)
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    return env


async def _run(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *argv,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return proc.returncode or 0, out.decode(errors="replace"), err.decode(errors="replace")


def _binary(bin_dir: str, name: str) -> str:
    return str(Path(bin_dir) / name) if bin_dir else name


async def take_snapshot(
    *,
    admin_dsn: str,
    database: str,
    tenant: str,
    backup_dir: Path,
    bin_dir: str = "",
    metadata: dict | None = None,
) -> Snapshot:
    """Dump ``database`` to ``backup_dir/<tenant>-<UTC time>.dump`` and verify it."""
    await asyncio.to_thread(backup_dir.mkdir, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    final = backup_dir / f"{tenant}-{stamp}.dump"
    partial = final.with_suffix(".dump.partial")
    env = libpq_env(admin_dsn, database)
    code, _, err = await _run([_binary(bin_dir, "pg_dump"), "--format=custom", f"--file={partial}"], env)
    if code != 0:
        partial.unlink(missing_ok=True)
        raise SnapshotError(f"pg_dump of {database} failed: {err.strip()[:500]}")
    size = partial.stat().st_size
    if size == 0:
        partial.unlink(missing_ok=True)
        raise SnapshotError(f"pg_dump of {database} produced an empty file")
    code, toc, err = await _run([_binary(bin_dir, "pg_restore"), "--list", str(partial)], {})
    entries = [line for line in toc.splitlines() if line.strip() and not line.startswith(";")]
    # An empty database has a valid archive with no entries: exit status 0 of
    # pg_restore --list is the proof that the archive is readable.
    if code != 0:
        partial.unlink(missing_ok=True)
        raise SnapshotError(f"pg_restore cannot read the dump of {database}: {err.strip()[:500]}")
    partial.rename(final)
    sidecar = {
        "tenant": tenant,
        "database": database,
        "createdAt": stamp,
        "sizeBytes": size,
        "tocEntries": len(entries),
        **(metadata or {}),
    }
    final.with_suffix(".json").write_text(json.dumps(sidecar, indent=2, sort_keys=True) + "\n")
    return Snapshot(final, size, len(entries))
