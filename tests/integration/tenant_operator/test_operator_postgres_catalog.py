"""Issue 20 item 5, the catalog views: a tenant role can list other tenants' database and
role names (``pg_database``/``pg_roles``) and see that their sessions exist
(``pg_stat_activity``). docs/security.md accepts that, for the reason this test pins down
on the real PostgreSQL: the names are the tenant slugs (public already, in every tenant's
host name), while what matters — the other tenant's queries, client addresses and data —
stays hidden. If PostgreSQL ever showed them, this test fails and the decision is revisited.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import asyncpg
import pytest
from tenant_operator import names
from tenant_operator.provisioners.postgres import PostgresProvisioner

pytestmark = pytest.mark.integration


def _dsn(admin_dsn: str, role: str, password: str, database: str) -> str:
    parts = urlsplit(admin_dsn)
    return f"postgresql://{role}:{password}@{parts.hostname}:{parts.port}/{database}"


@pytest.fixture
async def two_tenants(pg_admin_dsn: str) -> AsyncIterator[tuple[str, str]]:
    p = PostgresProvisioner(pg_admin_dsn)
    a, b = (names.pg_identifier(f"cat{uuid.uuid4().hex[:8]}") for _ in range(2))
    await p.ensure(a, "pw-a")
    await p.ensure(b, "pw-b")
    yield a, b
    for ident in (a, b):
        await p.drop(ident)
    await p.close()


async def test_catalog_views_show_another_tenant_only_by_name_never_its_queries(
    two_tenants: tuple[str, str], pg_admin_dsn: str
) -> None:
    a, b = two_tenants
    victim = await asyncpg.connect(_dsn(pg_admin_dsn, b, "pw-b", b))
    await victim.execute("CREATE TABLE segredo (cpf text)")
    await victim.execute("INSERT INTO segredo VALUES ('123.456.789-09')")
    busy = victim.execute("SELECT pg_sleep(3), 'marcador-secreto' FROM segredo")
    task = asyncio.ensure_future(busy)
    await asyncio.sleep(0.5)
    spy = await asyncpg.connect(_dsn(pg_admin_dsn, a, "pw-a", a))
    try:
        rows = await spy.fetch(
            "SELECT usename, datname, query, client_addr, state FROM pg_stat_activity WHERE usename = $1", b
        )
        assert rows, "the other tenant's session is listed (accepted: its name only)"
        for row in rows:
            assert row["query"] in ("<insufficient privilege>", None)
            assert row["client_addr"] is None and row["state"] is None
        with pytest.raises(asyncpg.UndefinedTableError):
            await spy.fetch("SELECT * FROM segredo")  # its own database: B's tables are not here
        # Names only: the slugs, which are public in every tenant's host name anyway.
        assert b in {r["datname"] for r in await spy.fetch("SELECT datname FROM pg_database")}
    finally:
        await spy.close()
        await task
        await victim.close()
