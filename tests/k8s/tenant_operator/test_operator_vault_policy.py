"""The operator's Vault policy (charts/consorcio-operator/files/vault-operator-policy.hcl) against
devstack's real Vault (issue 20, item 4): the operator provisions and deletes a tenant with a token
holding only that policy, and the same token cannot bind a role to another ServiceAccount, namespace,
audience or policy, nor read or write the platform's secrets and policies. The old policy (docs) let
it write any `tenant-*` role: e.g. one letting its own ServiceAccount log in with the platform's policy.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import hvac
import hvac.exceptions
import pytest
from tenant_operator.config import VaultConfig
from tenant_operator.provisioners.vault import VaultProvisioner

pytestmark = pytest.mark.integration

POLICY_FILE = (
    Path(__file__).resolve().parents[3]
    / "charts"
    / "consorcio-operator"
    / "files"
    / "vault-operator-policy.hcl"
)


@pytest.fixture(scope="module")
def operator_token(vault) -> Iterator[str]:
    root = hvac.Client(url=vault.addr, token=vault.token)
    policy = f"consorcio-operator-test-{uuid.uuid4().hex[:6]}"
    root.sys.create_or_update_policy(name=policy, policy=POLICY_FILE.read_text())
    token = root.auth.token.create(policies=[policy], ttl="1h")["auth"]["client_token"]
    yield token
    root.sys.delete_policy(policy)


async def test_the_operator_provisions_and_deletes_a_tenant_with_only_its_policy(vault, operator_token):
    prov = VaultProvisioner(VaultConfig(addr=vault.addr, token=operator_token))
    name = f"vp{uuid.uuid4().hex[:8]}"
    try:
        assert await prov.ensure(name, {"TENANT_SLUG": name}) == ["KV data", "policy", "kubernetes auth role"]
        assert await prov.ensure(name, {"TENANT_SLUG": name}) == []
        await prov.mark_orphaned(name, "2026-12-06T22:00:00Z")
        assert await prov.remove_role(name) is True
    finally:
        assert "policy" in await prov.delete(name)
        await prov.close()


def role(**overrides) -> dict:
    params = {
        "bound_service_account_names": ["tenant-app"],
        "bound_service_account_namespaces": ["tenant-x"],
        "audience": "vault",
        "policies": ["tenant-x"],
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
        ("a tenant policy plus the platform's", {"policies": ["tenant-x", "consorcio-platform"]}),
        ("another audience", {"audience": "https://kubernetes.default.svc"}),
    ],
)
def test_operator_vault_token_cannot_write_a_role_for(vault, operator_token, what, overrides):
    client = hvac.Client(url=vault.addr, token=operator_token)
    with pytest.raises(hvac.exceptions.Forbidden):
        client.auth.kubernetes.create_role(name=f"tenant-probe-{uuid.uuid4().hex[:6]}", **role(**overrides))


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
