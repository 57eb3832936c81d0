"""Database snapshots for the Snapshot deletion policy (pg_dump / pg_restore).

A dump only counts once its contents were proven equal to the database it
came from: it is restored into a scratch database on the same server (dropped
afterwards) and every table's row count and the head of the tenant app's
audit chain are compared with the live database *as pg_dump saw it* — the
live figures are read in the transaction whose snapshot pg_dump imports
(``pg_dump --snapshot``), so writes made meanwhile never cause a false
mismatch. An empty, truncated or unreadable dump fails; until a dump
verifies the tenant is not deleted.

Dumps hold every tenant's personal data: the file is created 0600 (by this
process, before pg_dump writes a byte into it) in a 0700 directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg

from tenant_operator.provisioners.postgres import quote_ident

#: The tenant app's hash-chained audit trail (tenant_app/audit_log/models.py:
#: ``AuditEntry``): schema, table, ordering column and hash column. Read
#: through SQL only — the operator never imports the tenant app.
AUDIT_TABLE = ("public", "audit_log")
AUDIT_SEQ_COLUMN = "seq"
AUDIT_HASH_COLUMN = "hash"

#: Scratch databases a verification restores into start with this prefix.
SCRATCH_PREFIX = "snapcheck_"

DUMP_MODE = 0o600
DIR_MODE = 0o700


class SnapshotError(Exception):
    """The dump cannot be trusted; ``reason`` (CamelCase) names why, like a condition reason.

    Reasons: ``SnapshotFailed`` (pg_dump failed), ``SnapshotEmpty`` (a 0-byte
    file), ``SnapshotUnreadable`` (pg_restore cannot read or restore it: a
    truncated or corrupt archive), ``SnapshotMismatch`` (restored contents
    differ from the live database), ``RestoreFailed`` (restore-snapshot).
    """

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        self.message = message
        super().__init__(f"{reason}: {message}")


@dataclass(frozen=True)
class AuditHead:
    """The last entry of the audit chain: its sequence number and hash."""

    seq: int
    hash: str


@dataclass(frozen=True)
class DatabaseContents:
    """What a verification compares: exact rows per table and the audit chain head."""

    #: ``"schema.table"`` -> rows, for every ordinary and partitioned table.
    row_counts: dict[str, int] = field(default_factory=dict)
    #: False when the database has no audit table (e.g. never migrated).
    audit_table: bool = False
    #: None when there is no audit table or it has no entries.
    audit_head: AuditHead | None = None

    @property
    def rows(self) -> int:
        return sum(self.row_counts.values())

    def describe(self) -> str:
        """One line for Events, e.g. ``12 tables, 340 rows, audit chain head seq 17 (ab12cd34…)``."""
        parts = [f"{len(self.row_counts)} tables, {self.rows} rows"]
        if not self.audit_table:
            parts.append(f"no audit table {'.'.join(AUDIT_TABLE)}")
        elif self.audit_head is None:
            parts.append("audit chain empty")
        else:
            parts.append(f"audit chain head seq {self.audit_head.seq} ({self.audit_head.hash[:12]}…)")
        return ", ".join(parts)


@dataclass(frozen=True)
class Snapshot:
    path: Path
    size: int
    toc_entries: int
    #: The live database at the dump's snapshot, equal to the restored dump.
    contents: DatabaseContents


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


def database_dsn(dsn: str, database: str) -> str:
    """``dsn`` pointed at another database of the same server."""
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{database}"))


def scratch_database(database: str) -> str:
    """The scratch database verifying ``database``'s dumps: one per source, so a
    leftover of an interrupted verification is dropped by the next one."""
    return SCRATCH_PREFIX + hashlib.sha256(database.encode()).hexdigest()[:20]


async def _run(argv: list[str], env: dict[str, str], *, stdout: int | None = None) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *argv,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE if stdout is None else stdout,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return (
        proc.returncode or 0,
        (out or b"").decode(errors="replace"),
        (err or b"").decode(errors="replace"),
    )


def _binary(bin_dir: str, name: str) -> str:
    return str(Path(bin_dir) / name) if bin_dir else name


def _private_dir(path: Path) -> None:
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    # An existing directory too: it holds every tenant's data. A volume's root
    # owned by another user (a PVC with fsGroup) keeps its mode; the files in
    # it are 0600 all the same.
    with contextlib.suppress(PermissionError):
        os.chmod(path, DIR_MODE)


def _create_private(path: Path) -> int:
    """A new file opened for writing with mode 0600 from its creation (no readable window)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, DUMP_MODE)
    os.fchmod(fd, DUMP_MODE)  # the umask can only narrow it; make it exact
    return fd


