"""The operator's tenant pod spec on the real API server: the pods get the projected
control-plane token and no API-server token, and a token the kubelet would write
for such a pod (bound to it, audience ``consorcio-control-plane``) opens the
control plane for its own tenant only.

kwok runs no kubelet, so the token is requested the way the kubelet requests it:
TokenRequest for the pod's ServiceAccount, bound to the pod, with the audience
and expiry from the pod's projected volume.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from control_plane.auth.roles import Role
from kubernetes import client as k8s
from tenant_operator.kube.compare import in_sync
from tenant_operator.specs.tenant import TenantView
from tenant_operator.specs.workload import app_deployment, service_account

from consorcio_contract.tenant_resource import TenantSpec
from tests.support.operator_harness import example_config

pytestmark = pytest.mark.k8s

CONFIG = example_config()


def _raw(response) -> dict:
    return json.loads(response.data)


def _wait_for_pod(core: k8s.CoreV1Api, namespace: str, selector: str) -> dict:
    deadline = time.monotonic() + 60
    while True:
        pods = _raw(core.list_namespaced_pod(namespace, label_selector=selector, _preload_content=False))
        if pods["items"]:
            return pods["items"][0]
        assert time.monotonic() < deadline, "the Deployment never made a pod"
        time.sleep(0.3)


def _token_as_the_kubelet_would(core: k8s.CoreV1Api, pod: dict) -> str:
    spec = pod["spec"]
    source = next(v for v in spec["volumes"] if v["name"] == "control-plane-token")["projected"]["sources"][0]
    sat = source["serviceAccountToken"]
    request = {
        "spec": {
            "audiences": [sat["audience"]],
            "expirationSeconds": sat["expirationSeconds"],
            "boundObjectRef": {
                "apiVersion": "v1",
                "kind": "Pod",
                "name": pod["metadata"]["name"],
                "uid": pod["metadata"]["uid"],
            },
        }
    }
    response = core.create_namespaced_service_account_token(
        spec["serviceAccountName"], pod["metadata"]["namespace"], request
    )
    return str(response.status.token)


async def test_tenant_pods_carry_only_the_control_plane_token(
    cp_client, auth, tenant_slugs, service_accounts, cnpj, k8s_api_client, problem
) -> None:
    admin = auth[Role.PLATFORM_ADMIN]
    slugs = {}
    for name in ("a", "b"):
        slugs[name] = tenant_slugs()
        body = {
            "slug": slugs[name],
            "displayName": f"Administradora {name.upper()}",
            "cnpj": cnpj(),
            "plan": "starter",
            "billingContact": {"name": "Financeiro", "email": "fin@example.com"},
        }
        assert (await cp_client.post("/api/tenants", json=body, headers=admin)).status_code == 201
    spec = TenantSpec.from_dict({"displayName": "A", "cnpj": "11.222.333/0001-81", "plan": "starter"})
    t = TenantView(slugs["a"], spec, CONFIG.workload)
    app = service_accounts(slugs["a"])  # namespace tenant-<a> with its tenant-app account
    core, apps = k8s.CoreV1Api(k8s_api_client), k8s.AppsV1Api(k8s_api_client)
    core.patch_namespaced_service_account(app.account, app.namespace, service_account(t))

    desired = app_deployment(t, version="2.0.0", schema_revision="r1", secret_hash="h", replicas=1)
    apps.create_namespaced_deployment(app.namespace, desired)
    live = _raw(
        apps.read_namespaced_deployment(desired["metadata"]["name"], app.namespace, _preload_content=False)
    )
    # After the API server's defaulting the operator sees no drift (no endless repair).
    assert in_sync(desired, live)

    selector = ",".join(f"{k}={v}" for k, v in desired["spec"]["selector"]["matchLabels"].items())
    pod = _wait_for_pod(core, app.namespace, selector)
    volumes = pod["spec"]["volumes"]
    # The ServiceAccount admission plugin added no kube-api-access-* volume.
    assert [v["name"] for v in volumes] == ["tmp", "control-plane-token"]
    assert pod["spec"]["automountServiceAccountToken"] is False
    (container,) = pod["spec"]["containers"]
    assert {m["mountPath"] for m in container["volumeMounts"]} == {
        "/tmp",
        "/var/run/secrets/consorcio.io/control-plane",
    }

    token = _token_as_the_kubelet_would(core, pod)
    headers = {"Authorization": f"Bearer {token}"}
    own = await cp_client.get(f"/api/tenant-app/tenants/{slugs['a']}/flag-snapshot", headers=headers)
    assert own.status_code == 200, own.text
    problem(await cp_client.get(f"/api/tenant-app/tenants/{slugs['b']}/flag-snapshot", headers=headers), 403)

    # The token is bound to the pod: once the pod is gone, so is the access.
    core.delete_namespaced_pod(pod["metadata"]["name"], app.namespace, grace_period_seconds=0)
    deadline = time.monotonic() + 30
    path = f"/api/tenant-app/tenants/{slugs['a']}/flag-snapshot"
    while (response := await cp_client.get(path, headers=headers)).status_code == 200:
        assert time.monotonic() < deadline, "a token bound to a deleted pod is still accepted"
        await asyncio.sleep(0.5)
    problem(response, 401)
