"""Tenant pods trust Vault's private CA when the operator has one (issue 20 item 4: Vault on TLS).

The chart gives the operator ``OPERATOR_VAULT_CA_FILE`` (``vault.caSecret``); before, the tenant
app and worker got ``VAULT_ADDR=https://…`` and a token but not the CA, so their first Vault call
failed certificate verification. Now the CA is copied into Secret ``tenant-vault-ca`` in the
tenant namespace, projected beside the Vault token and named by ``VAULT_CACERT``, which the tenant
app's Vault clients pass to hvac as ``verify``. Without a CA configured nothing changes.
"""

from __future__ import annotations

import base64
from pathlib import Path, PurePosixPath

import pytest
from tenant_operator import names
from tenant_operator.config import ConfigError
from tenant_operator.specs import pod
from tenant_operator.specs.migration_job import migration_job
from tenant_operator.specs.tenant import TenantView
from tenant_operator.specs.workload import app_deployment, worker_deployment

from consorcio_contract.tenant_resource import TenantSpec
from tenant_app.cobranca.cofre import CofrePsp, ConfigCofre
from tenant_app.notificacoes.webhooks.cofre import CofreWebhooks
from tests.support.operator_harness import example_config
from tests.unit.tenant_operator.test_operator_reconciler import (
    FakeKube,
    FakePostgres,
    FakeRedis,
    FakeVault,
    Tenant,
    ns_path,
)

pytestmark = pytest.mark.unit

PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"
VAULT = {
    "OPERATOR_VAULT_ADDR": "https://vault.consorcio-system.svc:8200",
    "OPERATOR_VAULT_TOKEN": "root",
    "OPERATOR_DEFAULT_APP_VERSION": "1.0.0",
}
SPEC = TenantSpec.from_dict({"displayName": "ACME", "cnpj": "11.222.333/0001-81", "plan": "starter"})


@pytest.fixture
def ca_file(tmp_path: Path) -> Path:
    path = tmp_path / "vault-ca.crt"
    path.write_text(PEM)
    return path


def _view(**env: str) -> TenantView:
    return TenantView("acme", SPEC, example_config(**VAULT, **env).workload)


def _pod_spec(t: TenantView, build) -> dict:
    return build(t, version="1.0.0", schema_revision="r1", secret_hash="h", replicas=1)["spec"]["template"][
        "spec"
    ]


@pytest.mark.parametrize("build", [app_deployment, worker_deployment])
def test_with_a_vault_ca_app_and_worker_get_it_beside_the_token(ca_file: Path, build) -> None:
    t = _view(OPERATOR_VAULT_CA_FILE=str(ca_file))
    spec = _pod_spec(t, build)
    volumes = {v["name"]: v for v in spec["volumes"]}
    token, ca = volumes["vault-token"]["projected"]["sources"]
    assert token["serviceAccountToken"]["audience"] == "vault"
    assert ca == {"secret": {"name": names.VAULT_CA_SECRET, "items": [{"key": "ca.crt", "path": "ca.crt"}]}}
    (c,) = spec["containers"]
    env = {e["name"]: e["value"] for e in c["env"]}
    assert env["VAULT_CACERT"] == "/var/run/secrets/vault/ca.crt"
    mount = next(m for m in c["volumeMounts"] if m["name"] == "vault-token")
    # The variable names the projected file: the mount directory plus the item's path.
    assert PurePosixPath(mount["mountPath"]) / ca["secret"]["items"][0]["path"] == PurePosixPath(
        env["VAULT_CACERT"]
    )


def test_the_ca_secret_holds_the_operators_pem(ca_file: Path) -> None:
    secret = pod.vault_ca_secret(_view(OPERATOR_VAULT_CA_FILE=str(ca_file)))
    assert secret is not None
    assert secret["metadata"]["name"] == "tenant-vault-ca"
    assert secret["metadata"]["namespace"] == "tenant-acme"
    assert base64.b64decode(secret["data"]["ca.crt"]).decode() == PEM


def test_a_tenant_specific_ca_file_wins(ca_file: Path, tmp_path: Path) -> None:
    other = tmp_path / "tenant-ca.crt"
    other.write_text(PEM.replace("fake", "tenant"))
    t = _view(OPERATOR_VAULT_CA_FILE=str(ca_file), OPERATOR_VAULT_TENANT_CA_FILE=str(other))
    assert "tenant" in t.workload.vault_ca_pem


@pytest.mark.parametrize("build", [app_deployment, worker_deployment])
def test_without_a_ca_nothing_changes(build) -> None:
    t = _view()
    assert pod.vault_ca_secret(t) is None
    spec = _pod_spec(t, build)
    (source,) = {v["name"]: v for v in spec["volumes"]}["vault-token"]["projected"]["sources"]
    assert "serviceAccountToken" in source
    (c,) = spec["containers"]
    assert "VAULT_CACERT" not in {e["name"] for e in c["env"]}


def test_the_migration_job_gets_neither_token_nor_ca(ca_file: Path) -> None:
    t = _view(OPERATOR_VAULT_CA_FILE=str(ca_file))
    job = migration_job(t, version="1.0.0", schema_revision="r1")["spec"]["template"]["spec"]
    assert "vault-token" not in {v["name"] for v in job["volumes"]}
    (c,) = job["containers"]
    assert "VAULT_CACERT" not in {e["name"] for e in c.get("env", [])}


def test_an_unreadable_or_non_pem_ca_file_stops_the_operator_at_startup(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        example_config(**VAULT, OPERATOR_VAULT_CA_FILE=str(tmp_path / "missing.crt"))
    junk = tmp_path / "junk.crt"
    junk.write_text("not a certificate")
    with pytest.raises(ConfigError, match="no PEM"):
        example_config(**VAULT, OPERATOR_VAULT_CA_FILE=str(junk))


async def test_the_secrets_step_writes_the_ca_secret_the_pods_name(ca_file: Path) -> None:
    from tenant_operator.runtime import Runtime

    config = example_config(**VAULT, OPERATOR_VAULT_CA_FILE=str(ca_file))
    kube, fakes = FakeKube(), {"postgres": FakePostgres(), "redis": FakeRedis(), "vault": FakeVault()}
    runtime = Runtime(config=config, kube=kube, **fakes)  # type: ignore[arg-type]
    result = await Tenant().reconcile(runtime, "create")
    assert result.failure is None
    secret = kube.objects[ns_path("Secret", names.VAULT_CA_SECRET)]
    assert base64.b64decode(secret["data"]["ca.crt"]).decode() == PEM


@pytest.mark.parametrize("cofre", [CofrePsp, CofreWebhooks])
def test_the_tenant_apps_vault_clients_verify_with_vault_cacert(tmp_path: Path, ca_file: Path, cofre) -> None:
    token = tmp_path / "token"
    token.write_text("s.token")
    # The pod's environment as the operator writes it (no VAULT_ROLE: a plain token, no login call).
    env = {
        "VAULT_ADDR": "https://vault.consorcio-system.svc:8200",
        "TENANT_SLUG": "acme",
        "VAULT_TOKEN_FILE": str(token),
        "VAULT_CACERT": str(ca_file),
    }
    config = ConfigCofre.from_env(env)
    assert config is not None and config.verify == str(ca_file)
    cliente = cofre(config)._cliente()
    assert cliente.adapter.session.verify == str(ca_file)
    # Without VAULT_CACERT: the system's trust store, never verification off.
    sem_ca = ConfigCofre.from_env({k: v for k, v in env.items() if k != "VAULT_CACERT"})
    assert sem_ca is not None and sem_ca.verify is True