def _write_private(path: Path, text: str) -> None:
    fd = _create_private(path)
    with os.fdopen(fd, "w") as out:
        out.write(text)


async def read_contents(conn: asyncpg.Connection) -> DatabaseContents:
    """Row counts of every table and the audit chain head, in ``conn``'s current transaction."""
    tables = await conn.fetch(
        """
        SELECT n.nspname AS schema, c.relname AS name
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
          -- an extension's own tables are recreated by CREATE EXTENSION, not dumped
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype = 'e')
        ORDER BY 1, 2
        """
    )
    counts: dict[str, int] = {}
    for row in tables:
        qualified = f"{quote_ident(row['schema'])}.{quote_ident(row['name'])}"
        counts[f"{row['schema']}.{row['name']}"] = int(
            await conn.fetchval(f"SELECT count(*) FROM {qualified}")
        )
    schema, table = AUDIT_TABLE
    columns = {
        r["attname"]
        for r in await conn.fetch(
            """
            SELECT a.attname FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
            """,
            schema,
            table,
        )
    }
    if not {AUDIT_SEQ_COLUMN, AUDIT_HASH_COLUMN} <= columns:
        return DatabaseContents(counts, audit_table=False)
    head = await conn.fetchrow(
        f"SELECT {quote_ident(AUDIT_SEQ_COLUMN)} AS seq, {quote_ident(AUDIT_HASH_COLUMN)} AS hash"
        f" FROM {quote_ident(schema)}.{quote_ident(table)}"
        f" ORDER BY {quote_ident(AUDIT_SEQ_COLUMN)} DESC LIMIT 1"
    )
    return DatabaseContents(
        counts,
        audit_table=True,
        audit_head=AuditHead(int(head["seq"]), str(head["hash"])) if head else None,
    )


def differences(live: DatabaseContents, restored: DatabaseContents) -> list[str]:
    """What the restored dump lacks or has differently, in words (empty: equal)."""
    found = []
    for table in sorted(set(live.row_counts) | set(restored.row_counts)):
        if table not in restored.row_counts:
            found.append(f"table {table} ({live.row_counts[table]} rows) is missing from the dump")
        elif table not in live.row_counts:
            found.append(f"table {table} is in the dump but not in the database")
        elif live.row_counts[table] != restored.row_counts[table]:
            found.append(
                f"table {table} has {live.row_counts[table]} rows in the database"
                f" and {restored.row_counts[table]} in the dump"
            )
    if live.audit_table != restored.audit_table or live.audit_head != restored.audit_head:
        found.append(f"audit chain: database {live.describe()}; dump {restored.describe()}")
    return found


async def restore_snapshot(
    *,
    admin_dsn: str,
    dump: Path,
    database: str,
    bin_dir: str = "",
    owner: str | None = None,
) -> DatabaseContents:
    """Create ``database`` (it must not exist) and restore ``dump`` into it; its contents.

    Objects belong to the admin user, or to ``owner`` (the database owner too;
    pg_restore runs with ``--role``, so the admin user must be able to SET ROLE
    to it). Any error leaves no half-restored database behind.
    """
    if not await asyncio.to_thread(dump.is_file):
        raise SnapshotError("RestoreFailed", f"{dump} is not a file")
    if (await asyncio.to_thread(dump.stat)).st_size == 0:
        raise SnapshotError("SnapshotEmpty", f"{dump} is empty (0 bytes)")
    conn = await asyncpg.connect(admin_dsn, timeout=10)
    try:
        if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            raise SnapshotError(
                "RestoreFailed", f"database {database} already exists: restore into a new database"
            )
        # template0: nothing of template1 (extensions, tables) mixes into the restore.
        owner_clause = f" OWNER {quote_ident(owner)}" if owner else ""
        await conn.execute(f"CREATE DATABASE {quote_ident(database)} TEMPLATE template0{owner_clause}")
        if owner:
            # A tenant's data from its first byte: no other role may even connect while it is
            # restored (the operator's database step grants CONNECT to the owner afterwards).
            await conn.execute(f"REVOKE ALL ON DATABASE {quote_ident(database)} FROM PUBLIC")
    finally:
        await conn.close()
    try:
        argv = [
            _binary(bin_dir, "pg_restore"),
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-acl",
            f"--dbname={database}",
            *([f"--role={owner}"] if owner else []),
            str(dump),
        ]
        code, _, err = await _run(argv, libpq_env(admin_dsn, database))
        if code != 0:
            raise SnapshotError("SnapshotUnreadable", f"pg_restore of {dump} failed: {err.strip()[:500]}")
        restored = await asyncpg.connect(database_dsn(admin_dsn, database), timeout=10)
        try:
            async with restored.transaction(isolation="repeatable_read", readonly=True):
                return await read_contents(restored)
        finally:
            await restored.close()
    except BaseException:
        await _drop_database(admin_dsn, database)
        raise


