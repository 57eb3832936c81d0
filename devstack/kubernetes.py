"""A real Kubernetes control plane without a kubelet: etcd, kube-apiserver,
kube-controller-manager, kube-scheduler, and kwok playing one fake node.

Deployments become Available and Jobs complete through the real controllers;
only the pods themselves are simulated (kwok marks them Ready or Succeeded).
"""

from __future__ import annotations

import ssl
import urllib.request
from pathlib import Path

import yaml

from devstack import kwok_stages, pki, procs
from devstack.binaries import binary_path
from devstack.config import HOST, StackConfig

FAKE_NODE = "kwok-node-0"
SA_ISSUER = "https://kubernetes.default.svc.cluster.local"
# Service IPs for the local cluster: room for a fleet of hundreds of tenants.
SERVICE_CIDR = "10.0.0.0/16"

# (process name, program) in start order; stop goes in reverse.
COMPONENTS = (
    ("etcd", "etcd"),
    ("kube-apiserver", "kube-apiserver"),
    ("kube-controller-manager", "kube-controller-manager"),
    ("kube-scheduler", "kube-scheduler"),
    ("kwok", "kwok"),
)

# Static tokens: the admin (system:masters) and the two control-plane
# components, whose users the API server's bootstrap RBAC already knows.
_USERS = {
    "admin": ("admin", "system:masters"),
    "controller-manager": ("system:kube-controller-manager", ""),
    "scheduler": ("system:kube-scheduler", ""),
}


def _token(cfg: StackConfig, who: str) -> str:
    return cfg.admin_token if who == "admin" else f"devstack-{who}-token"


def _pki(cfg: StackConfig) -> Path:
    return cfg.kube_dir / "pki"


def kubeconfig_path(cfg: StackConfig, who: str) -> Path:
    return cfg.kubeconfig if who == "admin" else cfg.kube_dir / f"{who}.kubeconfig"


def write_kubeconfig(path: Path, server: str, ca_file: Path, token: str, user: str) -> None:
    """A kubeconfig with one cluster, one token user and one context."""
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": "devstack", "cluster": {"server": server, "certificate-authority": str(ca_file)}}
        ],
        "users": [{"name": user, "user": {"token": token}}],
        "contexts": [{"name": "devstack", "context": {"cluster": "devstack", "user": user}}],
        "current-context": "devstack",
    }
    path.write_text(yaml.safe_dump(doc))
    path.chmod(0o600)


def _prepare(cfg: StackConfig) -> None:
    cfg.kube_dir.mkdir(parents=True, exist_ok=True)
    pki.ensure(_pki(cfg))
    lines = []
    for i, (who, (user, groups)) in enumerate(_USERS.items()):
        lines.append(f'{_token(cfg, who)},{user},uid-{i},"{groups}"')
        write_kubeconfig(
            kubeconfig_path(cfg, who), cfg.apiserver_url, _pki(cfg) / "ca.crt", _token(cfg, who), user
        )
    (cfg.kube_dir / "tokens.csv").write_text("\n".join(lines) + "\n")
    (cfg.kube_dir / "tokens.csv").chmod(0o600)


def _get(cfg: StackConfig, path: str) -> tuple[int, str]:
    ctx = ssl.create_default_context(cafile=str(_pki(cfg) / "ca.crt"))
    req = urllib.request.Request(
        cfg.apiserver_url + path, headers={"Authorization": f"Bearer {cfg.admin_token}"}
    )
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=2) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(errors="replace")


def apiserver_ready(cfg: StackConfig) -> bool:
    try:
        return _get(cfg, "/readyz")[0] == 200
    except OSError:
        return False


def is_running(cfg: StackConfig) -> bool:
    return all(procs.running_pid(cfg, name, program) for name, program in COMPONENTS)


def _etcd(cfg: StackConfig) -> None:
    data = cfg.root / "etcd"
    pid = procs.spawn(
        cfg,
        "etcd",
        [
            str(binary_path("etcd")),
            "--name",
            "devstack",
            "--data-dir",
            str(data),
            "--listen-client-urls",
            f"http://{HOST}:{cfg.ports.etcd_client}",
            "--advertise-client-urls",
            f"http://{HOST}:{cfg.ports.etcd_client}",
            "--listen-peer-urls",
            f"http://{HOST}:{cfg.ports.etcd_peer}",
            "--initial-advertise-peer-urls",
            f"http://{HOST}:{cfg.ports.etcd_peer}",
            "--initial-cluster",
            f"devstack=http://{HOST}:{cfg.ports.etcd_peer}",
            "--listen-metrics-urls",
            "",
            # Test data is disposable; fsync dominates etcd latency on shared disks.
            "--unsafe-no-fsync",
            "--quota-backend-bytes",
            str(4 * 1024**3),
        ],
    )
    procs.wait_until(
        lambda: procs.port_open(cfg.ports.etcd_client), "etcd", 60, procs.log_file(cfg, "etcd"), pid=pid
    )


