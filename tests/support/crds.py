"""Install the operator chart's CRDs into the devstack API server (k8s and e2e tests)."""

from __future__ import annotations

import time
from pathlib import Path

import yaml
from kubernetes import client as k8s

CRD_DIR = Path(__file__).resolve().parents[2] / "charts" / "consorcio-operator" / "crds"


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
