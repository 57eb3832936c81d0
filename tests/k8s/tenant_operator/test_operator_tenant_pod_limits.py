"""The tenant namespace's disk bounds and Vault CA wiring as the real kube-apiserver takes them (issue 20).

The unit tests (tests/unit/tenant_operator/test_operator_ephemeral_storage.py, test_operator_vault_ca.py)
check the generated objects; here the API server admits them, reads them back in the form the
operator compares (no endless drift from quantity or volume defaults), and its LimitRanger and
ResourceQuota admission do what the objects promise: a container without resources gets the
ephemeral-storage default, one asking above the maximum is refused. No kubelet runs, so the
eviction of a pod whose /tmp outgrows its sizeLimit is only proven on a real cluster.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes import client
from tenant_operator.kube.compare import in_sync
from tenant_operator.specs import pod
from tenant_operator.specs.namespace import limit_range, namespace, resource_quota
from tenant_operator.specs.tenant import TenantView
from tenant_operator.specs.workload import app_deployment

from consorcio_contract.tenant_resource import TenantSpec
from tests.support.operator_harness import example_config

pytestmark = pytest.mark.k8s

PEM = "-----BEGIN CERTIFICATE-----\nMIIBk8s\n-----END CERTIFICATE-----\n"


@pytest.fixture(scope="module")
def tenant(k8s_api_client, tmp_path_factory) -> Iterator[TenantView]:
    ca = Path(tmp_path_factory.mktemp("vault-ca")) / "ca.crt"
    ca.write_text(PEM)
    config = example_config(
        OPERATOR_VAULT_ADDR="https://vault.consorcio-system.svc:8200",
        OPERATOR_VAULT_TOKEN="root",
        OPERATOR_VAULT_CA_FILE=str(ca),
    )
    spec = TenantSpec.from_dict({"displayName": "Disk", "cnpj": "11.222.333/0001-81", "plan": "starter"})
    t = TenantView(f"disk-{uuid.uuid4().hex[:6]}", spec, config.workload)
    core = client.CoreV1Api(k8s_api_client)
    core.create_namespace(namespace(t))
    yield t
    with contextlib.suppress(client.ApiException):
        core.delete_namespace(t.namespace)


def _live(api_client, obj) -> dict:
    return api_client.sanitize_for_serialization(obj)


@pytest.fixture(scope="module")
def applied(k8s_api_client, tenant) -> list[tuple[dict, dict]]:
    """(desired, live as the API server returned it): the quota, LimitRange, CA Secret, app Deployment."""
    core, apps = client.CoreV1Api(k8s_api_client), client.AppsV1Api(k8s_api_client)
    ns = tenant.namespace
    secret = pod.vault_ca_secret(tenant)
    assert secret is not None
    deployment = app_deployment(tenant, version="1.0.0", schema_revision="r1", secret_hash="h", replicas=1)
    quota, limits = resource_quota(tenant), limit_range(tenant)
    return [
        (quota, _live(k8s_api_client, core.create_namespaced_resource_quota(ns, quota))),
        (limits, _live(k8s_api_client, core.create_namespaced_limit_range(ns, limits))),
        (secret, _live(k8s_api_client, core.create_namespaced_secret(ns, secret))),
        (deployment, _live(k8s_api_client, apps.create_namespaced_deployment(ns, deployment))),
    ]


def test_quota_limit_range_ca_secret_and_deployment_are_admitted_and_read_back_in_sync(applied):
    for desired, live in applied:
        assert in_sync(desired, live), desired["kind"]
    live_quota, live_deployment = applied[0][1], applied[3][1]
    assert live_quota["spec"]["hard"]["limits.ephemeral-storage"] == "10Gi"  # 20 pods x 512Mi
    volumes = {v["name"]: v for v in live_deployment["spec"]["template"]["spec"]["volumes"]}
    assert volumes["tmp"]["emptyDir"]["sizeLimit"] == pod.TMP_SIZE_LIMIT


def _probe(name: str, resources: dict | None) -> dict:
    container = {
        "name": "probe",
        "image": "busybox",
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "runAsNonRoot": True,
            "runAsUser": 10001,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
    }
    if resources:
        container["resources"] = resources
    return {"metadata": {"name": name}, "spec": {"containers": [container]}}


def test_the_api_server_gives_a_bare_container_the_default_and_refuses_more_than_the_maximum(
    k8s_api_client, tenant, applied
):
    core = client.CoreV1Api(k8s_api_client)
    ns = tenant.namespace
    bare = core.create_namespaced_pod(ns, _probe("bare", None), dry_run="All")
    res = bare.spec.containers[0].resources
    assert res.limits["ephemeral-storage"] == pod.EPHEMERAL_STORAGE_LIMIT
    assert res.requests["ephemeral-storage"] == pod.EPHEMERAL_STORAGE_REQUEST
    with pytest.raises(client.ApiException) as err:
        core.create_namespaced_pod(
            ns,
            _probe("greedy", {"limits": {"cpu": "100m", "memory": "64Mi", "ephemeral-storage": "50Gi"}}),
            dry_run="All",
        )
    assert err.value.status == 403 and "ephemeral-storage" in err.value.body