def _apiserver(cfg: StackConfig) -> None:
    p = _pki(cfg)
    pid = procs.spawn(
        cfg,
        "kube-apiserver",
        [
            str(binary_path("kube-apiserver")),
            f"--etcd-servers=http://{HOST}:{cfg.ports.etcd_client}",
            f"--bind-address={HOST}",
            f"--advertise-address={HOST}",
            f"--secure-port={cfg.ports.apiserver}",
            f"--cert-dir={p}",
            f"--tls-cert-file={p / 'apiserver.crt'}",
            f"--tls-private-key-file={p / 'apiserver.key'}",
            f"--client-ca-file={p / 'ca.crt'}",
            f"--token-auth-file={cfg.kube_dir / 'tokens.csv'}",
            "--authorization-mode=Node,RBAC",
            f"--service-account-issuer={SA_ISSUER}",
            f"--api-audiences={SA_ISSUER}",
            f"--service-account-key-file={p / 'sa.pub'}",
            f"--service-account-signing-key-file={p / 'sa.key'}",
            # A /16: the fleet benchmark gives every tenant a Service (a /24 ran out at ~253).
            f"--service-cluster-ip-range={SERVICE_CIDR}",
            "--allow-privileged=true",
            "--max-requests-inflight=1000",
            "--max-mutating-requests-inflight=500",
            "--event-ttl=1h",
        ],
    )
    procs.wait_until(
        lambda: apiserver_ready(cfg), "kube-apiserver", 120, procs.log_file(cfg, "kube-apiserver"), pid=pid
    )


def _controller_manager(cfg: StackConfig) -> None:
    p = _pki(cfg)
    kc = str(kubeconfig_path(cfg, "controller-manager"))
    procs.spawn(
        cfg,
        "kube-controller-manager",
        [
            str(binary_path("kube-controller-manager")),
            f"--kubeconfig={kc}",
            f"--authentication-kubeconfig={kc}",
            f"--authorization-kubeconfig={kc}",
            f"--bind-address={HOST}",
            f"--secure-port={cfg.ports.controller_manager}",
            f"--root-ca-file={p / 'ca.crt'}",
            f"--service-account-private-key-file={p / 'sa.key'}",
            f"--cluster-signing-cert-file={p / 'ca.crt'}",
            f"--cluster-signing-key-file={p / 'ca.key'}",
            "--use-service-account-credentials=true",
            "--leader-elect=false",
            # Faster feedback than the production defaults, still the real loops.
            "--concurrent-deployment-syncs=10",
            "--concurrent-replicaset-syncs=10",
            "--concurrent-job-syncs=10",
            "--concurrent-namespace-syncs=10",
            "--concurrent-gc-syncs=40",
            # Belt and braces with kwok's node Lease (see _kwok): a loaded
            # machine must not turn the fake node NotReady (kwok only readies
            # a pod once, so its pods would stay unready for good).
            "--node-monitor-grace-period=10m",
            # The default client limits (20 QPS per controller) made the controllers, not
            # the operator, the bottleneck of the 500-tenant fleet benchmark (queues of
            # hundreds of Jobs/HPAs/PDBs, ~45 min of cumulative client-side throttling).
            "--kube-api-qps=200",
            "--kube-api-burst=400",
        ],
    )


def _scheduler(cfg: StackConfig) -> None:
    kc = str(kubeconfig_path(cfg, "scheduler"))
    procs.spawn(
        cfg,
        "kube-scheduler",
        [
            str(binary_path("kube-scheduler")),
            f"--kubeconfig={kc}",
            f"--authentication-kubeconfig={kc}",
            f"--authorization-kubeconfig={kc}",
            f"--bind-address={HOST}",
            f"--secure-port={cfg.ports.scheduler}",
            "--leader-elect=false",
        ],
    )


