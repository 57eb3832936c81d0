"""The Vault provisioner against devstack's Vault (KV v2, policies, Kubernetes auth)."""

from __future__ import annotations

import uuid

import hvac
import hvac.exceptions
import pytest
from tenant_operator import names
from tenant_operator.config import VaultConfig
from tenant_operator.provisioners.vault import VaultError, VaultProvisioner

pytestmark = pytest.mark.integration


@pytest.fixture
async def vault_prov(vault):
    prov = VaultProvisioner(VaultConfig(addr=vault.addr, token=vault.token))
    tenants: list[str] = []
    yield prov, tenants
    for name in tenants:
        await prov.delete(name)
        await prov.destroy_transit_key(name)
    await prov.close()


async def test_tenant_secrets_policy_and_role_are_written_once(vault_prov, vault):
    prov, tenants = vault_prov
    name = f"vt{uuid.uuid4().hex[:8]}"
    tenants.append(name)
    env = {"TENANT_SLUG": name, "JWT_SECRET": "s"}
    key = f"transit key {names.transit_key_name(name)}"
    assert await prov.ensure(name, env) == ["KV data", "kubernetes auth role", key]
    assert await prov.ensure(name, env) == []  # in sync: nothing written
    assert await prov.read_app_env(name) == env
    root = hvac.Client(url=vault.addr, token=vault.token)
    assert names.vault_secret_path(name) == f"namespaces/tenant-{name}/app"
    # No policy of its own: the role attaches the shared, namespace-templated one.
    assert names.legacy_vault_policy(name) not in root.sys.list_policies()["data"]["policies"]
    role = root.auth.kubernetes.read_role(name=names.vault_role(name))
    assert role["bound_service_account_namespaces"] == [names.namespace(name)]
    assert role["policies"] == [names.VAULT_POLICY]
    # Drift: a changed value, a role given another policy and a deleted role come back.
    root.secrets.kv.v2.create_or_update_secret(path=names.vault_secret_path(name), secret={"x": "y"})
    root.auth.kubernetes.create_role(
        name=names.vault_role(name),
        bound_service_account_names=["tenant-app"],
        bound_service_account_namespaces=[names.namespace(name)],
        audience="vault",
        policies=["default"],
    )
    assert await prov.ensure(name, env) == ["KV data", "kubernetes auth role"]
    root.auth.kubernetes.delete_role(name=names.vault_role(name))
    assert await prov.ensure(name, env) == ["kubernetes auth role"]
    assert await prov.ensure(name, env) == []


async def test_orphan_mark_and_delete(vault_prov, vault):
    prov, tenants = vault_prov
    name = f"vt{uuid.uuid4().hex[:8]}"
    tenants.append(name)
    await prov.ensure(name, {"A": "1"})
    await prov.mark_orphaned(name, "2026-11-23T10:00:00Z")
    root = hvac.Client(url=vault.addr, token=vault.token)
    meta = root.secrets.kv.v2.read_secret_metadata(path=names.vault_secret_path(name))["data"]
    assert meta["custom_metadata"]["orphaned"] == "true"
    assert await prov.ensure(name, {"A": "1"}) == ["KV orphan mark"]
    await prov.delete(name)
    assert await prov.read_app_env(name) is None
    assert await prov.delete(name) == ["kubernetes auth role"]  # idempotent


async def test_a_refused_token_is_a_named_failure(vault):
    prov = VaultProvisioner(VaultConfig(addr=vault.addr, token="not-a-token"))
    try:
        with pytest.raises(VaultError) as err:
            await prov.ensure("nobody", {"A": "1"})
        assert err.value.reason == "VaultForbidden"
    finally:
        await prov.close()


async def test_an_unreachable_vault_is_a_named_failure():
    prov = VaultProvisioner(VaultConfig(addr="http://127.0.0.1:1", token="t"))
    try:
        with pytest.raises(VaultError) as err:
            await prov.read_app_env("nobody")
        assert err.value.reason == "VaultUnavailable"
    finally:
        await prov.close()


async def test_delete_leaves_none_of_the_tenants_secrets_behind(vault_prov, vault):
    """The tenant app writes its PSP credentials and webhook signing secrets below the tenant's
    prefix (namespaces/tenant-<name>/psp/<conta>, .../webhooks/<id>); a Delete policy used to
    remove only the app environment and leave those in Vault."""
    prov, tenants = vault_prov
    name, other = f"vt{uuid.uuid4().hex[:8]}", f"vt{uuid.uuid4().hex[:8]}"
    tenants += [name, other]
    root = hvac.Client(url=vault.addr, token=vault.token)
    kv = root.secrets.kv.v2
    for tenant in (name, other):
        await prov.ensure(tenant, {"A": "1"})
        prefix = names.vault_tenant_prefix(tenant)
        kv.create_or_update_secret(path=f"{prefix}/psp/conta-1", secret={"client_secret": "s"})
        kv.create_or_update_secret(path=f"{prefix}/webhooks/w-1", secret={"segredo": "x"})
    try:
        deleted = await prov.delete(name)
        assert "KV data (3 secrets)" in deleted
        with pytest.raises(hvac.exceptions.InvalidPath):
            kv.list_secrets(path=names.vault_tenant_prefix(name))
        # The neighbour's secrets are untouched.
        left = kv.list_secrets(path=names.vault_tenant_prefix(other))["data"]["keys"]
        assert sorted(left) == ["app", "psp/", "webhooks/"]
        assert await prov.delete(name) == ["kubernetes auth role"]  # idempotent
    finally:
        await prov.delete(other)


async def test_the_smtp_relay_is_read_from_vault_or_named_missing(vault):
    path = f"consorcio/smtp-{uuid.uuid4().hex[:6]}"
    prov = VaultProvisioner(VaultConfig(addr=vault.addr, token=vault.token, smtp_path=path))
    root = hvac.Client(url=vault.addr, token=vault.token)
    try:
        with pytest.raises(VaultError) as err:
            await prov.read_smtp_relay()
        assert err.value.reason == "SmtpRelayMissing" and path in err.value.message
        relay = {"host": "email-smtp.sa-east-1.amazonaws.com", "port": "587", "tls": "starttls"}
        root.secrets.kv.v2.create_or_update_secret(path=path, secret=relay)
        assert await prov.read_smtp_relay() == relay
    finally:
        root.secrets.kv.v2.delete_metadata_and_all_versions(path=path)
        await prov.close()
    unset = VaultProvisioner(VaultConfig(addr=vault.addr, token=vault.token))
    try:
        assert await unset.read_smtp_relay() is None
    finally:
        await unset.close()
