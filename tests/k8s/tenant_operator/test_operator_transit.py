"""Each tenant's Vault Transit key (issue 20, item 8) against devstack's real Vault, API server and
PostgreSQL: the operator creates it (aes256-gcm96, not exportable, deletion refused, rotated every
OPERATOR_VAULT_TRANSIT_ROTATION_HOURS), a second pass writes nothing, a configuration changed by hand
is put back, Delete destroys it (Snapshot and Retain keep it); the operator's token (the chart's
policy) does exactly that and no more; a tenant's real Kubernetes login wraps, unwraps and rewraps
with its own key and nothing else; a restore under another name moves the wrapped data keys from the
source's key to the target's, and refuses when the source's key was destroyed (crypto-shredded).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import asyncpg
import hvac
import hvac.exceptions
import pytest
from kubernetes import client as k8s
from tenant_operator import names
from tenant_operator.backups.restore import RestoreRefused, rewrap_personal_data_keys
from tenant_operator.config import VaultConfig
from tenant_operator.provisioners.snapshot import database_dsn
from tenant_operator.provisioners.vault import VaultError, VaultProvisioner

from consorcio_contract.names import DADOS_PESSOAIS_TABELA_CHAVES as TABLE
from tests.support.vault_identities import operator_policy_token, tenant_login

pytestmark = pytest.mark.integration

TRANSIT = names.VAULT_TRANSIT_MOUNT


def key_path(name: str, suffix: str = "") -> str:
    return f"/v1/{TRANSIT}/keys/{names.transit_key_name(name)}{suffix}"


def read_key(client: hvac.Client, name: str) -> dict[str, Any]:
    return dict(client.adapter.get(key_path(name))["data"])


@pytest.fixture(scope="module")
def operator_token(vault) -> Iterator[str]:
    with operator_policy_token(vault.addr, vault.token) as token:
        yield token


@pytest.fixture
def root(vault) -> hvac.Client:
    return hvac.Client(url=vault.addr, token=vault.token)


@pytest.fixture
async def tenants(vault, operator_token) -> AsyncIterator[tuple[VaultProvisioner, Callable[[str], str]]]:
    """The provisioner with the operator's policy token, and a namer whose tenants (KV, role, key)
    are removed afterwards."""
    prov = VaultProvisioner(VaultConfig(addr=vault.addr, token=operator_token))
    made: list[str] = []

    def new(prefix: str) -> str:
        made.append(f"{prefix}{uuid.uuid4().hex[:8]}")
        return made[-1]

    yield prov, new
    for name in made:
        await prov.delete(name)
        await prov.destroy_transit_key(name)
    await prov.close()


async def test_the_key_is_created_once_and_a_changed_configuration_is_put_back(root, tenants):
    prov, new = tenants
    name = new("tk")
    key = names.transit_key_name(name)
    assert await prov.ensure(name, {"TENANT_SLUG": name}) == [
        "KV data",
        "kubernetes auth role",
        f"transit key {key}",
    ]
    live = read_key(root, name)
    assert (live["type"], live["exportable"], live["allow_plaintext_backup"], live["deletion_allowed"]) == (
        "aes256-gcm96",
        False,
        False,
        False,
    )
    assert live["auto_rotate_period"] == 2160 * 3600 and live["latest_version"] == 1
    assert await prov.ensure(name, {"TENANT_SLUG": name}) == []  # in sync: one read, nothing written

    # By hand: deletion allowed, rotation off, old versions hidden from decryption.
    root.adapter.post(key_path(name, "/rotate"))
    root.adapter.post(key_path(name, "/rotate"))
    root.adapter.post(
        key_path(name, "/config"),
        json={"deletion_allowed": True, "auto_rotate_period": "0", "min_decryption_version": 3},
    )
    assert await prov.ensure(name, {"TENANT_SLUG": name}) == [
        f"transit key {key} configuration (auto_rotate_period, deletion_allowed, min_decryption_version)"
    ]
    live = read_key(root, name)
    assert (live["deletion_allowed"], live["auto_rotate_period"], live["min_decryption_version"]) == (
        False,
        2160 * 3600,
        1,
    )
    assert live["latest_version"] == 3  # the versions stay: rotation is Vault's
    assert await prov.ensure(name, {"TENANT_SLUG": name}) == []


async def test_an_exportable_key_is_reported_not_silently_kept(root, tenants):
    prov, new = tenants
    name = new("tx")
    await prov.ensure(name, {"TENANT_SLUG": name})
    root.adapter.post(key_path(name, "/config"), json={"exportable": True})
    with pytest.raises(VaultError) as err:
        await prov.ensure(name, {"TENANT_SLUG": name})
    assert err.value.reason == "TransitKeyUnsafe" and "exportable true" in err.value.message


async def test_delete_destroys_the_key_snapshot_and_retain_keep_it(root, tenants):
    prov, new = tenants
    name = new("td")
    await prov.ensure(name, {"TENANT_SLUG": name})
    # Retain: the role goes, the data is marked; Snapshot: the KV data goes (drop_everything, no shred).
    assert await prov.remove_role(name) is True
    await prov.mark_orphaned(name, "2026-12-07T10:00:00Z", cnpj="11222333000181")
    await prov.delete(name)
    assert read_key(root, name)["latest_version"] == 1
    # Delete: crypto-shredding.
    assert await prov.destroy_transit_key(name) is True
    with pytest.raises(hvac.exceptions.InvalidPath):
        read_key(root, name)
    assert await prov.destroy_transit_key(name) is False  # idempotent


@pytest.mark.parametrize(
    "what,call",
    [
        (
            "trim (destroys old versions)",
            lambda c, k: c.adapter.post(f"{k}/trim", json={"min_available_version": 1}),
        ),
        ("make it exportable", lambda c, k: c.adapter.post(f"{k}/config", json={"exportable": True})),
        (
            "plaintext backup",
            lambda c, k: c.adapter.post(f"{k}/config", json={"allow_plaintext_backup": True}),
        ),
        ("export it", lambda c, k: c.adapter.get(k.replace("/keys/", "/export/encryption-key/"))),
        ("back it up", lambda c, k: c.adapter.get(k.replace("/keys/", "/backup/"))),
        ("a plaintext data key", lambda c, k: c.adapter.post(k.replace("/keys/", "/datakey/plaintext/"))),
        ("a wrapped data key", lambda c, k: c.adapter.post(k.replace("/keys/", "/datakey/wrapped/"))),
        (
            "rewrap",
            lambda c, k: c.adapter.post(k.replace("/keys/", "/rewrap/"), json={"ciphertext": "vault:v1:x"}),
        ),
        ("hmac", lambda c, k: c.adapter.post(k.replace("/keys/", "/hmac/"), json={"input": "eA=="})),
        ("list the keys", lambda c, k: c.adapter.list(f"/v1/{TRANSIT}/keys")),
        ("read a key not a tenant's", lambda c, k: c.adapter.get(f"/v1/{TRANSIT}/keys/consorcio-platform")),
        (
            "create a key not a tenant's",
            lambda c, k: c.adapter.post(
                f"/v1/{TRANSIT}/keys/consorcio-platform", json={"type": "aes256-gcm96"}
            ),
        ),
        (
            "create a tenant key of another type",
            lambda c, k: c.adapter.post(
                f"/v1/{TRANSIT}/keys/tenant-probe{uuid.uuid4().hex[:6]}", json={"type": "rsa-4096"}
            ),
        ),
        (
            "create an exportable tenant key",
            lambda c, k: c.adapter.post(
                f"/v1/{TRANSIT}/keys/tenant-probe{uuid.uuid4().hex[:6]}", json={"exportable": True}
            ),
        ),
        (
            "tune the engine",
            lambda c, k: c.adapter.post(f"/v1/sys/mounts/{TRANSIT}/tune", json={"max_lease_ttl": "1h"}),
        ),
        ("disable the engine", lambda c, k: c.adapter.delete(f"/v1/sys/mounts/{TRANSIT}")),
    ],
)
async def test_the_operator_token_cannot(root, tenants, operator_token, vault, what, call):
    prov, new = tenants
    name = new("to")
    await prov.ensure(name, {"TENANT_SLUG": name})
    operator = hvac.Client(url=vault.addr, token=operator_token)
    with pytest.raises(hvac.exceptions.Forbidden):
        call(operator, key_path(name))
    # What the restore needs stays allowed: encrypt and decrypt with tenant keys.
    ciphertext = operator.adapter.post(
        f"/v1/{TRANSIT}/encrypt/{names.transit_key_name(name)}", json={"plaintext": "eA=="}
    )["data"]["ciphertext"]
    assert (
        operator.adapter.post(
            f"/v1/{TRANSIT}/decrypt/{names.transit_key_name(name)}", json={"ciphertext": ciphertext}
        )["data"]["plaintext"]
        == "eA=="
    )


@pytest.fixture
async def two_tenants(tenants, k8s_api_client) -> AsyncIterator[tuple[str, str]]:
    """Tenants A and B provisioned with the operator's token, each with its namespace and the
    tenant-app ServiceAccount its role is bound to."""
    prov, new = tenants
    core = k8s.CoreV1Api(k8s_api_client)
    pair = (new("ka"), new("kb"))
    for name in pair:
        core.create_namespace({"metadata": {"name": names.namespace(name)}})
        core.create_namespaced_service_account(
            names.namespace(name), {"metadata": {"name": names.SERVICE_ACCOUNT}}
        )
        await prov.ensure(name, {"TENANT_SLUG": name})
    try:
        yield pair
    finally:
        for name in pair:
            core.delete_namespace(names.namespace(name))


async def test_a_tenant_login_uses_only_its_own_key_for_envelope_encryption(
    vault, root, k8s_api_client, two_tenants
):
    a, b = two_tenants
    app = tenant_login(vault.addr, k8s_api_client, a)
    key_a, key_b = names.transit_key_name(a), names.transit_key_name(b)
    # What tenant_app/dados_pessoais does: a wrapped data key once, unwrap it at start, rewrap it
    # to the latest version, read the key's latest version.
    wrapped = app.adapter.post(f"/v1/{TRANSIT}/datakey/wrapped/{key_a}")["data"]["ciphertext"]
    plaintext = app.adapter.post(f"/v1/{TRANSIT}/decrypt/{key_a}", json={"ciphertext": wrapped})["data"][
        "plaintext"
    ]
    assert len(base64.b64decode(plaintext)) == 32
    root.adapter.post(key_path(a, "/rotate"))
    assert app.adapter.get(f"/v1/{TRANSIT}/keys/{key_a}")["data"]["latest_version"] == 2
    rewrapped = app.adapter.post(f"/v1/{TRANSIT}/rewrap/{key_a}", json={"ciphertext": wrapped})["data"][
        "ciphertext"
    ]
    assert rewrapped.startswith("vault:v2:")
    assert app.adapter.post(f"/v1/{TRANSIT}/decrypt/{key_a}", json={"ciphertext": rewrapped})["data"][
        "plaintext"
    ] == (plaintext)
    b_wrapped = root.adapter.post(f"/v1/{TRANSIT}/datakey/wrapped/{key_b}")["data"]["ciphertext"]
    refused = [
        # Tenant B's key, whatever the operation.
        lambda: app.adapter.post(f"/v1/{TRANSIT}/datakey/wrapped/{key_b}"),
        lambda: app.adapter.post(f"/v1/{TRANSIT}/decrypt/{key_b}", json={"ciphertext": b_wrapped}),
        lambda: app.adapter.post(f"/v1/{TRANSIT}/rewrap/{key_b}", json={"ciphertext": b_wrapped}),
        lambda: app.adapter.get(f"/v1/{TRANSIT}/keys/{key_b}"),
        lambda: app.adapter.post(f"/v1/{TRANSIT}/keys/{key_b}/config", json={"deletion_allowed": True}),
        lambda: app.adapter.delete(f"/v1/{TRANSIT}/keys/{key_b}"),
        # Its own key: nothing but the four operations above.
        lambda: app.adapter.post(f"/v1/{TRANSIT}/keys/{key_a}/config", json={"deletion_allowed": True}),
        lambda: app.adapter.delete(f"/v1/{TRANSIT}/keys/{key_a}"),
        lambda: app.adapter.post(f"/v1/{TRANSIT}/keys/{key_a}/rotate"),
        lambda: app.adapter.post(f"/v1/{TRANSIT}/keys/{key_a}/trim", json={"min_available_version": 2}),
        lambda: app.adapter.post(f"/v1/{TRANSIT}/keys/{key_a}", json={"type": "aes256-gcm96"}),
        lambda: app.adapter.get(f"/v1/{TRANSIT}/export/encryption-key/{key_a}"),
        lambda: app.adapter.get(f"/v1/{TRANSIT}/backup/{key_a}"),
        lambda: app.adapter.post(f"/v1/{TRANSIT}/encrypt/{key_a}", json={"plaintext": "eA=="}),
        lambda: app.adapter.post(f"/v1/{TRANSIT}/datakey/plaintext/{key_a}"),
        lambda: app.adapter.list(f"/v1/{TRANSIT}/keys"),
        lambda: app.adapter.post(f"/v1/{TRANSIT}/keys/{names.namespace(a)}-other", json={}),
    ]
    for i, call in enumerate(refused):
        with pytest.raises(hvac.exceptions.Forbidden):
            call()
            pytest.fail(f"refused call #{i} was allowed")


@pytest.fixture
async def make_tenant_database(pg_admin_dsn: str) -> AsyncIterator[Callable[..., Awaitable[str]]]:
    """Factory: a role and a database it owns (like the restore's staging database), optionally
    with ``chaves_dados_pessoais`` holding the given ciphertexts; dropped afterwards."""
    made: list[str] = []

    async def create(rows: list[str] | None = None) -> str:
        ident = f"rw_{uuid.uuid4().hex[:10]}"
        made.append(ident)
        admin = await asyncpg.connect(pg_admin_dsn)
        try:
            await admin.execute(f'CREATE ROLE "{ident}" NOLOGIN')
            await admin.execute(f'CREATE DATABASE "{ident}" OWNER "{ident}"')
        finally:
            await admin.close()
        if rows is None:
            return ident
        conn = await asyncpg.connect(database_dsn(pg_admin_dsn, ident))
        try:
            await conn.execute(f'SET ROLE "{ident}"')
            await conn.execute(f"CREATE TABLE {TABLE} (id int PRIMARY KEY, chave_cifrada text)")
            for i, ciphertext in enumerate(rows, start=1):
                await conn.execute(f"INSERT INTO {TABLE} VALUES ($1, $2)", i, ciphertext)
        finally:
            await conn.close()
        return ident

    yield create
    admin = await asyncpg.connect(pg_admin_dsn)
    try:
        for ident in made:
            await admin.execute(f'DROP DATABASE IF EXISTS "{ident}" WITH (FORCE)')
            await admin.execute(f'DROP ROLE IF EXISTS "{ident}"')
    finally:
        await admin.close()


async def _rows(pg_admin_dsn: str, database: str) -> list[str]:
    conn = await asyncpg.connect(database_dsn(pg_admin_dsn, database))
    try:
        return [
            r["chave_cifrada"] for r in await conn.fetch(f"SELECT chave_cifrada FROM {TABLE} ORDER BY id")
        ]
    finally:
        await conn.close()


async def test_a_restore_under_another_name_rewraps_the_data_keys_with_the_targets_key(
    root, tenants, pg_admin_dsn, make_tenant_database
):
    prov, new = tenants  # the operator's policy token: decrypt and encrypt on tenant keys only
    source, target, other = new("rs"), new("rt"), new("ro")
    for name in (source, target, other):
        await prov.ensure(name, {"TENANT_SLUG": name})
    src_key, dst_key = names.transit_key_name(source), names.transit_key_name(target)
    made = [root.adapter.post(f"/v1/{TRANSIT}/datakey/wrapped/{src_key}")["data"] for _ in range(2)]
    root.adapter.post(key_path(source, "/rotate"))
    made.append(root.adapter.post(f"/v1/{TRANSIT}/datakey/wrapped/{src_key}")["data"])  # a v2 one
    plaintexts = [
        root.adapter.post(f"/v1/{TRANSIT}/decrypt/{src_key}", json={"ciphertext": m["ciphertext"]})["data"][
            "plaintext"
        ]
        for m in made
    ]
    database = await make_tenant_database([m["ciphertext"] for m in made])
    kwargs = {
        "admin_dsn": pg_admin_dsn,
        "database": database,
        "owner": database,
        "backup": "20261207T100000Z",
    }

    assert await rewrap_personal_data_keys(prov, source=source, target=target, **kwargs) == 3
    rows = await _rows(pg_admin_dsn, database)
    for row, original in zip(rows, plaintexts, strict=True):
        # The target's key unwraps the same data key; the source's no longer does.
        assert (
            root.adapter.post(f"/v1/{TRANSIT}/decrypt/{dst_key}", json={"ciphertext": row})["data"][
                "plaintext"
            ]
            == original
        )
        with pytest.raises(hvac.exceptions.InvalidRequest):
            root.adapter.post(f"/v1/{TRANSIT}/decrypt/{src_key}", json={"ciphertext": row})

    # A key that cannot unwrap them (they are the target's now): refused, nothing changed.
    with pytest.raises(RestoreRefused, match="cannot be unwrapped"):
        await rewrap_personal_data_keys(prov, source=other, target=target, **kwargs)
    assert await _rows(pg_admin_dsn, database) == rows
    # The target's rows under a destroyed source key: crypto-shredded, refused.
    assert await prov.destroy_transit_key(target) is True
    with pytest.raises(RestoreRefused, match="crypto-shredded"):
        await rewrap_personal_data_keys(prov, source=target, target=other, **kwargs)
    assert await _rows(pg_admin_dsn, database) == rows


async def test_a_database_without_data_keys_needs_no_vault(tenants, pg_admin_dsn, make_tenant_database):
    prov, new = tenants
    gone = new("rg")  # never provisioned: no key at all, and none is asked for
    for rows in (None, []):
        database = await make_tenant_database(rows)
        assert (
            await rewrap_personal_data_keys(
                prov,
                admin_dsn=pg_admin_dsn,
                database=database,
                owner=database,
                source=gone,
                target=gone,
                backup="x",
            )
            == 0
        )
