"""Issue 15: the tenant's PIX webhook Ingress and the PSPs' CA bundle Secret as the real kube-apiserver
admits them, read back in the form the operator compares (no endless drift), beside the users' Ingress.

No ingress controller runs here: that ingress-nginx turns the auth-tls annotations into a TLS handshake
that refuses a client without a certificate signed by the bundle is only proven on a real cluster
(docs/deployment.md, "PIX webhook host").
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes import client
from tenant_operator import names
from tenant_operator.kube.compare import in_sync
from tenant_operator.specs import pix_webhook
from tenant_operator.specs.namespace import namespace
from tenant_operator.specs.tenant import TenantView
from tenant_operator.specs.workload import ingress

from consorcio_contract.names import PIX_WEBHOOK_PATH_PREFIX
from consorcio_contract.tenant_resource import TenantSpec
from tests.support.operator_harness import example_config

pytestmark = pytest.mark.k8s

PEM = "-----BEGIN CERTIFICATE-----\nMIIBpspk8s\n-----END CERTIFICATE-----\n"
DOMAIN = "pix.consorcio.example"


@pytest.fixture(scope="module")
def tenant(k8s_api_client, tmp_path_factory) -> Iterator[TenantView]:
    ca = Path(tmp_path_factory.mktemp("psp-ca")) / "ca.crt"
    ca.write_text(PEM)
    config = example_config(
        OPERATOR_PIX_WEBHOOK_DOMAIN=DOMAIN,
        OPERATOR_PIX_WEBHOOK_CA_FILE=str(ca),
        OPERATOR_INGRESS_CLASS="nginx",
    )
    spec = TenantSpec.from_dict({"displayName": "Pix", "cnpj": "11.222.333/0001-81", "plan": "starter"})
    t = TenantView(f"pix-{uuid.uuid4().hex[:6]}", spec, config.workload)
    core = client.CoreV1Api(k8s_api_client)
    core.create_namespace(namespace(t))
    yield t
    with contextlib.suppress(client.ApiException):
        core.delete_namespace(t.namespace)


def test_the_ca_secret_and_both_ingresses_are_admitted_and_read_back_in_sync(k8s_api_client, tenant) -> None:
    core, net = client.CoreV1Api(k8s_api_client), client.NetworkingV1Api(k8s_api_client)
    ns = tenant.namespace
    secret, webhook = pix_webhook.ca_secret(tenant), pix_webhook.ingress(tenant)
    assert secret is not None and webhook is not None
    users = ingress(tenant)
    applied = [
        (secret, core.create_namespaced_secret(ns, secret)),
        (users, net.create_namespaced_ingress(ns, users)),
        (webhook, net.create_namespaced_ingress(ns, webhook)),
    ]
    for desired, live in applied:
        assert in_sync(desired, k8s_api_client.sanitize_for_serialization(live)), desired["metadata"]["name"]

    live = k8s_api_client.sanitize_for_serialization(
        net.read_namespaced_ingress(names.PIX_WEBHOOK_INGRESS, ns)
    )
    (rule,) = live["spec"]["rules"]
    assert rule["host"] == f"{tenant.name}.{DOMAIN}"
    assert [p["path"] for p in rule["http"]["paths"]] == [PIX_WEBHOOK_PATH_PREFIX]
    annotations = live["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/auth-tls-verify-client"] == "on"
    # The Secret the annotation names exists, in the same namespace, under the key ingress-nginx reads.
    ca_ns, ca_name = annotations["nginx.ingress.kubernetes.io/auth-tls-secret"].split("/")
    assert ca_ns == ns
    assert "ca.crt" in (core.read_namespaced_secret(ca_name, ns).data or {})
    # Two hosts: the users' one never asks for a certificate.
    users_live = k8s_api_client.sanitize_for_serialization(net.read_namespaced_ingress(names.APP_INGRESS, ns))
    assert users_live["spec"]["rules"][0]["host"] != rule["host"]
    assert "nginx.ingress.kubernetes.io/auth-tls-verify-client" not in (
        users_live["metadata"].get("annotations") or {}
    )
