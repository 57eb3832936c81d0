"""Snapshots you can trust (issue 14, item 5), against the real PostgreSQL of devstack.

Findings: dump files were world-readable (0644); verification was
``pg_restore --list`` exiting 0, so an empty or truncated dump was reported
"0 entries, verified"; there was no documented restore.

Faults are injected with a ``pg_dump`` wrapper in ``bin_dir`` (the operator's
OPERATOR_PG_BIN_DIR): the real pg_dump and pg_restore run, the wrapper only
changes what ends up in the file.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import stat
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import Table
from tenant_operator.provisioners.snapshot import (
    AUDIT_HASH_COLUMN,
    AUDIT_SEQ_COLUMN,
    AUDIT_TABLE,
    SCRATCH_PREFIX,
    AuditHead,
    SnapshotError,
    database_dsn,
    scratch_database,
    take_snapshot,
)

pytestmark = pytest.mark.integration

REAL_PG_DUMP = shutil.which("pg_dump") or "pg_dump"
REAL_PG_RESTORE = shutil.which("pg_restore") or "pg_restore"

# A pg_dump that writes what the real one writes, then applies a fault:
#   SNAP_FAULT=empty     nothing at all (exit 0)
#   SNAP_FAULT=truncate  the first half of the archive
#   SNAP_FAULT=other:DB  a dump of database DB instead (its own snapshot)
#   SNAP_MODE_LOG=path   record the output file's mode before anything is written
#   SNAP_WRITE_SQL=sql   commit this statement in the dumped database before dumping
WRAPPER = """\
import os, stat, subprocess, sys
args = sys.argv[1:]
out = next((a.split("=", 1)[1] for a in args if a.startswith("--file=")), None)
if os.environ.get("SNAP_MODE_LOG"):
    st = os.stat(out) if out and os.path.exists(out) else (None if out else os.fstat(1))
    with open(os.environ["SNAP_MODE_LOG"], "w") as log:
        log.write("absent" if st is None else oct(stat.S_IMODE(st.st_mode)))
if os.environ.get("SNAP_WRITE_SQL"):
    psql = ["psql", "-v", "ON_ERROR_STOP=1", "-c", os.environ["SNAP_WRITE_SQL"]]
    subprocess.run(psql, check=True, stdout=subprocess.DEVNULL)
fault = os.environ.get("SNAP_FAULT", "")
env = dict(os.environ)
if fault.startswith("other:"):
    env["PGDATABASE"] = fault.split(":", 1)[1]
    args = [a for a in args if not a.startswith("--snapshot=")]
