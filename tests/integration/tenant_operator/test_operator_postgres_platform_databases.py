"""Issue 20 item 5: PostgreSQL grants CONNECT to PUBLIC on every new database, so any tenant
role could open the platform's own databases unless someone ran the REVOKE by hand
(docs/deployment.md; Terraform cannot run SQL against the private instance). The operator now
closes them at startup; tested on the real PostgreSQL with a database created the default way."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import asyncpg
import pytest
from tenant_operator import names
from tenant_operator.provisioners.postgres import PostgresProvisioner

pytestmark = pytest.mark.integration


def _dsn(admin_dsn: str, role: str, password: str, database: str) -> str:
    parts = urlsplit(admin_dsn)
    return f"postgresql://{role}:{password}@{parts.hostname}:{parts.port}/{database}"


async def test_operator_closes_databases_public_may_connect_to(pg_admin_dsn: str) -> None:
    platform_db = f"platform_{uuid.uuid4().hex[:8]}"  # like control_plane, made without a REVOKE
    tenant = names.pg_identifier(f"pd{uuid.uuid4().hex[:8]}")
    admin = await asyncpg.connect(pg_admin_dsn)
    prov = PostgresProvisioner(pg_admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{platform_db}"')
        await prov.ensure(tenant, "pw-t")
        before = await asyncpg.connect(_dsn(pg_admin_dsn, tenant, "pw-t", platform_db))
        await before.close()  # the old state: the tenant role got in

        outcome = await prov.close_public_databases()
        assert outcome[platform_db] == "revoked"
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied for database"):
            await asyncpg.connect(_dsn(pg_admin_dsn, tenant, "pw-t", platform_db))
        # Its own database still opens, and a second pass has nothing left to do.
        own = await asyncpg.connect(_dsn(pg_admin_dsn, tenant, "pw-t", tenant))
        await own.close()
        assert platform_db not in await prov.close_public_databases()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{platform_db}" WITH (FORCE)')
        await admin.close()
        await prov.drop(tenant)
        await prov.close()
