"""Issue 15: mTLS at the ingress for the PSPs' PIX webhook.

ingress-nginx verifies a client certificate in the TLS handshake, per host: the users' host
cannot demand one. With ``OPERATOR_PIX_WEBHOOK_DOMAIN`` each tenant gets a second Ingress for
``<name>.<webhook domain>`` routing only the webhook prefix, with ingress-nginx's auth-tls
annotations naming a copy of the PSPs' CA bundle in the tenant namespace, and the app learns the
host (``PIX_WEBHOOK_BASE_URL``) to register it at the PSP. Off by default: nothing changes.
The handshake itself is only proven on a cluster running ingress-nginx.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest
from tenant_operator import names, stopping
from tenant_operator.config import ConfigError, OperatorConfig
from tenant_operator.credentials import TenantCredentials
from tenant_operator.runtime import Runtime
from tenant_operator.specs import pix_webhook
from tenant_operator.specs.app_secret import app_env
from tenant_operator.specs.tenant import TenantView

from consorcio_contract.names import PIX_WEBHOOK_BASE_URL_ENV, PIX_WEBHOOK_PATH_PREFIX
from consorcio_contract.tenant_resource import TenantSpec
from tests.unit.tenant_operator.test_operator_reconciler import (
    CONFIG_ENV,
    FakeKube,
    FakePostgres,
    FakeRedis,
    FakeVault,
    Tenant,
    ns_path,
)

pytestmark = pytest.mark.unit
log = logging.getLogger(__name__)

PEM = "-----BEGIN CERTIFICATE-----\nMIIBpsp\n-----END CERTIFICATE-----\n"
DOMAIN = "pix.tenants.example.com.br"
SPEC = TenantSpec.from_dict({"displayName": "ACME", "cnpj": "11.222.333/0001-81", "plan": "starter"})
NGINX = "nginx.ingress.kubernetes.io"


@pytest.fixture
def ca_file(tmp_path: Path) -> Path:
    path = tmp_path / "psp-ca.crt"
    path.write_text(PEM)
    return path


def _config(**env: str) -> OperatorConfig:
    return OperatorConfig.from_env({**CONFIG_ENV, "OPERATOR_BASE_DOMAIN": "tenants.example.com.br", **env})


def _on(ca_file: Path, **env: str) -> OperatorConfig:
    return _config(OPERATOR_PIX_WEBHOOK_DOMAIN=DOMAIN, OPERATOR_PIX_WEBHOOK_CA_FILE=str(ca_file), **env)


def _view(config: OperatorConfig, spec: TenantSpec = SPEC) -> TenantView:
    return TenantView("acme", spec, config.workload)


def _routed(ingress: dict, path: str) -> bool:
    """Ingress API path semantics (Prefix: equal, or followed by ``/``)."""
    for rule in ingress["spec"]["rules"][0]["http"]["paths"]:
        p = rule["path"]
        if rule["pathType"] == "Exact" and path == p:
            return True
        if rule["pathType"] == "Prefix" and (path == p or path.startswith(p.rstrip("/") + "/")):
            return True
    return False


# --- configuration -------------------------------------------------------------------


def test_off_by_default_no_objects_and_no_variable() -> None:
    t = _view(_config())
    assert not t.workload.pix_webhook.enabled
    assert pix_webhook.objects(t) == []
    env = app_env(t, TenantCredentials("a", "b", "c"), _config())
    assert PIX_WEBHOOK_BASE_URL_ENV not in env


def test_configured(ca_file: Path) -> None:
    hook = _on(ca_file, OPERATOR_PIX_WEBHOOK_VERIFY_DEPTH="3").workload.pix_webhook
    assert (hook.domain, hook.ca_pem, hook.verify_depth) == (DOMAIN, PEM, 3)
    assert _on(ca_file).workload.pix_webhook.verify_depth == 2


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OPERATOR_PIX_WEBHOOK_CA_FILE": None}, "OPERATOR_PIX_WEBHOOK_CA_FILE .* is required"),
        ({"OPERATOR_PIX_WEBHOOK_DOMAIN": "tenants.example.com.br"}, "must differ from OPERATOR_BASE_DOMAIN"),
        ({"OPERATOR_PIX_WEBHOOK_DOMAIN": "pix_hooks.example.com"}, "must be a DNS name"),
        ({"OPERATOR_PIX_WEBHOOK_DOMAIN": "localhost"}, "must be a DNS name"),
        ({"OPERATOR_PIX_WEBHOOK_VERIFY_DEPTH": "0"}, "between 1 and 10"),
        ({"OPERATOR_PIX_WEBHOOK_VERIFY_DEPTH": "two"}, "must be an integer"),
    ],
)
def test_bad_configuration_stops_the_operator_at_startup(
    ca_file: Path, env: dict[str, str | None], message: str
) -> None:
    merged = {"OPERATOR_PIX_WEBHOOK_DOMAIN": DOMAIN, "OPERATOR_PIX_WEBHOOK_CA_FILE": str(ca_file), **env}
    with pytest.raises(ConfigError, match=message):
        _config(**{k: v for k, v in merged.items() if v is not None})


def test_a_ca_file_without_a_certificate_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("nothing here")
    with pytest.raises(ConfigError, match="no PEM certificate"):
        _config(OPERATOR_PIX_WEBHOOK_DOMAIN=DOMAIN, OPERATOR_PIX_WEBHOOK_CA_FILE=str(junk))


# --- the objects -----------------------------------------------------------------------


def test_the_webhook_ingress_serves_only_the_webhook_on_its_own_host_with_client_certificates(
    ca_file: Path,
) -> None:
    t = _view(_on(ca_file, OPERATOR_INGRESS_CLASS="nginx"))
    ing = pix_webhook.ingress(t)
    assert ing is not None
    assert ing["metadata"]["name"] == names.PIX_WEBHOOK_INGRESS == "tenant-app-pix-webhook"
    assert ing["metadata"]["namespace"] == "tenant-acme"
    assert ing["metadata"]["labels"][names.TENANT_LABEL] == "acme"  # watched for drift like the others
    (rule,) = ing["spec"]["rules"]
    assert rule["host"] == f"acme.{DOMAIN}"
    assert rule["http"]["paths"] == [
        {
            "path": PIX_WEBHOOK_PATH_PREFIX,
            "pathType": "Prefix",
            "backend": {"service": {"name": names.APP_SERVICE, "port": {"name": "http"}}},
        }
    ]
    assert ing["spec"]["tls"] == [{"hosts": [f"acme.{DOMAIN}"], "secretName": "tenant-pix-webhook-tls"}]
    assert ing["spec"]["ingressClassName"] == "nginx"
    assert ing["metadata"]["annotations"] == {
        f"{NGINX}/auth-tls-verify-client": "on",
        f"{NGINX}/auth-tls-secret": "tenant-acme/tenant-pix-webhook-ca",
        f"{NGINX}/auth-tls-verify-depth": "2",
        f"{NGINX}/auth-tls-pass-certificate-to-upstream": "false",
    }


@pytest.mark.parametrize(
    ("path", "routed"),
    [
        (f"{PIX_WEBHOOK_PATH_PREFIX}/8d1e0c52-6f0e-4c43-9b7e-0c1a5d1e2f3a/segredo/pix", True),
        ("/api/auth/login", False),
        ("/api/cobranca/contas", False),
        ("/app/entrar", False),
        ("/", False),
        ("/metrics", False),
        (f"{PIX_WEBHOOK_PATH_PREFIX}x", False),
    ],
)
def test_nothing_but_the_webhook_is_reachable_on_the_webhook_host(
    ca_file: Path, path: str, routed: bool
) -> None:
    ing = pix_webhook.ingress(_view(_on(ca_file)))
    assert ing is not None
    assert _routed(ing, path) is routed


def test_the_ca_secret_is_the_bundle_under_the_key_ingress_nginx_reads(ca_file: Path) -> None:
    secret = pix_webhook.ca_secret(_view(_on(ca_file)))
    assert secret is not None
    assert (secret["metadata"]["name"], secret["metadata"]["namespace"]) == (
        "tenant-pix-webhook-ca",
        "tenant-acme",
    )
    assert base64.b64decode(secret["data"]["ca.crt"]).decode() == PEM
    # The Ingress names exactly this Secret, in the tenant's own namespace.
    ing = pix_webhook.ingress(_view(_on(ca_file)))
    assert ing is not None
    ns, name = ing["metadata"]["annotations"][f"{NGINX}/auth-tls-secret"].split("/")
    assert (ns, name) == (secret["metadata"]["namespace"], secret["metadata"]["name"])


def test_a_custom_spec_host_keeps_the_webhook_host_by_name(ca_file: Path) -> None:
    spec = TenantSpec.from_dict(
        {"displayName": "ACME", "cnpj": "11.222.333/0001-81", "plan": "starter", "host": "portal.acme.com.br"}
    )
    t = _view(_on(ca_file), spec)
    assert t.host == "portal.acme.com.br"
    assert pix_webhook.webhook_host(t) == f"acme.{DOMAIN}"


def test_the_app_is_told_the_webhook_host(ca_file: Path) -> None:
    config = _on(ca_file)
    env = app_env(_view(config), TenantCredentials("a", "b", "c"), config)
    assert env[PIX_WEBHOOK_BASE_URL_ENV] == f"https://acme.{DOMAIN}"
    assert env["APP_BASE_URL"] == "https://acme.tenants.example.com.br"  # the users' host is unchanged


def test_the_webhook_prefix_is_the_apps_route() -> None:
    from tenant_app.cobranca.webhook_psp import CAMINHO_WEBHOOK

    assert CAMINHO_WEBHOOK == PIX_WEBHOOK_PATH_PREFIX


# --- reconcile, drift, conflict, stop --------------------------------------------------


def _runtime(config: OperatorConfig) -> Runtime:
    return Runtime(
        config=config, kube=FakeKube(), postgres=FakePostgres(), redis=FakeRedis(), vault=FakeVault()
    )  # type: ignore[arg-type]


async def test_a_pass_creates_the_ca_secret_and_the_webhook_ingress_and_repairs_them(ca_file: Path) -> None:
    runtime = _runtime(_on(ca_file))
    t = Tenant()
    result = await t.reconcile(runtime, "create")
    assert result.failure is None
    objects = runtime.kube.objects  # type: ignore[attr-defined]
    ing = objects[ns_path("Ingress", names.PIX_WEBHOOK_INGRESS)]
    assert ing["spec"]["rules"][0]["host"] == f"acme.{DOMAIN}"
    assert (
        base64.b64decode(objects[ns_path("Secret", names.PIX_WEBHOOK_CA_SECRET)]["data"]["ca.crt"]).decode()
        == PEM
    )
    # Drift: a deleted webhook Ingress and an edited annotation come back on the next pass.
    del objects[ns_path("Ingress", names.PIX_WEBHOOK_INGRESS)]
    objects[ns_path("Secret", names.PIX_WEBHOOK_CA_SECRET)]["data"]["ca.crt"] = base64.b64encode(
        b"x"
    ).decode()
    result = await t.reconcile(runtime, "timer")
    assert ns_path("Ingress", names.PIX_WEBHOOK_INGRESS) in objects
    assert (
        base64.b64decode(objects[ns_path("Secret", names.PIX_WEBHOOK_CA_SECRET)]["data"]["ca.crt"]).decode()
        == PEM
    )
    (repair,) = [e for e in result.events if e[1] == "DriftRepaired"]
    assert (
        "tenant-acme/tenant-app-pix-webhook" in repair[2] and "tenant-acme/tenant-pix-webhook-ca" in repair[2]
    )


async def test_off_a_pass_creates_no_webhook_objects() -> None:
    runtime = _runtime(_config())
    result = await Tenant().reconcile(runtime, "create")
    assert result.failure is None
    objects = runtime.kube.objects  # type: ignore[attr-defined]
    assert ns_path("Ingress", names.PIX_WEBHOOK_INGRESS) not in objects
    assert ns_path("Secret", names.PIX_WEBHOOK_CA_SECRET) not in objects


async def test_a_spec_host_inside_the_webhook_domain_is_a_host_conflict(ca_file: Path) -> None:
    runtime = _runtime(_on(ca_file))
    t = Tenant(host=f"other.{DOMAIN}")  # another tenant's webhook host
    await t.reconcile(runtime, "create")
    available = t.condition("AppAvailable")
    assert (available["status"], available["reason"]) == ("False", "HostConflict")
    assert DOMAIN in available["message"]
    assert ns_path("Ingress", names.APP_INGRESS) not in runtime.kube.objects  # type: ignore[attr-defined]


async def test_stopping_a_tenant_deletes_the_webhook_ingress_too(ca_file: Path) -> None:
    runtime = _runtime(_on(ca_file))
    await Tenant().reconcile(runtime, "create")
    summary = await stopping.stop_tenant(runtime, "acme")
    assert "webhook Ingress deleted" in summary
    assert ns_path("Ingress", names.PIX_WEBHOOK_INGRESS) not in runtime.kube.objects  # type: ignore[attr-defined]