real = [REAL] + [a for a in args if not a.startswith("--file=")]
data = b"" if fault == "empty" else subprocess.run(real, env=env, check=True, stdout=subprocess.PIPE).stdout
if fault == "truncate":
    data = data[: len(data) // 2]
if out:
    with open(out, "wb") as f:
        f.write(data)
else:
    sys.stdout.buffer.write(data)
"""


@pytest.fixture
def bin_dir(tmp_path: Path) -> str:
    d = tmp_path / "pgbin"
    d.mkdir()
    wrapper = d / "pg_dump"
    wrapper.write_text(f"#!{sys.executable}\nREAL = {REAL_PG_DUMP!r}\n" + WRAPPER)
    wrapper.chmod(0o755)
    (d / "pg_restore").symlink_to(REAL_PG_RESTORE)
    return str(d)


@pytest.fixture
def fault(monkeypatch):
    def set_(**env: str) -> None:
        for key, value in env.items():
            monkeypatch.setenv(key, value)

    return set_


async def _execute(dsn: str, *statements: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        for sql in statements:
            await conn.execute(sql)
    finally:
        await conn.close()


AUDIT_DDL = """
CREATE TABLE audit_log (seq bigint PRIMARY KEY, action varchar(40) NOT NULL,
                        prev_hash varchar(64) NOT NULL, hash varchar(64) NOT NULL UNIQUE);
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'append only'; END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
"""


async def _seed_tenant_like(dsn: str, *, last_hash: str = "c" * 64) -> None:
    await _execute(
        dsn,
        "CREATE TABLE cotas (id int PRIMARY KEY, valor numeric(12,2) NOT NULL)",
        "INSERT INTO cotas VALUES (1, 1234.56), (2, 99.90), (3, 0.01)",
        "CREATE SCHEMA financeiro",
        "CREATE TABLE financeiro.lancamentos (id int PRIMARY KEY, cota_id int REFERENCES cotas)",
        "INSERT INTO financeiro.lancamentos VALUES (1, 1), (2, 2)",
        AUDIT_DDL,
        f"INSERT INTO audit_log VALUES (1, 'create', '{'0' * 64}', '{'a' * 64}'),"
        f" (2, 'update', '{'a' * 64}', '{last_hash}')",
    )


def _db_name(dsn: str) -> str:
    return dsn.rsplit("/", 1)[1]


async def _scratch_left(admin_dsn: str, source_dsn: str) -> bool:
    """Whether the scratch database verifying ``source_dsn``'s dumps still exists."""
    scratch = scratch_database(_db_name(source_dsn))
    assert scratch.startswith(SCRATCH_PREFIX)
    conn = await asyncpg.connect(admin_dsn)
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", scratch))
    finally:
        await conn.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_dump_is_0600_from_its_creation_in_a_0700_directory(
    pg_admin_dsn, make_database, tmp_path, bin_dir, fault
):
    source = make_database()
    await _seed_tenant_like(source)
    backup_dir = tmp_path / "backups"
    log = tmp_path / "mode.log"
    fault(SNAP_MODE_LOG=str(log))
    old_umask = os.umask(0)  # the modes must not depend on the process umask
    try:
        snap = await take_snapshot(
            admin_dsn=pg_admin_dsn,
            database=_db_name(source),
            tenant="acme",
            backup_dir=backup_dir,
            bin_dir=bin_dir,
        )
    finally:
        os.umask(old_umask)
    # pg_dump found its output already created, private, before writing a byte.
    assert log.read_text() == "0o600"
    assert _mode(snap.path) == 0o600
    assert _mode(snap.path.with_suffix(".json")) == 0o600
    assert _mode(backup_dir) == 0o700


async def test_existing_backup_directory_is_made_private(pg_admin_dsn, make_database, tmp_path):
    source = make_database()
    backup_dir = tmp_path / "shared"
    backup_dir.mkdir(mode=0o755)
    backup_dir.chmod(0o755)
    await take_snapshot(
        admin_dsn=pg_admin_dsn, database=_db_name(source), tenant="acme", backup_dir=backup_dir
    )
    assert _mode(backup_dir) == 0o700


async def test_verification_restores_and_compares_rows_and_audit_head(pg_admin_dsn, make_database, tmp_path):
    source = make_database()
    await _seed_tenant_like(source, last_hash="d" * 64)
    snap = await take_snapshot(
        admin_dsn=pg_admin_dsn,
        database=_db_name(source),
        tenant="acme",
        backup_dir=tmp_path,
        metadata={"plan": "starter"},
    )
    assert snap.contents.row_counts == {"financeiro.lancamentos": 2, "public.audit_log": 2, "public.cotas": 3}
    assert snap.contents.audit_table and snap.contents.audit_head == AuditHead(2, "d" * 64)
    sidecar = json.loads(snap.path.with_suffix(".json").read_text())
    assert sidecar["verified"]["rowCounts"]["public.cotas"] == 3
    assert sidecar["verified"]["auditHead"] == {"seq": 2, "hash": "d" * 64}
    assert sidecar["plan"] == "starter"
    assert "audit chain head seq 2" in snap.contents.describe()
    assert not await _scratch_left(pg_admin_dsn, source)  # the scratch database was dropped


async def test_database_without_audit_table_says_so(pg_admin_dsn, make_database, tmp_path):
    source = make_database()
    await _execute(source, "CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)")
    snap = await take_snapshot(
        admin_dsn=pg_admin_dsn, database=_db_name(source), tenant="x", backup_dir=tmp_path
    )
    assert not snap.contents.audit_table and snap.contents.audit_head is None
    assert f"no audit table {'.'.join(AUDIT_TABLE)}" in snap.contents.describe()


async def test_writes_during_the_dump_cause_no_false_mismatch(
    pg_admin_dsn, make_database, tmp_path, bin_dir, fault
):
    source = make_database()
    await _seed_tenant_like(source)
    # Committed after the snapshot was exported, before pg_dump starts: neither
    # the dump nor the live figures it is compared with may see it.
    fault(SNAP_WRITE_SQL="INSERT INTO cotas VALUES (4, 10.00)")
    snap = await take_snapshot(
        admin_dsn=pg_admin_dsn, database=_db_name(source), tenant="acme", backup_dir=tmp_path, bin_dir=bin_dir
    )
    assert snap.contents.row_counts["public.cotas"] == 3
    conn = await asyncpg.connect(source)
    try:
        assert await conn.fetchval("SELECT count(*) FROM cotas") == 4
    finally:
        await conn.close()


@pytest.mark.parametrize(
    ("kind", "reason", "words"),
    [
        ("empty", "SnapshotEmpty", "empty (0 bytes)"),
        ("truncate", "SnapshotUnreadable", "pg_restore"),
        ("empty-database", "SnapshotMismatch", "table public.cotas (3 rows) is missing from the dump"),
        ("other-audit-head", "SnapshotMismatch", "audit chain"),
    ],
)
async def test_untrustworthy_dump_fails_verification_and_is_not_kept(
    pg_admin_dsn, make_database, tmp_path, bin_dir, fault, kind, reason, words
):
    source = make_database()
    await _seed_tenant_like(source)
    if kind == "empty-database":
        fault(SNAP_FAULT=f"other:{_db_name(make_database())}")
    elif kind == "other-audit-head":
        other = make_database()
        await _seed_tenant_like(other, last_hash="e" * 64)  # same rows, another chain head
        fault(SNAP_FAULT=f"other:{_db_name(other)}")
    else:
        fault(SNAP_FAULT=kind)
    backup_dir = tmp_path / "backups"
    with pytest.raises(SnapshotError) as caught:
        await take_snapshot(
            admin_dsn=pg_admin_dsn,
            database=_db_name(source),
            tenant="acme",
            backup_dir=backup_dir,
            bin_dir=bin_dir,
        )
    assert caught.value.reason == reason
    assert words in caught.value.message
    # The delete handler's DeletionFailed Event carries "SnapshotError: <reason>: <message>".
    assert str(caught.value).startswith(f"{reason}: ")
    assert list(backup_dir.iterdir()) == []  # nothing that looks like a usable dump is left
    assert not await _scratch_left(pg_admin_dsn, source)


async def _restore_cli(admin_dsn: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m tenant_operator restore-snapshot ...``, as an operator would run it."""
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "tenant_operator", "restore-snapshot", *args],
        env={**os.environ, "OPERATOR_PG_ADMIN_DSN": admin_dsn},
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_restore_snapshot_cli_end_to_end(pg_admin_dsn, make_database, tmp_path):
    source = make_database()
    await _seed_tenant_like(source)
    snap = await take_snapshot(
        admin_dsn=pg_admin_dsn, database=_db_name(source), tenant="acme", backup_dir=tmp_path
    )
    assert snap.contents.audit_head is not None
    target = f"restored_{uuid.uuid4().hex[:10]}"
    role = f"restore_owner_{uuid.uuid4().hex[:8]}"
    await _execute(pg_admin_dsn, f'CREATE ROLE "{role}" NOLOGIN')
    try:
        done = await _restore_cli(
            pg_admin_dsn, "--file", str(snap.path), "--database", target, "--owner", role
        )
        assert done.returncode == 0, done.stderr
        assert f"restored {snap.path} into database {target}" in done.stdout
        assert snap.contents.describe() in done.stdout
        conn = await asyncpg.connect(database_dsn(pg_admin_dsn, target))
        try:
            assert await conn.fetchval("SELECT sum(valor) FROM cotas") == Decimal("1334.47")
            assert await conn.fetchval("SELECT count(*) FROM financeiro.lancamentos") == 2
            head = await conn.fetchval(
                f"SELECT {AUDIT_HASH_COLUMN} FROM audit_log ORDER BY {AUDIT_SEQ_COLUMN} DESC LIMIT 1"
            )
            assert head == snap.contents.audit_head.hash
            owners = await conn.fetch(
                "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname IN ('public', 'financeiro')"
            )
            assert [r["tableowner"] for r in owners] == [role]
            db_owner = await conn.fetchval(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
            )
            assert db_owner == role
            with pytest.raises(asyncpg.PostgresError):  # the append-only trigger came back too
                await conn.execute("DELETE FROM audit_log")
        finally:
            await conn.close()
        # Never into an existing database (it would mix two tenants' data).
        again = await _restore_cli(pg_admin_dsn, "--file", str(snap.path), "--database", target)
        assert again.returncode == 1 and "already exists" in again.stderr
    finally:
        await _execute(
            pg_admin_dsn, f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)', f'DROP ROLE "{role}"'
        )


async def test_restore_of_a_truncated_dump_leaves_no_database(pg_admin_dsn, make_database, tmp_path):
    source = make_database()
    await _seed_tenant_like(source)
    snap = await take_snapshot(
        admin_dsn=pg_admin_dsn, database=_db_name(source), tenant="acme", backup_dir=tmp_path
    )
    broken = tmp_path / "broken.dump"
    broken.write_bytes(snap.path.read_bytes()[: snap.size // 2])
    target = f"restored_{uuid.uuid4().hex[:10]}"
    done = await _restore_cli(pg_admin_dsn, "--file", str(broken), "--database", target)
    assert done.returncode == 1 and "SnapshotUnreadable" in done.stderr
    conn = await asyncpg.connect(pg_admin_dsn)
    try:
        assert await conn.fetchval("SELECT count(*) FROM pg_database WHERE datname = $1", target) == 0
    finally:
        await conn.close()


def test_audit_table_names_match_the_tenant_app():
    """The operator reads the audit chain through SQL; the names must be the tenant app's."""
    from tenant_app.audit_log.models import AuditEntry

    table = AuditEntry.__table__
    assert isinstance(table, Table)
    assert (table.schema or "public", table.name) == AUDIT_TABLE
    assert {AUDIT_SEQ_COLUMN, AUDIT_HASH_COLUMN} <= set(table.columns.keys())
    assert [c.name for c in table.primary_key.columns] == [AUDIT_SEQ_COLUMN]
