"""Install the operator chart's CRDs, and the deletion-protection admission policy that
goes with them, into the devstack API server (k8s and e2e tests)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import yaml
from kubernetes import client as k8s

CHART_DIR = Path(__file__).resolve().parents[2] / "charts" / "consorcio-operator"
CRD_DIR = CHART_DIR / "crds"
#: The ValidatingAdmissionPolicy + binding the chart installs (templates/deletion-protection.yaml).
ADMISSION_POLICY_FILE = CHART_DIR / "files" / "deletion-protection.yaml"


def install_crds(api_client: k8s.ApiClient) -> None:
    """Create or update every CRD in the operator chart and wait until established."""
    ext = k8s.ApiextensionsV1Api(api_client)
    files = sorted(CRD_DIR.glob("*.yaml"))
    assert files, f"no CRD in {CRD_DIR}"
    names = []
    for path in files:
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc:
                continue
            name = doc["metadata"]["name"]
            names.append(name)
            try:
                ext.create_custom_resource_definition(doc)
            except k8s.ApiException as err:
                if err.status != 409:
                    raise
                current = ext.read_custom_resource_definition(name)
                doc["metadata"]["resourceVersion"] = current.metadata.resource_version
                ext.replace_custom_resource_definition(name, doc)
    deadline = time.monotonic() + 30
    for name in names:
        while True:
            crd = ext.read_custom_resource_definition(name)
            conditions = {c.type: c.status for c in (crd.status.conditions or [])}
            if conditions.get("Established") == "True":
                break
            assert time.monotonic() < deadline, f"CRD {name} never established"
            time.sleep(0.2)
    install_admission_policies(api_client)


def install_admission_policies(api_client: k8s.ApiClient) -> None:
    """Create or replace the chart's ValidatingAdmissionPolicy and its binding."""
    adm = k8s.AdmissionregistrationV1Api(api_client)
    for doc in yaml.safe_load_all(ADMISSION_POLICY_FILE.read_text()):
        if not doc:
            continue
        name = doc["metadata"]["name"]
        if doc["kind"] == "ValidatingAdmissionPolicy":
            create, read, replace = (
                adm.create_validating_admission_policy,
                adm.read_validating_admission_policy,
                adm.replace_validating_admission_policy,
            )
        else:
            create, read, replace = (
                adm.create_validating_admission_policy_binding,
                adm.read_validating_admission_policy_binding,
                adm.replace_validating_admission_policy_binding,
            )
        try:
            create(doc)
        except k8s.ApiException as err:
            if err.status != 409:
                raise
            doc["metadata"]["resourceVersion"] = read(name).metadata.resource_version
            replace(name, doc)
    wait_until_protection_enforced(api_client)


def wait_until_protection_enforced(api_client: k8s.ApiClient, timeout: float = 30) -> None:
    """A new policy takes a moment to be enforced: wait until a protected probe's deletion is refused."""
    from consorcio_contract import crd_identity

    gvp = (crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL)
    custom = k8s.CustomObjectsApi(api_client)
    probe = f"protection-probe-{uuid.uuid4().hex[:6]}"
    body = {
        "apiVersion": crd_identity.API_VERSION,
        "kind": crd_identity.KIND,
        # Labelled for an operator instance that never runs.
        "metadata": {"name": probe, "labels": {"consorcio.io/operator-instance": "protection-probe"}},
        "spec": {
            "displayName": "probe",
            "cnpj": "11.222.333/0001-81",
            "plan": "starter",
            "deletionProtection": True,
        },
    }
    deadline = time.monotonic() + timeout
    custom.create_cluster_custom_object(*gvp, body)
    while True:
        try:
            custom.delete_cluster_custom_object(*gvp, probe)
        except k8s.ApiException as err:
            assert err.status == 403, err.body
            break
        assert time.monotonic() < deadline, "the deletion-protection policy was never enforced"
        time.sleep(0.5)
        custom.create_cluster_custom_object(*gvp, body)
    custom.patch_cluster_custom_object(*gvp, probe, {"spec": {"deletionProtection": False}})
    custom.delete_cluster_custom_object(*gvp, probe)
