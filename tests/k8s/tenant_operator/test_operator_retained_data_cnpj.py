"""Retained data is re-adopted only by the same administradora (issue 20, item 2), against devstack's
real PostgreSQL and Vault: a database or KV secret kept by a Retain deletion records the CNPJ it
belongs to, and a new ConsorcioTenant of the same name with another CNPJ gets RetainedDataConflict
with nothing written. The old operator re-adopted both by name alone.
"""

from __future__ import annotations

import uuid

import asyncpg
import hvac
import pytest
from tenant_operator import names
from tenant_operator.config import VaultConfig
from tenant_operator.provisioners.postgres import PostgresProvisioner, RetainedForAnother
from tenant_operator.provisioners.vault import VaultError, VaultProvisioner

pytestmark = pytest.mark.integration

CNPJ, OTHER = "11222333000181", "99888777000161"


async def test_retained_database_is_re_adopted_only_with_the_same_cnpj(pg_admin_dsn):
    prov = PostgresProvisioner(pg_admin_dsn)
    ident = names.pg_identifier(f"rd{uuid.uuid4().hex[:8]}")
    try:
        await prov.ensure(ident, "pw", cnpj=CNPJ)
        await prov.mark_orphaned(ident, f"deletionPolicy Retain at 2026-12-06T22:00:00Z; cnpj={CNPJ}")
        assert (await prov.inspect(ident, "pw")).orphan_cnpj == CNPJ
        with pytest.raises(RetainedForAnother, match="retained for another administradora"):
            await prov.ensure(ident, "another-password", cnpj=OTHER)
        state = await prov.inspect(ident, "pw")
        assert state.orphan_mark and state.password_ok  # nothing written: same mark, same password
        assert await prov.ensure(ident, "pw", cnpj=CNPJ) == ["adopted orphaned database"]
    finally:
        await prov.drop(ident)
        await prov.close()


async def test_database_retained_without_a_recorded_cnpj_is_not_re_adopted(pg_admin_dsn):
    prov = PostgresProvisioner(pg_admin_dsn)
    ident = names.pg_identifier(f"rd{uuid.uuid4().hex[:8]}")
    try:
        await prov.ensure(ident, "pw")
        await prov.mark_orphaned(ident, "deletionPolicy Retain")
        with pytest.raises(RetainedForAnother, match="CNPJ unknown"):
            await prov.ensure(ident, "pw", cnpj=CNPJ)
        admin = await asyncpg.connect(pg_admin_dsn)
        try:
            comment = await admin.fetchval(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", ident
            )
        finally:
            await admin.close()
        assert comment.startswith("consorcio.io/orphaned:")
    finally:
        await prov.drop(ident)
        await prov.close()


async def test_retained_vault_data_is_re_adopted_only_with_the_same_cnpj(vault):
    prov = VaultProvisioner(VaultConfig(addr=vault.addr, token=vault.token))
    name = f"rv{uuid.uuid4().hex[:8]}"
    root = hvac.Client(url=vault.addr, token=vault.token)
    try:
        await prov.ensure(name, {"DATABASE_URL": "kept"}, cnpj=CNPJ)
        await prov.mark_orphaned(name, "2026-12-06T22:00:00Z", cnpj=CNPJ)
        with pytest.raises(VaultError) as err:
            await prov.ensure(name, {"DATABASE_URL": "overwritten"}, cnpj=OTHER)
        assert err.value.reason == "RetainedDataConflict"
        assert await prov.read_app_env(name) == {"DATABASE_URL": "kept"}
        meta = root.secrets.kv.v2.read_secret_metadata(path=names.vault_secret_path(name))["data"]
        assert meta["custom_metadata"]["orphaned"] == "true" and meta["custom_metadata"]["cnpj"] == CNPJ
        assert await prov.ensure(name, {"DATABASE_URL": "kept"}, cnpj=CNPJ) == ["KV orphan mark"]
    finally:
        await prov.delete(name)
        await prov.close()
