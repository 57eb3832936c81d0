"""The charts against the devstack kube-apiserver: server-side dry run and real Helm releases.

The dry run sends every rendered object (CRD included) through admission and
schema validation of a real API server without persisting it. The install
tests run `helm install/upgrade --wait` for real: kwok makes the pods Ready and
completes the migration hook Job, so hook ordering, selectors and the
HPA-owned replica count are exercised as an SRE's release would.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from kubernetes import client

from devstack.binaries import binary_path

pytestmark = pytest.mark.k8s

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
CHARTS = REPO / "charts"
DRY_RUNS = [
    ("consorcio-operator", None),
    ("consorcio-operator", "ci/production-values.yaml"),
    ("consorcio-platform", None),
    ("consorcio-platform", "ci/production-values.yaml"),
]


@pytest.fixture(scope="module")
def kubectl(kubeconfig: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    path = binary_path("kubectl")
    assert path.exists(), f"kubectl is not built at {path}: run `python -m devstack.binaries kubernetes`"

    def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(path), "--kubeconfig", str(kubeconfig), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=180,
        )

    return _run


@pytest.fixture(scope="module")
def helm_cluster(helm: Path, kubeconfig: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """helm with the devstack kubeconfig, for commands that talk to the cluster."""

    def _run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "KUBECONFIG": str(kubeconfig)}
        return subprocess.run([str(helm), *args], capture_output=True, text=True, timeout=420, env=env)

    return _run


@pytest.fixture(scope="module")
def service_monitor_crd(kubectl, k8s_api_client):
    """Install the minimal ServiceMonitor CRD fixture for the production-like dry run."""
    crd = HERE / "servicemonitor-crd.yaml"
    proc = kubectl("apply", "-f", str(crd))
    assert proc.returncode == 0, proc.stderr
    proc = kubectl("wait", "--for=condition=Established", "--timeout=60s", "-f", str(crd))
    assert proc.returncode == 0, proc.stderr
    yield
    kubectl("delete", "--ignore-not-found", "--wait=false", "-f", str(crd))


@pytest.mark.parametrize(
    ("chart", "values"),
    DRY_RUNS,
    ids=[f"{c}-{'production' if v else 'default'}" for c, v in DRY_RUNS],
)
def test_rendered_manifests_pass_server_side_dry_run(
    render, kubectl, make_namespace, service_monitor_crd, chart: str, values: str | None
) -> None:
    namespace = make_namespace("delivery")
    docs = render(chart, values, namespace=namespace, include_crds=True)
    manifest = yaml.safe_dump_all(docs)
    proc = kubectl("apply", "--dry-run=server", "--validate=strict", "-o", "name", "-f", "-", stdin=manifest)
    assert proc.returncode == 0, proc.stderr
    accepted = set(proc.stdout.split())
    assert len(accepted) == len(docs), f"{len(docs)} rendered, server accepted {sorted(accepted)}"


def test_operator_crd_is_in_the_chart_and_accepted(kubectl) -> None:
    crds = sorted((CHARTS / "consorcio-operator" / "crds").glob("*.yaml"))
    docs = [d for f in crds for d in yaml.safe_load_all(f.read_text()) if d]
    names = [d["metadata"]["name"] for d in docs if d.get("kind") == "CustomResourceDefinition"]
    assert "consorciotenants.consorcio.io" in names, f"crds/ holds {names}"
    proc = kubectl("apply", "--dry-run=server", "-o", "name", *[a for f in crds for a in ("-f", str(f))])
    assert proc.returncode == 0, proc.stderr


def _diagnose(api_client, namespace: str) -> str:
    """Pods and recent events of a namespace, for the message of a failed install."""
    core = client.CoreV1Api(api_client)
    lines = [
        f"pod {p.metadata.name}: {p.status.phase} node={p.spec.node_name} "
        f"ready={[c.ready for c in (p.status.container_statuses or [])]}"
        for p in core.list_namespaced_pod(namespace).items
    ]
    events = sorted(core.list_namespaced_event(namespace).items, key=lambda e: str(e.last_timestamp))
    lines += [
        f"event {e.involved_object.kind}/{e.involved_object.name}: {e.reason} {e.message}"
        for e in events[-15:]
    ]
    nodes = client.CoreV1Api(api_client).list_node().items
    lines += [
        f"node {n.metadata.name}: {[(c.type, c.status) for c in n.status.conditions or []]}" for n in nodes
    ]
    return "\n".join(lines)


def _wait_replicas(apps: client.AppsV1Api, namespace: str, name: str, want: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        dep = apps.read_namespaced_deployment(name, namespace)
        if (dep.status.ready_replicas or 0) == want:
            return
        time.sleep(0.5)
    raise AssertionError(f"{name} never reached {want} ready replicas")


def test_platform_release_installs_and_upgrades(helm_cluster, make_namespace, k8s_api_client) -> None:
    namespace = make_namespace("delivery")
    release = f"cp-{uuid.uuid4().hex[:6]}"
    core = client.CoreV1Api(k8s_api_client)
    apps = client.AppsV1Api(k8s_api_client)
    batch = client.BatchV1Api(k8s_api_client)
    core.create_namespaced_secret(
        namespace,
        {
            "metadata": {"name": "consorcio-platform"},
            "stringData": {"database-url": "postgresql://cp@db/cp", "redis-url": "redis://cp@redis/0"},
        },
    )
    chart = str(CHARTS / "consorcio-platform")
    # Generous: the shared devstack also serves other suites' operators and apps.
    common = ["--namespace", namespace, "--wait", "--wait-for-jobs", "--timeout", "5m"]
    try:
        proc = helm_cluster("install", release, chart, *common)
        assert proc.returncode == 0, proc.stderr + _diagnose(k8s_api_client, namespace)
        assert f"hook Job {release}-consorcio-platform-migrate" in proc.stdout  # NOTES rendered
        api = f"{release}-consorcio-platform-api"
        _wait_replicas(apps, namespace, api, 2)
        for component in ("worker", "beat"):
            dep = apps.read_namespaced_deployment(f"{release}-consorcio-platform-{component}", namespace)
            assert dep.status.ready_replicas == dep.spec.replicas
        # hook-succeeded: the migration Job ran to completion and was cleaned up.
        assert batch.list_namespaced_job(namespace).items == []

        # Stand in for the HPA scaling the API out; an upgrade must keep its count.
        apps.patch_namespaced_deployment_scale(api, namespace, {"spec": {"replicas": 4}})
        proc = helm_cluster("upgrade", release, chart, *common, "--set", "worker.replicas=3")
        assert proc.returncode == 0, proc.stderr + _diagnose(k8s_api_client, namespace)
        assert apps.read_namespaced_deployment(api, namespace).spec.replicas == 4
        _wait_replicas(apps, namespace, f"{release}-consorcio-platform-worker", 3)
        history = helm_cluster("history", release, "--namespace", namespace, "-o", "yaml")
        revisions = yaml.safe_load(history.stdout)
        assert [r["status"] for r in revisions] == ["superseded", "deployed"]
    finally:
        helm_cluster("uninstall", release, "--namespace", namespace, "--wait")


def test_operator_release_installs(helm_cluster, kubectl, make_namespace, k8s_api_client) -> None:
    namespace = make_namespace("delivery")
    release = f"op-{uuid.uuid4().hex[:6]}"
    apps = client.AppsV1Api(k8s_api_client)
    rbac = client.RbacAuthorizationV1Api(k8s_api_client)
    chart = str(CHARTS / "consorcio-operator")
    # The shared cluster carries the deletion-protection policy the operator's
    # tests installed from the same file; the release must own its copy, so the
    # cluster's is lifted for the install and put back afterwards.
    policy = CHARTS / "consorcio-operator" / "files" / "deletion-protection.yaml"
    kubectl("delete", "--ignore-not-found", "-f", str(policy))
    try:
        proc = helm_cluster(
            "install", release, chart, "--namespace", namespace, "--wait", "--timeout", "5m",
            # The devstack has no storage provisioner; the PVC path is covered by the dry run.
            "--set", "backup.persistence.enabled=false",
            # The CRD belongs to the operator's own tests in this shared cluster.
            "--skip-crds",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr + _diagnose(k8s_api_client, namespace)
        assert "WARNING: backup.persistence.enabled=false" in proc.stdout
        name = f"{release}-consorcio-operator"
        dep = apps.read_namespaced_deployment(name, namespace)
        assert dep.status.ready_replicas == 1
        role = rbac.read_cluster_role(name)
        expected = yaml.safe_load(
            (CHARTS / "consorcio-operator" / "files" / "clusterrole-rules.yaml")
            .read_text()
            .replace("TENANT_ROLE_NAME", f"{name}-tenant")
        )
        assert k8s_api_client.sanitize_for_serialization(role.rules) == expected
    finally:
        helm_cluster("uninstall", release, "--namespace", namespace, "--wait")
        kubectl("apply", "-f", str(policy))
    # Cluster-scoped objects go with the release.
    with pytest.raises(client.ApiException) as gone:
        rbac.read_cluster_role(f"{release}-consorcio-operator")
    assert gone.value.status == 404
