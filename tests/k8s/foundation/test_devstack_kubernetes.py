"""The devstack control plane behaves like a cluster: the real controllers run
Deployments and Jobs on the kwok node, and authentication and RBAC are real."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from kubernetes import client

from devstack.config import StackConfig
from devstack.kubernetes import write_kubeconfig

pytestmark = pytest.mark.k8s


def wait_for(check: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _pod_template(name: str, restart: str = "Always") -> dict:
    return {
        "metadata": {"labels": {"app": name}},
        "spec": {
            "restartPolicy": restart,
            "containers": [{"name": "main", "image": "registry.invalid/never-pulled:1"}],
        },
    }


def test_deployment_becomes_available(k8s_api_client, make_namespace) -> None:
    ns = make_namespace("deploy")
    apps = client.AppsV1Api(k8s_api_client)
    apps.create_namespaced_deployment(
        ns,
        {
            "metadata": {"name": "web"},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"app": "web"}},
                "template": _pod_template("web"),
            },
        },
    )

    def available() -> bool:
        status = apps.read_namespaced_deployment_status("web", ns).status
        return any(c.type == "Available" and c.status == "True" for c in status.conditions or [])

    wait_for(available, "Deployment web Available")
    pods = client.CoreV1Api(k8s_api_client).list_namespaced_pod(ns, label_selector="app=web").items
    assert [p.spec.node_name for p in pods] == ["kwok-node-0"]  # bound by the real scheduler


def test_job_completes(k8s_api_client, make_namespace) -> None:
    ns = make_namespace("job")
    batch = client.BatchV1Api(k8s_api_client)
    batch.create_namespaced_job(
        ns,
        {
            "metadata": {"name": "once"},
            "spec": {"backoffLimit": 0, "template": _pod_template("once", "Never")},
        },
    )

    def complete() -> bool:
        conditions = batch.read_namespaced_job_status("once", ns).status.conditions or []
        return any(c.type == "Complete" and c.status == "True" for c in conditions)

    wait_for(complete, "Job once Complete")


def _token_for(core: client.CoreV1Api, ns: str, sa: str, audiences: list[str] | None = None) -> str:
    body: dict = {"spec": {"expirationSeconds": 600}}
    if audiences:
        body["spec"]["audiences"] = audiences
    return core.create_namespaced_service_account_token(sa, ns, body).status.token


def _client_with_token(devstack_cfg: StackConfig, token: str, tmp_path) -> client.ApiClient:
    from kubernetes import config

    path = tmp_path / "sa.kubeconfig"
    write_kubeconfig(path, devstack_cfg.apiserver_url, devstack_cfg.kube_dir / "pki" / "ca.crt", token, "sa")
    return config.new_client_from_config(str(path))


def test_rbac_denies_a_bare_service_account_and_token_request_authenticates(
    k8s_api_client, make_namespace, devstack_cfg: StackConfig, tmp_path
) -> None:
    ns = make_namespace("rbac")
    core = client.CoreV1Api(k8s_api_client)
    core.create_namespaced_service_account(ns, {"metadata": {"name": "nobody"}})
    token = _token_for(core, ns, "nobody")

    as_sa = client.CoreV1Api(_client_with_token(devstack_cfg, token, tmp_path))
    with pytest.raises(client.ApiException) as denied:
        as_sa.list_namespaced_secret(ns)
    assert denied.value.status == 403
    assert f"system:serviceaccount:{ns}:nobody" in denied.value.body  # authenticated, then refused
    assert core.list_namespaced_secret(ns) is not None  # the admin may

    # Grant exactly one verb and the same token now succeeds for it only.
    rbac = client.RbacAuthorizationV1Api(k8s_api_client)
    rbac.create_namespaced_role(
        ns,
        {
            "metadata": {"name": "read-cm"},
            "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["list"]}],
        },
    )
    rbac.create_namespaced_role_binding(
        ns,
        {
            "metadata": {"name": "read-cm"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "read-cm"},
            "subjects": [{"kind": "ServiceAccount", "name": "nobody", "namespace": ns}],
        },
    )
    wait_for(lambda: _can_list_configmaps(as_sa, ns), "RBAC grant to take effect", 10)
    with pytest.raises(client.ApiException) as still_denied:
        as_sa.list_namespaced_secret(ns)
    assert still_denied.value.status == 403


def _can_list_configmaps(api: client.CoreV1Api, ns: str) -> bool:
    try:
        api.list_namespaced_config_map(ns)
        return True
    except client.ApiException as err:
        if err.status == 403:
            return False
        raise


def test_token_review_validates_tokens(k8s_api_client, make_namespace) -> None:
    ns = make_namespace("review")
    core = client.CoreV1Api(k8s_api_client)
    core.create_namespaced_service_account(ns, {"metadata": {"name": "app"}})
    token = _token_for(core, ns, "app", audiences=["consorcio-control-plane"])
    auth = client.AuthenticationV1Api(k8s_api_client)

    review = auth.create_token_review(
        {"spec": {"token": token, "audiences": ["consorcio-control-plane"]}}
    ).status
    assert review.authenticated is True
    assert review.user.username == f"system:serviceaccount:{ns}:app"

    wrong_audience = auth.create_token_review(
        {"spec": {"token": token, "audiences": ["someone-else"]}}
    ).status
    assert not wrong_audience.authenticated
    forged = auth.create_token_review({"spec": {"token": token[:-4] + "AAAA"}}).status
    assert not forged.authenticated


def test_the_whole_service_range_is_allocatable(k8s_api_client) -> None:
    """A ServiceCIDR covers devstack's /16 even on a data directory created with a /24."""
    from devstack.kubernetes import SERVICE_CIDR

    objs = client.CustomObjectsApi(k8s_api_client).list_cluster_custom_object(
        "networking.k8s.io", "v1", "servicecidrs"
    )
    ranges = {c for o in objs["items"] for c in o["spec"]["cidrs"]}
    assert SERVICE_CIDR in ranges
