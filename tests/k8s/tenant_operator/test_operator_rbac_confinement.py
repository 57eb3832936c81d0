"""The operator's ServiceAccount is confined to its tenant namespaces (issue 20, item 1), proven against
the real kube-apiserver: the chart's two ClusterRoles and its ValidatingAdmissionPolicy, installed the
way the chart installs them (tests/support/operator_harness.create_operator_identity), and requests made
with the ServiceAccount's own token.

No operator process runs: what is tested is the API server's authorization and admission. The old
ClusterRole (namespaced rights everywhere) allowed every request refused here.

Requests that would damage the shared cluster if admission failed to refuse them (deleting or
relabelling kube-system) are sent with dryRun=All: a dry run is authorized and admitted exactly like
the real request, and persists nothing.
"""

from __future__ import annotations

import contextlib
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes import client, config
from tenant_operator.config import OperatorConfig
from tenant_operator.specs.namespace import namespace
from tenant_operator.specs.rbac import operator_role_binding
from tenant_operator.specs.tenant import TenantView

from consorcio_contract.tenant_resource import TenantSpec
from devstack.binaries import binary_path
from tests.support.operator_harness import EXAMPLE_ENV, OperatorIdentity, create_operator_identity, wait_until

pytestmark = pytest.mark.k8s

SUFFIX = uuid.uuid4().hex[:6]
TENANT = f"conf-{SUFFIX}"
FOREIGN = f"team-payments-{SUFFIX}"  # another team's namespace, not labelled as the operator's


def forbidden(call) -> client.ApiException:
    with pytest.raises(client.ApiException) as err:
        call()
    assert err.value.status == 403, err.value.body
    return err.value


@pytest.fixture(scope="module")
def identity(k8s_api_client, kubeconfig, tmp_path_factory) -> Iterator[OperatorIdentity]:
    ident = create_operator_identity(
        k8s_api_client, Path(kubeconfig), tmp_path_factory.mktemp("rbac"), suffix=f"conf-{SUFFIX}"
    )
    core = client.CoreV1Api(k8s_api_client)
    core.create_namespace({"metadata": {"name": FOREIGN}})
    for ns in (FOREIGN, "kube-system"):
        core.create_namespaced_secret(ns, {"metadata": {"name": f"probe-{SUFFIX}"}, "stringData": {"k": "v"}})
    yield ident
    for ns in (FOREIGN, "kube-system"):
        with contextlib.suppress(client.ApiException):
            core.delete_namespaced_secret(f"probe-{SUFFIX}", ns)
    for ns in (FOREIGN, f"tenant-{TENANT}"):
        with contextlib.suppress(client.ApiException):
            core.delete_namespace(ns)
    ident.delete(k8s_api_client)


@pytest.fixture(scope="module")
def tenant_view(identity) -> TenantView:
    cfg = OperatorConfig.from_env({**EXAMPLE_ENV, **identity.env})
    spec = TenantSpec.from_dict({"displayName": "Conf", "cnpj": "11.222.333/0001-81", "plan": "starter"})
    return TenantView(TENANT, spec, cfg.workload)


@pytest.fixture(scope="module")
def op(identity, tenant_view):
    """The Kubernetes API as the operator's ServiceAccount, with its tenant namespace set up by itself."""
    api_client = config.new_client_from_config(str(identity.kubeconfig))
    core = client.CoreV1Api(api_client)
    # Admission answers once the policy is compiled and loaded: wait for it to refuse a namespace.
    wait_until(
        lambda: _refused(
            lambda: core.create_namespace({"metadata": {"name": f"probe-{SUFFIX}"}}, dry_run="All")
        ),
        timeout=60,
        what="the confinement policy to be enforced",
        interval=0.5,
    )
    # What ensure_namespace does for a new tenant: the namespace, then its RoleBinding.
    core.create_namespace(namespace(tenant_view))
    cfg = OperatorConfig.from_env({**EXAMPLE_ENV, **identity.env})
    binding = operator_role_binding(tenant_view.name, cfg.rbac)
    client.RbacAuthorizationV1Api(api_client).create_namespaced_role_binding(tenant_view.namespace, binding)
    yield api_client
    api_client.close()


def _refused(call) -> bool:
    try:
        call()
    except client.ApiException as err:
        return err.status == 403
    return False


def can_i(identity: OperatorIdentity, *args: str) -> str:
    proc = subprocess.run(
        [str(binary_path("kubectl")), f"--kubeconfig={identity.kubeconfig}", "auth", "can-i", *args],
        capture_output=True,
        text=True,
    )
    return proc.stdout.strip()


# verb, resource, namespace ("" = cluster-wide / all namespaces), what RBAC answers.
# "yes" on kube-system namespace deletion and RoleBinding creation is RBAC's answer only: the
# admission policy refuses those requests (test_real_requests_outside_tenant_namespaces_are_refused).
MATRIX = [
    ("create", "deployments.apps", "kube-system", "no"),
    ("patch", "deployments.apps", "kube-system", "no"),
    ("get", "secrets", "kube-system", "no"),
    ("list", "secrets", "kube-system", "no"),
    ("list", "secrets", "*", "no"),
    ("create", "jobs.batch", "kube-system", "no"),
    ("patch", "services", "kube-system", "no"),
    ("patch", "networkpolicies.networking.k8s.io", "kube-system", "no"),
    ("create", "deployments.apps", FOREIGN, "no"),
    ("get", "secrets", FOREIGN, "no"),
    ("delete", "ingresses.networking.k8s.io", FOREIGN, "no"),
    ("create", "pods", f"tenant-{TENANT}", "no"),
    ("create", "deployments.apps", f"tenant-{TENANT}", "yes"),
    ("get", "secrets", f"tenant-{TENANT}", "yes"),
    ("watch", "secrets", f"tenant-{TENANT}", "yes"),
    ("delete", "jobs.batch", f"tenant-{TENANT}", "yes"),
    ("create", "clusterroles.rbac.authorization.k8s.io", "", "no"),
    ("create", "clusterrolebindings.rbac.authorization.k8s.io", "", "no"),
    ("delete", "namespaces/kube-system", "", "yes"),
    ("create", "rolebindings.rbac.authorization.k8s.io", "kube-system", "yes"),
]