async def _drop_database(admin_dsn: str, database: str) -> None:
    conn = await asyncpg.connect(admin_dsn, timeout=10)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {quote_ident(database)} WITH (FORCE)")
    finally:
        await conn.close()


async def verify_dump(
    *, admin_dsn: str, dump: Path, live: DatabaseContents, database: str, bin_dir: str = ""
) -> int:
    """Raise SnapshotError unless ``dump`` restores to exactly ``live``; its table-of-contents entries.

    The scratch database is dropped afterwards, whatever the outcome.
    """
    if (await asyncio.to_thread(dump.stat)).st_size == 0:
        raise SnapshotError("SnapshotEmpty", f"the dump of {database} is empty (0 bytes)")
    code, toc, err = await _run([_binary(bin_dir, "pg_restore"), "--list", str(dump)], {})
    if code != 0:
        raise SnapshotError(
            "SnapshotUnreadable", f"pg_restore cannot read the dump of {database}: {err.strip()[:500]}"
        )
    entries = [line for line in toc.splitlines() if line.strip() and not line.startswith(";")]
    scratch = scratch_database(database)
    await _drop_database(admin_dsn, scratch)  # a leftover of an interrupted verification
    restored = await restore_snapshot(admin_dsn=admin_dsn, dump=dump, database=scratch, bin_dir=bin_dir)
    await _drop_database(admin_dsn, scratch)
    found = differences(live, restored)
    if found:
        shown = "; ".join(found[:5]) + (f"; and {len(found) - 5} more" if len(found) > 5 else "")
        raise SnapshotError("SnapshotMismatch", f"the dump of {database} differs from the database: {shown}")
    return len(entries)


async def take_snapshot(
    *,
    admin_dsn: str,
    database: str,
    tenant: str,
    backup_dir: Path,
    bin_dir: str = "",
    metadata: dict | None = None,
) -> Snapshot:
    """Dump ``database`` to ``backup_dir/<tenant>-<UTC time>.dump`` (0600) and verify it by restoring it."""
    await asyncio.to_thread(_private_dir, backup_dir)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    final = backup_dir / f"{tenant}-{stamp}.dump"
    partial = final.with_suffix(".dump.partial")
    try:
        live = await _dump(admin_dsn, database, partial, bin_dir)
        size = (await asyncio.to_thread(partial.stat)).st_size
        entries = await verify_dump(
            admin_dsn=admin_dsn, dump=partial, live=live, database=database, bin_dir=bin_dir
        )
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(final)
    sidecar = {
        "tenant": tenant,
        "database": database,
        "createdAt": stamp,
        "sizeBytes": size,
        "tocEntries": entries,
        "verified": {
            "method": "restored into a scratch database, compared with the database at the dump's snapshot",
            "rowCounts": live.row_counts,
            "auditTable": ".".join(AUDIT_TABLE) if live.audit_table else None,
            "auditHead": {"seq": live.audit_head.seq, "hash": live.audit_head.hash}
            if live.audit_head
            else None,
        },
        **(metadata or {}),
    }
    await asyncio.to_thread(
        _write_private, final.with_suffix(".json"), json.dumps(sidecar, indent=2, sort_keys=True) + "\n"
    )
    return Snapshot(final, size, entries, live)


async def _dump(admin_dsn: str, database: str, path: Path, bin_dir: str) -> DatabaseContents:
    """pg_dump into ``path`` (created 0600) under a snapshot exported by a transaction
    that reads the live contents; those contents."""
    conn = await asyncpg.connect(database_dsn(admin_dsn, database), timeout=10)
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            snapshot_id = await conn.fetchval("SELECT pg_export_snapshot()")
            fd = await asyncio.to_thread(_create_private, path)
            try:
                argv = [_binary(bin_dir, "pg_dump"), "--format=custom", f"--snapshot={snapshot_id}"]
                dump = asyncio.ensure_future(_run(argv, libpq_env(admin_dsn, database), stdout=fd))
                try:
                    live = await read_contents(conn)
                finally:
                    code, _, err = await dump
            finally:
                os.close(fd)
    finally:
        await conn.close()
    if code != 0:
        raise SnapshotError("SnapshotFailed", f"pg_dump of {database} failed: {err.strip()[:500]}")
    return live
