"""The operator's Vault policy (charts/consorcio-operator/files/vault-operator-policy.hcl) and the
tenants' shared policy `consorcio-tenant` (vault-tenant-policy.hcl, installed by devstack) against
devstack's real Vault and API server (issue 20, item 4): the operator provisions, moves and deletes
tenants with a token holding only its policy; the same token cannot write any policy at all, nor bind a
role to another ServiceAccount, namespace, audience or policy, nor read or write the platform's
secrets. A tenant's real Kubernetes login (TokenRequest token) reaches only its own namespace folder.
The previous policy let the token write a `tenant-*` policy with any content (effectively root).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import hvac
import hvac.exceptions
import pytest
from kubernetes import client as k8s
from tenant_operator import names
from tenant_operator.config import VaultConfig
from tenant_operator.provisioners.vault import VaultProvisioner
from tenant_operator.specs.vault_policy import ACCESSOR_PLACEHOLDER, shared_policy_hcl

from tests.support.vault_identities import OPERATOR_POLICY_FILE, operator_policy_token, tenant_login

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def operator_token(vault) -> Iterator[str]:
    with operator_policy_token(vault.addr, vault.token) as token:
        yield token


async def test_the_operator_provisions_and_deletes_a_tenant_with_only_its_policy(vault, operator_token):
    prov = VaultProvisioner(VaultConfig(addr=vault.addr, token=operator_token))
    name = f"vp{uuid.uuid4().hex[:8]}"
    try:
        assert await prov.ensure(name, {"TENANT_SLUG": name}) == [
            "KV data",
            "kubernetes auth role",
            f"transit key {names.transit_key_name(name)}",
        ]
        assert await prov.ensure(name, {"TENANT_SLUG": name}) == []
        await prov.mark_orphaned(name, "2026-12-06T22:00:00Z")
        assert await prov.remove_role(name) is True
    finally:
        assert "kubernetes auth role" in await prov.delete(name)
        assert await prov.destroy_transit_key(name) is True
        await prov.close()


async def test_the_operator_moves_a_tenant_from_the_old_layout_and_deletes_its_old_policy(
    vault, operator_token
):
    """A tenant provisioned before the shared policy: tenants/<name>/{app,psp/*,webhooks/*} and a
    policy tenant-<name>. One ensure moves every secret (metadata too), deletes the old ones and the
    policy; the next writes nothing. A secret the app already wrote at the new place is kept."""
    root = hvac.Client(url=vault.addr, token=vault.token)
    kv = root.secrets.kv.v2
    name = f"vm{uuid.uuid4().hex[:8]}"
    old, new = f"tenants/{name}", names.vault_tenant_prefix(name)
    env = {"TENANT_SLUG": name}
    kv.create_or_update_secret(path=f"{old}/app", secret=env)
    kv.update_metadata(path=f"{old}/app", custom_metadata={"tenant": name, "cnpj": "11222333000181"})
    kv.create_or_update_secret(path=f"{old}/psp/conta-1", secret={"client_secret": "s1"})
    kv.create_or_update_secret(path=f"{old}/webhooks/w-1", secret={"segredo": "old"})
    kv.create_or_update_secret(path=f"{new}/webhooks/w-1", secret={"segredo": "newer"})
    root.sys.create_or_update_policy(
        name=names.legacy_vault_policy(name),
        policy=f'path "secret/data/tenants/{name}/*" {{ capabilities = ["read"] }}',
    )
    prov = VaultProvisioner(VaultConfig(addr=vault.addr, token=operator_token))
    try:
        changes = await prov.ensure(name, env, cnpj="11222333000181")
        assert changes == [
            f"moved 3 secrets from {old}",
            "kubernetes auth role",
            f"transit key {names.transit_key_name(name)}",
        ]
        assert await prov.ensure(name, env, cnpj="11222333000181") == []
        with pytest.raises(hvac.exceptions.InvalidPath):
            kv.list_secrets(path=old)
        assert names.legacy_vault_policy(name) not in root.sys.list_policies()["data"]["policies"]
        read = lambda path: kv.read_secret_version(path=path, raise_on_deleted_version=True)["data"]  # noqa: E731
        assert read(f"{new}/app")["data"] == env
        assert read(f"{new}/psp/conta-1")["data"] == {"client_secret": "s1"}
        assert read(f"{new}/webhooks/w-1")["data"] == {"segredo": "newer"}
        meta = kv.read_secret_metadata(path=f"{new}/app")["data"]["custom_metadata"]
        assert meta["cnpj"] == "11222333000181"
    finally:
        await prov.delete(name)
        await prov.destroy_transit_key(name)
        await prov.close()


@pytest.mark.parametrize(
    "policy",
    ["tenant-x", "consorcio-tenant", "consorcio-operator", "admin", "default"],
)
def test_operator_vault_token_cannot_write_any_policy(vault, operator_token, policy):
    """The old policy let it write any `tenant-*` policy, e.g. `path "*" { sudo }`."""
    client = hvac.Client(url=vault.addr, token=operator_token)
    with pytest.raises(hvac.exceptions.Forbidden):
        client.sys.create_or_update_policy(name=policy, policy='path "*" { capabilities = ["sudo"] }')
    with pytest.raises(hvac.exceptions.Forbidden):
        client.sys.read_policy(policy)


def test_the_chart_file_is_the_shared_policy_devstack_installs(vault):
    root = hvac.Client(url=vault.addr, token=vault.token)
    accessor = root.sys.list_auth_methods()["kubernetes/"]["accessor"]
    chart = (OPERATOR_POLICY_FILE.parent / "vault-tenant-policy.hcl").read_text()
    assert chart.endswith(shared_policy_hcl("secret", ACCESSOR_PLACEHOLDER))
    assert root.sys.read_policy(names.VAULT_POLICY)["data"]["rules"] == shared_policy_hcl("secret", accessor)


@pytest.fixture
def two_tenants(vault, operator_token, k8s_api_client) -> Iterator[tuple[str, str]]:
    """Tenants A and B provisioned by the operator's token: namespaces with the tenant-app
    ServiceAccount, KV data and roles."""
    import asyncio

    core = k8s.CoreV1Api(k8s_api_client)
    pair = (f"va{uuid.uuid4().hex[:8]}", f"vb{uuid.uuid4().hex[:8]}")
    prov = VaultProvisioner(VaultConfig(addr=vault.addr, token=operator_token))

    async def ensure_all() -> None:
        for name in pair:
            await prov.ensure(name, {"TENANT_SLUG": name, "SECRET": f"only-{name}"})

    async def delete_all() -> None:
        for name in pair:
            await prov.delete(name)
            await prov.destroy_transit_key(name)
        await prov.close()

    for name in pair:
        core.create_namespace({"metadata": {"name": names.namespace(name)}})
        core.create_namespaced_service_account(
            names.namespace(name), {"metadata": {"name": names.SERVICE_ACCOUNT}}
        )
    asyncio.run(ensure_all())
    try:
        yield pair
    finally:
        asyncio.run(delete_all())
        for name in pair:
            core.delete_namespace(names.namespace(name))


def test_a_tenant_login_reaches_only_its_own_namespace_folder(vault, k8s_api_client, two_tenants):
    a, b = two_tenants
    kv = tenant_login(vault.addr, k8s_api_client, a).secrets.kv.v2
    assert (
        kv.read_secret_version(path=names.vault_secret_path(a), raise_on_deleted_version=True)["data"][
            "data"
        ]["SECRET"]
        == f"only-{a}"
    )
    # The app's own subtrees: create, update, read.
    for subtree in ("psp", "webhooks"):
        path = f"{names.vault_tenant_prefix(a)}/{subtree}/x-1"
        kv.create_or_update_secret(path=path, secret={"v": "1"})
        kv.create_or_update_secret(path=path, secret={"v": "2"})
        assert kv.read_secret_version(path=path, raise_on_deleted_version=True)["data"]["data"] == {"v": "2"}
    refused = [
        # B's data, B's subtrees.
        lambda: kv.read_secret_version(path=names.vault_secret_path(b), raise_on_deleted_version=True),
        lambda: kv.create_or_update_secret(path=f"{names.vault_tenant_prefix(b)}/psp/x-1", secret={"v": "a"}),
        lambda: kv.create_or_update_secret(
            path=f"{names.vault_tenant_prefix(b)}/webhooks/x-1", secret={"v": "a"}
        ),
        # Its own environment (the operator's) and anything outside its folder.
        lambda: kv.create_or_update_secret(path=names.vault_secret_path(a), secret={"SECRET": "x"}),
        lambda: kv.read_secret_version(path="consorcio/smtp", raise_on_deleted_version=True),
        lambda: kv.list_secrets(path=names.vault_tenant_prefix(a)),
        lambda: kv.delete_metadata_and_all_versions(path=f"{names.vault_tenant_prefix(a)}/psp/x-1"),
    ]
    for call in refused:
        with pytest.raises(hvac.exceptions.Forbidden):
            call()
    # B's ServiceAccount cannot use A's role either.
    with pytest.raises(hvac.exceptions.VaultError):
        tenant_login(vault.addr, k8s_api_client, a, names.namespace(b))


def role(**overrides) -> dict:
    params = {
        "bound_service_account_names": ["tenant-app"],
        "bound_service_account_namespaces": ["tenant-x"],
        "audience": "vault",
        "policies": ["consorcio-tenant"],
        "ttl": 3600,
    }
    return params | overrides


@pytest.mark.parametrize(
    "what,overrides",
    [
        ("its own ServiceAccount", {"bound_service_account_names": ["consorcio-operator"]}),
        ("any ServiceAccount", {"bound_service_account_names": ["*"]}),
        ("another team's namespace", {"bound_service_account_namespaces": ["consorcio-system"]}),
        ("every namespace", {"bound_service_account_namespaces": ["*"]}),
        ("the platform's policy", {"policies": ["consorcio-platform"]}),
        ("a per-tenant policy", {"policies": ["tenant-x"]}),
        ("a per-tenant token policy", {"token_policies": ["tenant-x"]}),
        ("the shared policy plus the platform's", {"policies": ["consorcio-tenant", "consorcio-platform"]}),
        ("another audience", {"audience": "https://kubernetes.default.svc"}),
    ],
)
def test_operator_vault_token_cannot_write_a_role_for(vault, operator_token, what, overrides):
    client = hvac.Client(url=vault.addr, token=operator_token)
    with pytest.raises(hvac.exceptions.Forbidden):
        # The raw write: hvac's create_role has no token_policies keyword.
        client.adapter.post(
            f"/v1/auth/kubernetes/role/tenant-probe-{uuid.uuid4().hex[:6]}", json=role(**overrides)
        )


def test_operator_vault_token_reaches_nothing_outside_the_tenants(vault, operator_token):
    client = hvac.Client(url=vault.addr, token=operator_token)
    for call in (
        lambda: client.secrets.kv.v2.read_secret_version(
            path="consorcio/platform", raise_on_deleted_version=True
        ),
        lambda: client.secrets.kv.v2.create_or_update_secret(path="consorcio/platform", secret={"x": "y"}),
        lambda: client.sys.create_or_update_policy(
            name="consorcio-platform", policy='path "*" { capabilities = ["sudo"] }'
        ),
        lambda: client.sys.create_or_update_policy(
            name="admin", policy='path "*" { capabilities = ["sudo"] }'
        ),
        lambda: client.auth.kubernetes.create_role(name="consorcio-platform", **role()),
        lambda: client.auth.token.create(policies=["tenant-x"]),
    ):
        with pytest.raises(hvac.exceptions.Forbidden):
            call()
    # The tenant-shaped role is allowed (and removed again).
    name = f"tenant-probe-{uuid.uuid4().hex[:6]}"
    client.auth.kubernetes.create_role(name=name, **role())
    client.auth.kubernetes.delete_role(name=name)