def test_operator_rbac_can_i_matrix(identity, op):
    answers = []
    for verb, resource, ns, _ in MATRIX:
        where = ["--all-namespaces"] if ns == "*" else ([f"--namespace={ns}"] if ns else [])
        answers.append((verb, resource, ns, can_i(identity, verb, resource, *where)))
    print("\n".join(f"{v:7} {r:48} {n or '(cluster)':28} {a}" for v, r, n, a in answers))
    assert answers == MATRIX


def test_operator_cannot_create_a_deployment_in_kube_system_or_another_namespace(op):
    apps = client.AppsV1Api(op)
    deployment = {
        "metadata": {"name": f"probe-{SUFFIX}"},
        "spec": {
            "selector": {"matchLabels": {"app": "probe"}},
            "template": {
                "metadata": {"labels": {"app": "probe"}},
                "spec": {"containers": [{"name": "c", "image": "registry.local/probe:1"}]},
            },
        },
    }
    for ns in ("kube-system", FOREIGN):
        forbidden(lambda ns=ns: apps.create_namespaced_deployment(ns, deployment))
    # The same request in its tenant namespace is allowed: the test is not refused for another reason.
    created = apps.create_namespaced_deployment(f"tenant-{TENANT}", deployment, dry_run="All")
    assert created.metadata.name == f"probe-{SUFFIX}"


def test_operator_cannot_read_a_secret_in_kube_system_or_another_namespace(op, k8s_api_client):
    core = client.CoreV1Api(op)
    for ns in ("kube-system", FOREIGN):
        forbidden(lambda ns=ns: core.read_namespaced_secret(f"probe-{SUFFIX}", ns))
        forbidden(lambda ns=ns: core.list_namespaced_secret(ns))
    forbidden(lambda: core.list_secret_for_all_namespaces())
    client.CoreV1Api(k8s_api_client).create_namespaced_secret(
        f"tenant-{TENANT}", {"metadata": {"name": "probe"}, "stringData": {"k": "v"}}
    )
    assert core.read_namespaced_secret("probe", f"tenant-{TENANT}").data == {"k": "dg=="}


def test_operator_cannot_delete_kube_system_or_another_namespace(op, k8s_api_client):
    core = client.CoreV1Api(op)
    # kube-system (like default and kube-public) is also immortal for the API server's
    # NamespaceLifecycle plugin; another team's namespace is refused by the operator's policy alone.
    forbidden(lambda: core.delete_namespace("kube-system", dry_run="All"))
    err = forbidden(lambda: core.delete_namespace(FOREIGN))
    assert "only the namespaces it manages" in err.body
    assert client.CoreV1Api(k8s_api_client).read_namespace(FOREIGN).status.phase == "Active"
    # Nor can it make a namespace its own by labelling it, or create one that is not a tenant's.
    managed = {"metadata": {"labels": {"app.kubernetes.io/managed-by": "consorcio-operator"}}}
    err = forbidden(lambda: core.patch_namespace("kube-system", managed, dry_run="All"))
    assert "only the namespaces it manages" in err.body
    forbidden(lambda: core.patch_namespace(FOREIGN, managed))
    forbidden(lambda: core.create_namespace({"metadata": {"name": f"evil-{SUFFIX}", **managed["metadata"]}}))
    mislabelled = {
        "metadata": {
            "name": f"tenant-{TENANT}x",
            "labels": {**managed["metadata"]["labels"], "consorcio.io/tenant": "someone-else"},
        }
    }
    forbidden(lambda: core.create_namespace(mislabelled, dry_run="All"))
    # It can still delete its own tenant namespace (Snapshot/Delete policies): dry run.
    core.delete_namespace(f"tenant-{TENANT}", dry_run="All")


def test_operator_cannot_bind_itself_rights_outside_tenant_namespaces(op, identity, tenant_view):
    rbac = client.RbacAuthorizationV1Api(op)
    cfg = OperatorConfig.from_env({**EXAMPLE_ENV, **identity.env})
    binding = operator_role_binding(tenant_view.name, cfg.rbac)
    binding["metadata"] = {"name": f"probe-{SUFFIX}"}
    for ns in ("kube-system", FOREIGN):
        err = forbidden(lambda ns=ns: rbac.create_namespaced_role_binding(ns, binding))
        assert "writes only inside the namespaces it manages" in err.body
    # In its tenant namespace: no other role (escalation), and the tenant role to nobody but itself.
    admin = {**binding, "roleRef": {**binding["roleRef"], "name": "cluster-admin"}}
    forbidden(lambda: rbac.create_namespaced_role_binding(f"tenant-{TENANT}", admin))
    to_the_tenant_pod = {
        **binding,
        "subjects": [{"kind": "ServiceAccount", "name": "tenant-app", "namespace": f"tenant-{TENANT}"}],
    }
    err = forbidden(lambda: rbac.create_namespaced_role_binding(f"tenant-{TENANT}", to_the_tenant_pod))
    assert "only its tenant role" in err.body
