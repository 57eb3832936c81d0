"""Tenant pods carry a projected token for the control plane's audience, and no API-server token."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest
from tenant_operator import names
from tenant_operator.kube.compare import in_sync
from tenant_operator.specs import pod
from tenant_operator.specs.migration_job import migration_job
from tenant_operator.specs.tenant import TenantView
from tenant_operator.specs.workload import app_deployment, service_account, worker_deployment

from consorcio_contract.tenant_resource import TenantSpec
from tenant_app.settings import DEFAULT_TOKEN_FILE, PlatformClientSettings
from tests.support.operator_harness import example_config

pytestmark = pytest.mark.unit

CONFIG = example_config()
TOKEN_DIR = "/var/run/secrets/consorcio.io/control-plane"


def view() -> TenantView:
    spec = TenantSpec.from_dict({"displayName": "ACME", "cnpj": "11.222.333/0001-81", "plan": "starter"})
    return TenantView("acme", spec, CONFIG.workload)


def _pod_spec(kind: str) -> dict:
    t = view()
    if kind == "migration":
        return migration_job(t, version="2.0.0", schema_revision="r1")["spec"]["template"]["spec"]
    build = app_deployment if kind == "app" else worker_deployment
    return build(t, version="2.0.0", schema_revision="r1", secret_hash="h", replicas=1)["spec"]["template"][
        "spec"
    ]


@pytest.mark.parametrize("kind", ["app", "worker"])
def test_app_and_worker_get_a_projected_control_plane_token(kind: str) -> None:
    spec = _pod_spec(kind)
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert volumes["control-plane-token"] == {
        "name": "control-plane-token",
        "projected": {
            "sources": [
                {
                    "serviceAccountToken": {
                        "audience": "consorcio-control-plane",
                        "expirationSeconds": 3600,
                        "path": "token",
                    }
                }
            ]
        },
    }
    # Only the token: no API-server token, CA bundle or namespace file rides along.
    assert len(volumes["control-plane-token"]["projected"]["sources"]) == 1
    (c,) = spec["containers"]
    mounts = {m["name"]: m for m in c["volumeMounts"]}
    assert mounts["control-plane-token"] == {
        "name": "control-plane-token",
        "mountPath": TOKEN_DIR,
        "readOnly": True,
    }
    assert mounts["tmp"]["mountPath"] == "/tmp"  # the writable scratch space is still there
    # The app also gets FORWARDED_ALLOW_IPS (the ingress it believes X-Forwarded-For from).
    proxies = [{"name": "FORWARDED_ALLOW_IPS", "value": "*"}] if kind == "app" else []
    assert c["env"] == [*proxies, {"name": "CONTROL_PLANE_TOKEN_FILE", "value": f"{TOKEN_DIR}/token"}]
    # The tenant Secret still supplies the rest (CONTROL_PLANE_URL, TENANT_SLUG, ...).
    assert c["envFrom"] == [{"secretRef": {"name": names.APP_SECRET}}]


@pytest.mark.parametrize("kind", ["app", "worker", "migration"])
def test_no_pod_gets_the_default_api_server_token(kind: str) -> None:
    spec = _pod_spec(kind)
    assert spec["automountServiceAccountToken"] is False
    assert spec["serviceAccountName"] == names.SERVICE_ACCOUNT


def test_the_service_account_does_not_automount_either() -> None:
    sa = service_account(view())
    assert sa["automountServiceAccountToken"] is False
    assert sa["metadata"]["name"] == names.SERVICE_ACCOUNT


def test_the_migration_job_has_no_control_plane_token() -> None:
    # `tenant_app migrate` only talks to its database.
    spec = _pod_spec("migration")
    assert [v["name"] for v in spec["volumes"]] == ["tmp"]
    (c,) = spec["containers"]
    assert "env" not in c and [m["name"] for m in c["volumeMounts"]] == ["tmp"]


def test_the_env_path_is_the_mounted_file_and_the_clients_default() -> None:
    """The path in the env, the mount and the platform client's default all name one file."""
    spec = _pod_spec("app")
    (c,) = spec["containers"]
    path = PurePosixPath(next(e["value"] for e in c["env"] if e["name"] == "CONTROL_PLANE_TOKEN_FILE"))
    mount = next(m for m in c["volumeMounts"] if m["name"] == "control-plane-token")
    token_source = spec["volumes"][-1]["projected"]["sources"][0]["serviceAccountToken"]
    assert path == PurePosixPath(mount["mountPath"]) / token_source["path"]
    assert str(DEFAULT_TOKEN_FILE) == str(path) == pod.CONTROL_PLANE_TOKEN_FILE
    settings = PlatformClientSettings.from_env(
        {"CONTROL_PLANE_URL": "http://cp", **{e["name"]: e["value"] for e in c["env"]}}
    )
    assert settings is not None and str(settings.token_file) == str(path)


