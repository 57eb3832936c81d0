"""aws-irsa: the tenant's ServiceAccount with its IAM role annotation as the real kube-apiserver
takes it (issue 17). The API server stores it as built (the operator's comparison sees no endless
drift), a ServiceAccount without the annotation (admin-api, or edited by hand) is seen as drift and
repaired. EKS's pod identity webhook, which reads the annotation, runs only on EKS."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import pytest
from kubernetes import client
from tenant_operator.kube.compare import in_sync
from tenant_operator.specs.namespace import namespace
from tenant_operator.specs.tenant import TenantView
from tenant_operator.specs.workload import IRSA_ROLE_ANNOTATION, service_account

from consorcio_contract.tenant_resource import TenantSpec
from tests.support.operator_harness import example_config

pytestmark = pytest.mark.k8s

IRSA = {
    "OPERATOR_S3_MODE": "aws-irsa",
    "OPERATOR_S3_SHARED_BUCKET": "consorcio-prod-tenant-objects",
    "OPERATOR_S3_TENANT_ROLE_ARN_TEMPLATE": "arn:aws:iam::123456789012:role/consorcio-prod-tenant-{tenant}",
}


@pytest.fixture()
def tenant(k8s_api_client) -> Iterator[tuple[TenantView, str]]:
    config = example_config(**IRSA)
    spec = TenantSpec.from_dict({"displayName": "Irsa", "cnpj": "11.222.333/0001-81", "plan": "starter"})
    t = TenantView(f"irsa-{uuid.uuid4().hex[:6]}", spec, config.workload)
    core = client.CoreV1Api(k8s_api_client)
    core.create_namespace(namespace(t))
    yield t, config.s3.tenant_role_arn(t.name)
    with contextlib.suppress(client.ApiException):
        core.delete_namespace(t.namespace)


def test_the_annotated_service_account_round_trips_and_its_absence_is_drift(k8s_api_client, tenant) -> None:
    t, role = tenant
    core = client.CoreV1Api(k8s_api_client)
    desired = service_account(t, role_arn=role)
    core.create_namespaced_service_account(t.namespace, desired)
    live = k8s_api_client.sanitize_for_serialization(
        core.read_namespaced_service_account(desired["metadata"]["name"], t.namespace)
    )
    assert live["metadata"]["annotations"][IRSA_ROLE_ANNOTATION] == (
        f"arn:aws:iam::123456789012:role/consorcio-prod-tenant-{t.name}"
    )
    assert live["automountServiceAccountToken"] is False
    assert in_sync(desired, live)

    # Someone removes the annotation: the next pass sees drift and applies it again.
    core.patch_namespaced_service_account(
        desired["metadata"]["name"], t.namespace, {"metadata": {"annotations": {IRSA_ROLE_ANNOTATION: None}}}
    )
    live = k8s_api_client.sanitize_for_serialization(
        core.read_namespaced_service_account(desired["metadata"]["name"], t.namespace)
    )
    assert IRSA_ROLE_ANNOTATION not in (live["metadata"].get("annotations") or {})
    assert not in_sync(desired, live)