def _kwok(cfg: StackConfig) -> None:
    stages = kwok_stages.write(cfg.kube_dir / "kwok-stages.yaml")
    procs.spawn(
        cfg,
        "kwok",
        [
            str(binary_path("kwok")),
            f"--kubeconfig={cfg.kubeconfig}",
            "--manage-all-nodes=false",
            "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
            f"--server-address={HOST}:{cfg.ports.kwok}",
            "--cidr=10.244.0.0/16",
            f"--node-ip={HOST}",
            f"--config={stages}",
            # kwok renews the fake node's Lease: without a heartbeat the node
            # lifecycle controller declares it NotReady after the grace period
            # and every pod on it turns unready for good.
            "--node-lease-duration-seconds=40",
        ],
    )


#: Large enough for the fleet benchmark (hundreds of tenants, several pods each). Tenant pods
#: request ephemeral storage (issue 20), so the node must offer it or the scheduler leaves
#: every tenant pod, and the migration Job's, Pending.
FAKE_NODE_RESOURCES = {"cpu": "2000", "memory": "8Ti", "pods": "10000", "ephemeral-storage": "1Pi"}


def _fake_node_manifest() -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": FAKE_NODE,
            "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
            "labels": {
                "type": "kwok",
                "kubernetes.io/hostname": FAKE_NODE,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "node-role.kubernetes.io/agent": "",
            },
        },
        "status": {"allocatable": dict(FAKE_NODE_RESOURCES), "capacity": dict(FAKE_NODE_RESOURCES)},
    }


def _ensure_service_range(cfg: StackConfig) -> None:
    """Make the whole SERVICE_CIDR allocatable on clusters created with a smaller range.

    The API server writes its flag into the default ServiceCIDR object only when it
    creates it; a data directory from before the flag was widened keeps the old
    range, so an extra ServiceCIDR adds the wide one (overlapping ranges are allowed).
    """
    from kubernetes import client, config

    api = client.CustomObjectsApi(config.new_client_from_config(str(cfg.kubeconfig)))
    group, version, plural = "networking.k8s.io", "v1", "servicecidrs"

    def default_range() -> list[str]:
        obj = api.get_cluster_custom_object(group, version, plural, "kubernetes")
        return list(obj.get("spec", {}).get("cidrs", []))

    cidrs: list[str] = []

    def read_default() -> bool:
        nonlocal cidrs
        cidrs = default_range()
        return True

    procs.wait_until(read_default, "default ServiceCIDR", 30, procs.log_file(cfg, "kube-apiserver"))
    if SERVICE_CIDR in cidrs:
        return
    try:
        api.create_cluster_custom_object(
            group,
            version,
            plural,
            {
                "apiVersion": f"{group}/{version}",
                "kind": "ServiceCIDR",
                "metadata": {"name": "devstack-wide"},
                "spec": {"cidrs": [SERVICE_CIDR]},
            },
        )
    except client.ApiException as err:
        if err.status != 409:
            raise


def _ensure_fake_node(cfg: StackConfig) -> None:
    from kubernetes import client, config

    api = client.CoreV1Api(config.new_client_from_config(str(cfg.kubeconfig)))
    try:
        node = api.read_node(FAKE_NODE)
    except client.ApiException as err:
        if err.status != 404:
            raise
        api.create_node(_fake_node_manifest())
    else:
        # A node from an older data directory lacks resources added since (ephemeral storage).
        allocatable = (node.status.allocatable if node.status else None) or {}
        if any(key not in allocatable for key in FAKE_NODE_RESOURCES):
            resources = dict(FAKE_NODE_RESOURCES)
            api.patch_node_status(FAKE_NODE, {"status": {"allocatable": resources, "capacity": resources}})

    def node_ready() -> bool:
        node = api.read_node(FAKE_NODE)
        return any(c.type == "Ready" and c.status == "True" for c in (node.status.conditions or []))

    procs.wait_until(node_ready, "kwok fake node", 60, procs.log_file(cfg, "kwok"))

    def default_sa() -> bool:
        api.read_namespaced_service_account("default", "default")
        return True

    procs.wait_until(
        default_sa,
        "kube-controller-manager (default ServiceAccount)",
        90,
        procs.log_file(cfg, "kube-controller-manager"),
    )


def start(cfg: StackConfig, log=print) -> None:
    _prepare(cfg)
    starters = {
        "etcd": _etcd,
        "kube-apiserver": _apiserver,
        "kube-controller-manager": _controller_manager,
        "kube-scheduler": _scheduler,
        "kwok": _kwok,
    }
    for name, program in COMPONENTS:
        if procs.running_pid(cfg, name, program) is None:
            log(f"starting {name}")
            starters[name](cfg)
    _ensure_service_range(cfg)
    _ensure_fake_node(cfg)


def stop(cfg: StackConfig) -> list[str]:
    return [name for name, program in reversed(COMPONENTS) if procs.stop(cfg, name, program)]