def test_a_live_deployment_with_api_server_defaults_is_in_sync() -> None:
    """The API server adds defaultMode to projected volumes; that is not drift to repair."""
    desired = app_deployment(view(), version="2.0.0", schema_revision="r1", secret_hash="h", replicas=1)
    live = {**desired, "spec": {**desired["spec"], "template": {**desired["spec"]["template"]}}}
    pod_spec = {**desired["spec"]["template"]["spec"]}
    pod_spec["volumes"] = [
        {**v, "projected": {**v["projected"], "defaultMode": 420}} if "projected" in v else v
        for v in pod_spec["volumes"]
    ]
    live["spec"]["template"]["spec"] = pod_spec
    assert in_sync(desired, live)
    # An older pod template (default token, no projected volume) is drift and gets corrected.
    old = {**pod_spec, "volumes": pod_spec["volumes"][:1]}
    del old["automountServiceAccountToken"]
    live["spec"]["template"]["spec"] = old
    assert not in_sync(desired, live)


VAULT_CONFIG = example_config(
    OPERATOR_VAULT_ADDR="http://vault.internal:8200",
    OPERATOR_VAULT_TOKEN="root",
    OPERATOR_VAULT_TENANT_ADDR="https://vault.consorcio.svc:8200",
)


@pytest.mark.parametrize("build", [app_deployment, worker_deployment])
def test_with_vault_app_and_worker_get_a_vault_token_and_where_to_use_it(build) -> None:
    spec = TenantSpec.from_dict({"displayName": "ACME", "cnpj": "11.222.333/0001-81", "plan": "starter"})
    t = TenantView("acme", spec, VAULT_CONFIG.workload)
    pod_spec = build(t, version="2.0.0", schema_revision="r1", secret_hash="h", replicas=1)["spec"][
        "template"
    ]["spec"]
    volumes = {v["name"]: v for v in pod_spec["volumes"]}
    (source,) = volumes["vault-token"]["projected"]["sources"]
    # Vault's audience only: the token is useless against the API server and the control plane.
    assert source == {
        "serviceAccountToken": {"audience": "vault", "expirationSeconds": 3600, "path": "token"}
    }
    (c,) = pod_spec["containers"]
    assert {"name": "vault-token", "mountPath": "/var/run/secrets/vault", "readOnly": True} in c[
        "volumeMounts"
    ]
    env = {e["name"]: e["value"] for e in c["env"]}
    env.pop("FORWARDED_ALLOW_IPS", None)  # the app's, about the ingress (test_operator_specs)
    assert env == {
        "CONTROL_PLANE_TOKEN_FILE": f"{TOKEN_DIR}/token",
        "VAULT_ADDR": "https://vault.consorcio.svc:8200",
        "VAULT_ROLE": "tenant-acme",
        "VAULT_TOKEN_FILE": "/var/run/secrets/vault/token",
        "VAULT_KV_MOUNT": "secret",
    }
    assert pod_spec["automountServiceAccountToken"] is False


def test_the_vault_role_only_accepts_tokens_for_vaults_audience() -> None:
    from tenant_operator.specs.vault_policy import kubernetes_role

    assert kubernetes_role("acme", VAULT_CONFIG.vault.token_audience)["audience"] == "vault"


def test_the_migration_job_gets_no_vault_token() -> None:
    spec = TenantSpec.from_dict({"displayName": "ACME", "cnpj": "11.222.333/0001-81", "plan": "starter"})
    t = TenantView("acme", spec, VAULT_CONFIG.workload)
    job = migration_job(t, version="2.0.0", schema_revision="r1")["spec"]["template"]["spec"]
    assert "vault-token" not in {v["name"] for v in job["volumes"]}
