"""Adoption only of what is the tenant's, end to end (issue 20, item 2): the operator (a subprocess, as
its ServiceAccount with the chart's ClusterRoles and confinement policy) against the real API server,
controllers and kwok, with devstack's PostgreSQL, Redis and Vault.

- an existing ``tenant-<name>`` namespace not labelled as the operator's for that tenant is not adopted:
  NamespaceConflict, and nothing (Secret, RoleBinding, policies) is written into it;
- RoleBindings and NetworkPolicies someone adds to a tenant namespace are reported (condition + Event)
  and deleted;
- a retained namespace is re-adopted only by a tenant with the same CNPJ.

The old operator adopted any namespace by name and wrote the tenant's credentials into it.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator

import pytest
from kubernetes import client
from tenant_operator import names

from consorcio_contract import crd_identity
from devstack.binaries import binary_path
from tests.support.operator_harness import (
    OperatorProcess,
    apply_crd,
    cnpj_for,
    condition,
    devstack_operator_env,
    running_operator,
    tenant_body,
    wait_until,
)

pytestmark = pytest.mark.e2e

RUN = uuid.uuid4().hex[:5]
TIMEOUT = 90
GVP = (crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL)


@pytest.fixture(scope="module")
def stack(devstack_env, kubeconfig) -> dict[str, str]:
    apply_crd(kubeconfig, str(binary_path("kubectl")))
    return devstack_env


@pytest.fixture(scope="module")
def operator(stack, k8s_api_client, kubeconfig, tmp_path_factory) -> Iterator[OperatorProcess]:
    env = devstack_operator_env(stack, backup_dir=tmp_path_factory.mktemp("backups")) | {
        # Foreign objects carry no label the watches see: the timer finds them.
        "OPERATOR_RESYNC_INTERVAL": "3",
    }
    with running_operator(k8s_api_client, kubeconfig, tmp_path_factory, env, suffix=f"a{RUN}") as op:
        yield op


@pytest.fixture(scope="module")
def crs(operator, k8s_api_client) -> Iterator[client.CustomObjectsApi]:
    api = client.CustomObjectsApi(k8s_api_client)
    yield api
    core = client.CoreV1Api(k8s_api_client)
    for item in api.list_cluster_custom_object(
        *GVP, label_selector=f"{names.INSTANCE_LABEL}={operator.instance}"
    )["items"]:
        name = item["metadata"]["name"]
        api.patch_cluster_custom_object(*GVP, name, {"spec": {"deletionPolicy": "Delete"}})
        api.delete_cluster_custom_object(*GVP, name)
        wait_until(functools.partial(gone, api, name), timeout=TIMEOUT, what=f"{name} deleted")
    for ns in core.list_namespace(label_selector=f"consorcio.io/test-run=adopt-{RUN}").items:
        core.delete_namespace(ns.metadata.name)


def get(api: client.CustomObjectsApi, name: str) -> dict | None:
    try:
        return api.get_cluster_custom_object(*GVP, name)
    except client.ApiException as err:
        if err.status == 404:
            return None
        raise


def wait_condition(api, operator, name: str, type_: str, status: str, reason: str | None = None) -> dict:
    def check():
        obj = get(api, name)
        cond = condition(obj, type_)
        if cond and cond["status"] == status and (reason is None or cond["reason"] == reason):
            return obj
        return None

    try:
        return wait_until(check, timeout=TIMEOUT, what=f"{name} {type_}={status} {reason or ''}")
    except AssertionError as err:
        raise AssertionError(
            f"{err}\n{(get(api, name) or {}).get('status')}\n{operator.log_tail()}"
        ) from None


def cond_message(obj: dict, type_: str) -> str:
    return str((condition(obj, type_) or {}).get("message"))


def cond_status(obj: dict, type_: str) -> str:
    return str((condition(obj, type_) or {}).get("status"))


def gone(api: client.CustomObjectsApi, name: str) -> bool:
    return get(api, name) is None


def secret_reader_binding(name: str) -> dict:
    """What a squatter leaves in a namespace: every ServiceAccount of it may read its Secrets."""
    return {
        "metadata": {"name": name},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "admin"},
        "subjects": [
            {"kind": "Group", "name": "system:serviceaccounts", "apiGroup": "rbac.authorization.k8s.io"}
        ],
    }


def test_namespace_adopted_by_name_alone_is_refused_with_namespace_conflict(crs, operator, k8s_api_client):
    core = client.CoreV1Api(k8s_api_client)
    rbac = client.RbacAuthorizationV1Api(k8s_api_client)
    name = f"a{RUN}-squat"
    ns = names.namespace(name)
    core.create_namespace({"metadata": {"name": ns, "labels": {"consorcio.io/test-run": f"adopt-{RUN}"}}})
    rbac.create_namespaced_role_binding(ns, secret_reader_binding("squatter-reads-secrets"))
    crs.create_cluster_custom_object(*GVP, tenant_body(name, operator.instance, plan="starter"))
    obj = wait_condition(crs, operator, name, "NamespaceReady", "False", "NamespaceConflict")
    assert "not labelled as managed by the consorcio operator" in cond_message(obj, "NamespaceReady")
    assert cond_status(obj, "Ready") == "False"
    # Nothing was written into it: no credentials, no binding, no policies, labels untouched.
    with pytest.raises(client.ApiException) as err:
        core.read_namespaced_secret(names.APP_SECRET, ns)
    assert err.value.status == 404
    assert [b.metadata.name for b in rbac.list_namespaced_role_binding(ns).items] == [
        "squatter-reads-secrets"
    ]
    assert not client.NetworkingV1Api(k8s_api_client).list_namespaced_network_policy(ns).items
    assert "app.kubernetes.io/managed-by" not in (core.read_namespace(ns).metadata.labels or {})


def test_foreign_role_bindings_and_network_policies_are_reported_and_pruned(crs, operator, k8s_api_client):
    name = f"a{RUN}-ok"
    ns = names.namespace(name)
    crs.create_cluster_custom_object(*GVP, tenant_body(name, operator.instance, plan="starter"))
    wait_condition(crs, operator, name, "Ready", "True")
    rbac = client.RbacAuthorizationV1Api(k8s_api_client)
    net = client.NetworkingV1Api(k8s_api_client)
    rbac.create_namespaced_role_binding(ns, secret_reader_binding("snoop"))
    net.create_namespaced_network_policy(
        ns,
        {
            "metadata": {"name": "allow-everything"},
            "spec": {
                "podSelector": {},
                "ingress": [{}],
                "egress": [{}],
                "policyTypes": ["Ingress", "Egress"],
            },
        },
    )
    obj = wait_condition(crs, operator, name, "NamespaceReady", "True", "ForeignObjectsPruned")
    message = cond_message(obj, "NamespaceReady")
    assert "RoleBinding snoop" in message and "NetworkPolicy allow-everything" in message
    assert "snoop" not in {b.metadata.name for b in rbac.list_namespaced_role_binding(ns).items}
    assert "allow-everything" not in {p.metadata.name for p in net.list_namespaced_network_policy(ns).items}
    # The operator's own binding stays.
    assert "consorcio-operator" in {b.metadata.name for b in rbac.list_namespaced_role_binding(ns).items}

    def pruned_event():
        selector = f"involvedObject.name={name},involvedObject.kind={crd_identity.KIND}"
        for event in (
            client.CoreV1Api(k8s_api_client).list_namespaced_event("default", field_selector=selector).items
        ):
            # The condition's own transition Event (reason ForeignObjectsPruned) names them too.
            message = event.message or ""
            if event.reason == "DriftRepaired" and "snoop" in message and "allow-everything" in message:
                return event
        return None

    wait_until(pruned_event, timeout=TIMEOUT, what="a DriftRepaired Event naming the pruned objects")


def test_retained_namespace_is_re_adopted_only_with_the_same_cnpj(crs, operator, k8s_api_client):
    core = client.CoreV1Api(k8s_api_client)
    name = f"a{RUN}-ret"
    ns = names.namespace(name)
    crs.create_cluster_custom_object(*GVP, tenant_body(name, operator.instance, plan="starter"))
    wait_condition(crs, operator, name, "Ready", "True")
    secret_before = core.read_namespaced_secret(names.APP_SECRET, ns).data
    crs.delete_cluster_custom_object(*GVP, name)  # deletionPolicy Retain: namespace kept, orphaned
    wait_until(lambda: get(crs, name) is None, timeout=TIMEOUT, what=f"{name} deleted (Retain)")
    assert names.ORPHANED_LABEL in core.read_namespace(ns).metadata.labels

    other = tenant_body(name, operator.instance, plan="starter")
    other["spec"]["cnpj"] = cnpj_for(f"{name}-another-administradora")
    crs.create_cluster_custom_object(*GVP, other)
    obj = wait_condition(crs, operator, name, "NamespaceReady", "False", "NamespaceConflict")
    assert "retained for another administradora" in cond_message(obj, "NamespaceReady")
    assert core.read_namespaced_secret(names.APP_SECRET, ns).data == secret_before
    assert names.ORPHANED_LABEL in core.read_namespace(ns).metadata.labels
    # Deleting the impostor, even with deletionPolicy Delete, touches nothing of the retained tenant.
    crs.patch_cluster_custom_object(
        *GVP, name, {"spec": {"deletionPolicy": "Delete", "deletionGracePeriodDays": 0}}
    )
    crs.delete_cluster_custom_object(*GVP, name)
    wait_until(lambda: get(crs, name) is None, timeout=TIMEOUT, what=f"{name} (other CNPJ) deleted")
    assert core.read_namespace(ns).status.phase == "Active"
    assert core.read_namespaced_secret(names.APP_SECRET, ns).data == secret_before

    # The same administradora comes back: adopted, with its data.
    crs.create_cluster_custom_object(*GVP, tenant_body(name, operator.instance, plan="starter"))
    wait_condition(crs, operator, name, "Ready", "True")
    assert names.ORPHANED_LABEL not in (core.read_namespace(ns).metadata.labels or {})
    assert (
        core.read_namespaced_secret(names.APP_SECRET, ns).data["DATABASE_URL"]
        == secret_before["DATABASE_URL"]
    )
