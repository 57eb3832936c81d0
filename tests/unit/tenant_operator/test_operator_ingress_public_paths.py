"""Issue 20 item 7: ``/metrics`` and ``/schema`` were public through the tenant Ingress
(one ``/`` Prefix rule). The Ingress now routes the users' paths only; matched here with
the Ingress API's path semantics (Exact: equal; Prefix: equal or followed by ``/``)."""

from __future__ import annotations

import pytest
from tenant_operator.config import OperatorConfig
from tenant_operator.specs.tenant import TenantView
from tenant_operator.specs.workload import PUBLIC_PREFIXES, app_deployment, ingress

from consorcio_contract.tenant_resource import TenantSpec
from tenant_app.app import create_app
from tenant_app.settings import Settings

pytestmark = pytest.mark.unit

#: Served by the app but never through the Ingress (scraped, probed or internal).
INTERNAL = {"/metrics", "/schema", "/health", "/ready"}


def _routed(paths: list[dict], path: str) -> bool:
    for rule in paths:
        p = rule["path"]
        if rule["pathType"] == "Exact" and path == p:
            return True
        if rule["pathType"] == "Prefix" and (path == p or path.startswith(p.rstrip("/") + "/")):
            return True
    return False


def _ingress_paths() -> list[dict]:
    config = OperatorConfig.from_env(
        {
            "OPERATOR_PG_ADMIN_DSN": "postgresql://postgres:pw@db:5432/postgres",
            "OPERATOR_REDIS_ADMIN_URL": "redis://op:pw@redis:6379/0",
        }
    )
    spec = TenantSpec.from_dict({"displayName": "A", "cnpj": "11222333000181", "plan": "starter"})
    rules = ingress(TenantView("acme", spec, config.workload))["spec"]["rules"]
    return list(rules[0]["http"]["paths"])


@pytest.mark.parametrize(
    "path", ["/metrics", "/schema", "/schema/openapi.json", "/health", "/ready", "/metricsx", "/apix"]
)
def test_metrics_schema_and_probes_are_not_routed_by_the_tenant_ingress(path: str) -> None:
    assert not _routed(_ingress_paths(), path)


@pytest.mark.parametrize(
    "path", ["/", "/api/auth/login", "/app/entrar", "/cliente", "/problemas/conta_bloqueada", "/publico/x"]
)
def test_the_users_paths_are_routed(path: str) -> None:
    assert _routed(_ingress_paths(), path)


def test_every_top_level_path_of_the_tenant_app_is_either_routed_or_internal() -> None:
    # A new feature prefix must be decided: routed (PUBLIC_PREFIXES) or kept internal.
    settings = Settings.from_env(
        {
            "TENANT_SLUG": "acme",
            "DATABASE_URL": "postgresql://u:p@db/acme",
            "REDIS_URL": "redis://u:p@redis/0",
            "REDIS_KEY_PREFIX": "tenant:acme:",
            "JWT_SECRET": "x" * 64,
        }
    )
    tops = {"/" + r.path.split("/")[1] for r in create_app(settings).routes} - {"/"}
    assert tops == set(PUBLIC_PREFIXES) | INTERNAL


def test_the_app_believes_x_forwarded_for_only_from_the_configured_proxies() -> None:
    # Behind the ingress every login came from the ingress's address (uvicorn trusts only
    # 127.0.0.1 by default): one shared per-address throttle for everybody.
    env = {
        "OPERATOR_PG_ADMIN_DSN": "postgresql://postgres:pw@db:5432/postgres",
        "OPERATOR_REDIS_ADMIN_URL": "redis://op:pw@redis:6379/0",
        "OPERATOR_APP_TRUSTED_PROXIES": "10.2.0.0/16",
    }
    config = OperatorConfig.from_env(env)
    spec = TenantSpec.from_dict({"displayName": "A", "cnpj": "11222333000181", "plan": "starter"})
    deployment = app_deployment(
        TenantView("acme", spec, config.workload),
        version="1",
        schema_revision="r",
        secret_hash="h",
        replicas=1,
    )
    (app,) = deployment["spec"]["template"]["spec"]["containers"]
    assert {"name": "FORWARDED_ALLOW_IPS", "value": "10.2.0.0/16"} in app["env"]
