"""Deletion protection is enforced by the real kube-apiserver (the chart's ValidatingAdmissionPolicy),
whoever deletes: the Kubernetes client, kubectl, a label-selected `kubectl delete`. No operator runs:
what is tested is admission alone."""

from __future__ import annotations

import json
import subprocess
import uuid

import pytest
from kubernetes import client

from consorcio_contract import crd_identity
from devstack.binaries import binary_path
from tests.support.crds import wait_until_protection_enforced
from tests.support.operator_harness import apply_crd

pytestmark = pytest.mark.k8s

GVP = (crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL)
# Labelled for an operator instance that never runs: no operator touches these.
INSTANCE = f"protection-{uuid.uuid4().hex[:6]}"
# Stands in for the operator's finalizer, so a deletion stays pending (Terminating).
HOLD = "tests.consorcio.io/hold"


def body(name: str, **spec) -> dict:
    return {
        "apiVersion": crd_identity.API_VERSION,
        "kind": crd_identity.KIND,
        "metadata": {"name": name, "labels": {"consorcio.io/operator-instance": INSTANCE}},
        "spec": {"displayName": "ACME", "cnpj": "11.222.333/0001-81", "plan": "starter", **spec},
    }


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="module")
def custom(kubeconfig, k8s_api_client):
    apply_crd(kubeconfig, str(binary_path("kubectl")))
    wait_until_protection_enforced(k8s_api_client)
    api = client.CustomObjectsApi(k8s_api_client)
    yield api
    for item in api.list_cluster_custom_object(
        *GVP, label_selector=f"consorcio.io/operator-instance={INSTANCE}"
    )["items"]:
        name = item["metadata"]["name"]
        api.patch_cluster_custom_object(
            *GVP, name, {"metadata": {"finalizers": None}, "spec": {"deletionProtection": False}}
        )
        try:
            api.delete_cluster_custom_object(*GVP, name)
        except client.ApiException as err:
            if err.status != 404:
                raise


def kubectl(kubeconfig, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(binary_path("kubectl")), f"--kubeconfig={kubeconfig}", *args], capture_output=True, text=True
    )


def exists(custom, name: str) -> bool:
    try:
        custom.get_cluster_custom_object(*GVP, name)
    except client.ApiException as err:
        if err.status == 404:
            return False
        raise
    return True


def test_a_protected_tenant_cannot_be_deleted_by_the_client_and_the_message_says_how(custom):
    name = unique("prot")
    custom.create_cluster_custom_object(*GVP, body(name, deletionProtection=True))
    with pytest.raises(client.ApiException) as err:
        custom.delete_cluster_custom_object(*GVP, name)
    assert err.value.status == 403
    message = json.loads(err.value.body)["message"]
    assert f"ConsorcioTenant {name} is protected (spec.deletionProtection: true)" in message
    assert '{"spec":{"deletionProtection":false}}' in message
    assert exists(custom, name)


def test_kubectl_delete_by_name_and_by_label_is_refused_too(custom, kubeconfig):
    name = unique("kctl")
    custom.create_cluster_custom_object(*GVP, body(name, deletionProtection=True))
    by_name = kubectl(kubeconfig, "delete", "consorciotenant", name, "--wait=false")
    assert by_name.returncode != 0 and "is protected" in by_name.stderr
    by_label = kubectl(
        kubeconfig, "delete", "ctn", "-l", f"consorcio.io/operator-instance={INSTANCE}", "--wait=false"
    )
    assert by_label.returncode != 0 and "is protected" in by_label.stderr
    assert exists(custom, name)


def test_switching_protection_off_is_a_separate_call_after_which_delete_works(custom):
    name = unique("off")
    custom.create_cluster_custom_object(*GVP, body(name, deletionProtection=True))
    custom.patch_cluster_custom_object(*GVP, name, {"spec": {"deletionProtection": False}})
    custom.delete_cluster_custom_object(*GVP, name)
    assert not exists(custom, name)


def test_unprotected_is_the_crd_default_for_resources_applied_directly(custom):
    name = unique("dflt")
    obj = custom.create_cluster_custom_object(*GVP, body(name))
    assert obj["spec"]["deletionProtection"] is False
    assert obj["spec"]["deletionGracePeriodDays"] == 7
    custom.delete_cluster_custom_object(*GVP, name)
    assert not exists(custom, name)


def test_the_grace_period_cannot_be_lowered_once_deletion_was_requested(custom):
    name = unique("grace")
    obj = body(name, deletionPolicy="Delete", deletionGracePeriodDays=7)
    obj["metadata"]["finalizers"] = [HOLD]
    custom.create_cluster_custom_object(*GVP, obj)
    # Before deletion the owner may change it freely.
    custom.patch_cluster_custom_object(*GVP, name, {"spec": {"deletionGracePeriodDays": 3}})
    custom.delete_cluster_custom_object(*GVP, name)
    with pytest.raises(client.ApiException) as err:
        custom.patch_cluster_custom_object(*GVP, name, {"spec": {"deletionGracePeriodDays": 0}})
    assert err.value.status == 422
    assert "cannot be lowered" in json.loads(err.value.body)["message"]
    # Lengthening it, or cancelling the destruction, is allowed.
    custom.patch_cluster_custom_object(*GVP, name, {"spec": {"deletionGracePeriodDays": 10}})
    patched = custom.patch_cluster_custom_object(*GVP, name, {"spec": {"deletionPolicy": "Retain"}})
    assert patched["spec"]["deletionPolicy"] == "Retain" and patched["metadata"]["deletionTimestamp"]
    # The holder of the finalizer (the operator) can still release it.
    custom.patch_cluster_custom_object(*GVP, name, {"metadata": {"finalizers": None}})
    assert not exists(custom, name)


def test_grace_period_bounds_are_checked_at_admission(custom):
    for bad in (-1, 91):
        with pytest.raises(client.ApiException) as err:
            custom.create_cluster_custom_object(*GVP, body(unique("bound"), deletionGracePeriodDays=bad))
        assert err.value.status == 422
