"""The demo tenant's data when Vault forgot the key it is encrypted under.

The demo's personal data is encrypted with a data key wrapped by its Transit key (like a real
tenant's). When Vault's data is reset while PostgreSQL keeps the tenant's database — the
`.devstack/vault` folder removed, as devstack itself advises when the unseal key is lost — that data
key can never be unwrapped again: the tenant app refuses to start and `make up` would fail on every
run. It is the demo, so `make up` says so, empties the database and seeds it again; nothing else
ever does this (a real tenant in that state is a restore, docs/operations.md).
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import hvac

from consorcio_contract.names import DADOS_PESSOAIS_TABELA_CHAVES, VAULT_TRANSIT_MOUNT, transit_key_name
from devstack import vault
from devstack.config import StackConfig


def lost(cfg: StackConfig, tenant_database_url: str, tenant: str) -> str | None:
    """Why the tenant database's data key cannot be unwrapped by this Vault, or None when it can (or
    there is none yet). Vault unreachable is an error, not an answer."""
    wrapped = asyncio.run(_wrapped_keys(_as_superuser(cfg, tenant_database_url)))
    client = vault.client(cfg)
    for ciphertext in wrapped:
        try:
            client.secrets.transit.decrypt_data(
                name=transit_key_name(tenant), ciphertext=ciphertext, mount_point=VAULT_TRANSIT_MOUNT
            )
        except (hvac.exceptions.InvalidRequest, hvac.exceptions.InvalidPath) as err:
            return f"transit/decrypt/{transit_key_name(tenant)}: {str(err).splitlines()[0]}"
    return None


def empty(cfg: StackConfig, tenant_database_url: str) -> None:
    """Drop everything in the database (its schema, as PostgreSQL creates it); the role, the database
    and its grants stay the operator's."""
    asyncio.run(_empty(_as_superuser(cfg, tenant_database_url)))


def _as_superuser(cfg: StackConfig, tenant_database_url: str) -> str:
    """The tenant's database, opened as devstack's superuser (the tenant role cannot drop its schema)."""
    database = urlsplit(tenant_database_url).path
    admin = urlsplit(cfg.database_url)
    return urlunsplit((admin.scheme, admin.netloc, database, "", ""))


async def _wrapped_keys(dsn: str) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        if await conn.fetchval("SELECT to_regclass($1)", f"public.{DADOS_PESSOAIS_TABELA_CHAVES}") is None:
            return []
        rows = await conn.fetch(f"SELECT chave_cifrada FROM {DADOS_PESSOAIS_TABELA_CHAVES}")
        return [row[0] for row in rows if str(row[0]).startswith("vault:")]
    finally:
        await conn.close()


async def _empty(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await conn.execute("DROP SCHEMA public CASCADE")
            # PostgreSQL 15's own public schema: the database owner's, usable by all.
            await conn.execute("CREATE SCHEMA public AUTHORIZATION pg_database_owner")
            await conn.execute("GRANT USAGE ON SCHEMA public TO PUBLIC")
    finally:
        await conn.close()
