"""Tenant roles on the real PostgreSQL: confined to their own database, bounded by their plan,
and unable to stall the operator with a costly password verifier (issue 20, item 5)."""

from __future__ import annotations

import asyncio
import base64
import os
import time
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import asyncpg
import pytest
from tenant_operator import names
from tenant_operator.provisioners.postgres import PostgresProvisioner

from consorcio_contract.plans import CATALOG, DatabaseLimits

pytestmark = pytest.mark.integration


def _dsn(admin_dsn: str, role: str, password: str, database: str) -> str:
    parts = urlsplit(admin_dsn)
    return f"postgresql://{role}:{password}@{parts.hostname}:{parts.port}/{database}"


def _ident() -> str:
    return names.pg_identifier(f"hd{uuid.uuid4().hex[:8]}")


@pytest.fixture
async def prov(pg_admin_dsn: str) -> AsyncIterator[tuple[PostgresProvisioner, list[str]]]:
    p = PostgresProvisioner(pg_admin_dsn)
    created: list[str] = []
    yield p, created
    for ident in created:
        await p.drop(ident)
    await p.close()


async def test_tenant_role_cannot_connect_to_another_tenant_nor_to_platform_databases(
    prov, pg_admin_dsn
) -> None:  # type: ignore[no-untyped-def]
    p, created = prov
    a, b = _ident(), _ident()
    created += [a, b]
    await p.ensure(a, "pw-a")
    await p.ensure(b, "pw-b")
    conn = await asyncpg.connect(_dsn(pg_admin_dsn, a, "pw-a", a))
    await conn.close()
    admin = await asyncpg.connect(pg_admin_dsn)
    try:
        platform = [
            r["datname"]
            for r in await admin.fetch(
                "SELECT datname FROM pg_database WHERE datname IN ('postgres', 'template1', 'control_plane')"
            )
        ]
    finally:
        await admin.close()
    assert {"postgres", "template1"} <= set(platform)
    for database in (b, *platform):
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied for database"):
            await asyncpg.connect(_dsn(pg_admin_dsn, a, "pw-a", database))


async def test_connection_limit_is_enforced_and_follows_a_plan_change(prov, pg_admin_dsn) -> None:  # type: ignore[no-untyped-def]
    p, created = prov
    ident = _ident()
    created.append(ident)
    small = DatabaseLimits(
        connection_limit=2, statement_timeout_ms=30_000, idle_in_transaction_session_timeout_ms=60_000
    )
    await p.ensure(ident, "pw", small)
    dsn = _dsn(pg_admin_dsn, ident, "pw", ident)
    conns = [await asyncpg.connect(dsn) for _ in range(2)]
    try:
        with pytest.raises(asyncpg.TooManyConnectionsError):
            await asyncpg.connect(dsn)
        # The plan changes: the limit is reconciled (and reported), the next connection is admitted.
        bigger = DatabaseLimits(3, small.statement_timeout_ms, small.idle_in_transaction_session_timeout_ms)
        assert "set connection limit 3" in await p.ensure(ident, "pw", bigger)
        conns.append(await asyncpg.connect(dsn))
        assert await p.ensure(ident, "pw", bigger) == []
    finally:
        for conn in conns:
            await conn.close()
    # The catalogue's plans carry limits of their own.
    assert all(plan.database.connection_limit > 0 for plan in CATALOG.values())


async def test_role_timeouts_cancel_runaway_queries_and_idle_transactions(prov, pg_admin_dsn) -> None:  # type: ignore[no-untyped-def]
    p, created = prov
    ident = _ident()
    created.append(ident)
    limits = DatabaseLimits(
        connection_limit=5, statement_timeout_ms=300, idle_in_transaction_session_timeout_ms=500
    )
    await p.ensure(ident, "pw", limits)
    dsn = _dsn(pg_admin_dsn, ident, "pw", ident)
    conn = await asyncpg.connect(dsn)
    try:
        assert await conn.fetchval("SHOW statement_timeout") == "300ms"
        with pytest.raises(asyncpg.QueryCanceledError):
            await conn.execute("SELECT pg_sleep(2)")
    finally:
        await conn.close()
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("BEGIN")
        await asyncio.sleep(1.5)
        with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, ConnectionError)):
            await conn.fetchval("SELECT 1")
    finally:
        await conn.close()
    # A setting the tenant adds to its own role (e.g. to lift the timeout in every session) is removed.
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'ALTER ROLE "{ident}" SET statement_timeout = 0')
    finally:
        await conn.close()
    assert "set role timeouts" in await p.ensure(ident, "pw", limits)
    conn = await asyncpg.connect(dsn)
    try:
        assert await conn.fetchval("SHOW statement_timeout") == "300ms"
    finally:
        await conn.close()


async def test_huge_scram_iteration_verifier_set_by_tenant_is_reset_without_computing_it(
    prov, pg_admin_dsn
) -> None:  # type: ignore[no-untyped-def]
    p, created = prov
    ident = _ident()
    created.append(ident)
    await p.ensure(ident, "pw")
    b64 = lambda n: base64.b64encode(os.urandom(n)).decode()  # noqa: E731
    # 2·10⁹ iterations: verifying it in the operator would take many minutes. A tenant can
    # set this with ALTER ROLE ... PASSWORD on its own role; PostgreSQL then itself derives
    # the verifier once (its empty-password check, uninterruptible in that backend), so the
    # test plants it directly in the catalog instead of burning a backend for half an hour.
    costly = f"SCRAM-SHA-256$2000000000:{b64(16)}${b64(32)}:{b64(32)}"
    admin = await asyncpg.connect(pg_admin_dsn)
    try:
        await admin.execute("UPDATE pg_authid SET rolpassword = $1 WHERE rolname = $2", costly, ident)
    finally:
        await admin.close()
    started = time.monotonic()
    changes = await p.ensure(ident, "pw")
    assert time.monotonic() - started < 5
    assert changes == ["reset password verifier with excessive SCRAM iterations"]
    conn = await asyncpg.connect(
        _dsn(pg_admin_dsn, ident, "pw", ident)
    )  # the operator's password works again
    await conn.close()
