"""Benchmark: ConsorcioTenant apply -> Ready, a fleet at once, and idle resync.

Runs the real operator (subprocess, as a ServiceAccount bound to the chart's
ClusterRole, its own operator instance) against devstack, and prints:

1. single tenant apply -> Ready: p50 / p95 / max over ``--single`` tenants
   created one after another (aim: p50 <= 2 s);
2. fleet: ``--fleet`` tenants created at once: time until all are Ready,
   operator peak RSS (VmHWM), API requests per tenant (reads and writes,
   counted by the API server itself through two FlowSchemas that match only
   the operator's ServiceAccount);
3. idle resync: API writes by the operator while every tenant goes through
   at least one more drift-timer pass with nothing to repair (aim: 0).

Everything it creates is deleted at the end (deletionPolicy Delete).

    .venv/bin/python benchmarks/operator_provisioning.py [--single 10] [--fleet 100] [--no-vault]

The fleet is created by ``--create-workers`` concurrent clients, so "applied
at once" is not limited by one client's round trips (a single sequential
client needed minutes for 500 on a loaded machine). Every figure line ends
with the load average at that moment.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import re
import ssl
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from kubernetes import client, config

from consorcio_contract import crd_identity
from devstack import stack
from devstack.binaries import binary_path
from devstack.config import StackConfig
from tests.support.operator_harness import (
    OperatorProcess,
    apply_crd,
    condition,
    create_operator_identity,
    devstack_operator_env,
    tenant_body,
    wait_until,
)

GVP = (crd_identity.GROUP, crd_identity.VERSION, crd_identity.PLURAL)
WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection"]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class ApiServerCounters:
    """Requests of one ServiceAccount as the API server counts them (APF FlowSchemas)."""

    def __init__(self, cfg: StackConfig, api_client, sa_namespace: str, sa_name: str, suffix: str) -> None:
        self.cfg = cfg
        self.flow = client.FlowcontrolApiserverV1Api(api_client)
        self.writes_schema = f"bench-op-writes-{suffix}"
        self.reads_schema = f"bench-op-other-{suffix}"
        subject = [{"kind": "ServiceAccount", "serviceAccount": {"name": sa_name, "namespace": sa_namespace}}]
        for name, precedence, verbs in (
            (self.writes_schema, 310, WRITE_VERBS),
            (self.reads_schema, 320, ["*"]),
        ):
            self.flow.create_flow_schema(
                {
                    "metadata": {"name": name},
                    "spec": {
                        # The level the operator gets without these schemas (the
                        # default "service-accounts" FlowSchema): in workload-high it
                        # would crowd out the controllers that run its Jobs and pods.
                        "priorityLevelConfiguration": {"name": "workload-low"},
                        "matchingPrecedence": precedence,
                        "distinguisherMethod": {"type": "ByUser"},
                        "rules": [
                            {
                                "subjects": subject,
                                "resourceRules": [
                                    {
                                        "verbs": verbs,
                                        "apiGroups": ["*"],
                                        "resources": ["*"],
                                        "clusterScope": True,
                                        "namespaces": ["*"],
                                    }
                                ],
                                "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
                            }
                        ],
                    },
                }
            )

    def _scrape(self) -> str:
        ctx = ssl.create_default_context(cafile=str(self.cfg.kube_dir / "pki" / "ca.crt"))
        req = urllib.request.Request(
            self.cfg.apiserver_url + "/metrics", headers={"Authorization": f"Bearer {self.cfg.admin_token}"}
        )
        with urllib.request.urlopen(req, context=ctx, timeout=10) as resp:
            return resp.read().decode()

    def counts(self) -> tuple[float, float]:
        """(writes, everything else) dispatched so far for the operator's ServiceAccount."""
        text = self._scrape()
        totals = {self.writes_schema: 0.0, self.reads_schema: 0.0}
        pattern = re.compile(r"^apiserver_flowcontrol_dispatched_requests_total\{([^}]*)\} (\S+)$", re.M)
        for labels, value in pattern.findall(text):
            schema = re.search(r'flow_schema="([^"]+)"', labels)
            if schema and schema.group(1) in totals:
                totals[schema.group(1)] += float(value)
        return totals[self.writes_schema], totals[self.reads_schema]

    def delete(self) -> None:
        for name in (self.writes_schema, self.reads_schema):
            self.flow.delete_flow_schema(name)


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    """The 1/5/15-minute load averages, printed with every figure (the machine is shared)."""
    return "load avg " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def is_ready(obj) -> bool:
    cond = condition(obj, "Ready")
    return bool(cond and cond["status"] == "True")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--single", type=int, default=10, help="tenants for the apply->Ready latency")
    parser.add_argument("--fleet", type=int, default=100, help="tenants created at once")
    parser.add_argument("--no-vault", action="store_true", help="run the operator with Vault disabled")
    parser.add_argument("--resync", type=float, default=15.0, help="drift timer interval of the operator (s)")
    parser.add_argument(
        "--change-wait",
        type=float,
        default=None,
        help="OPERATOR_CHANGE_WAIT_SECONDS (default: the operator's)",
    )
    parser.add_argument(
        "--create-workers", type=int, default=16, help="concurrent clients creating the fleet"
    )
    args = parser.parse_args()

    cfg = StackConfig.from_env()
    stack.up(
        cfg,
        ["postgres", "redis", "kubernetes", "s3"] + ([] if args.no_vault else ["vault"]),
        log=lambda m: None,
    )
    api_client = config.new_client_from_config(str(cfg.kubeconfig))
    custom = client.CustomObjectsApi(api_client)
    apply_crd(cfg.kubeconfig, str(binary_path("kubectl")))
    suffix = uuid.uuid4().hex[:5]
    work = Path(tempfile.mkdtemp(prefix="operator-bench-"))
    identity = create_operator_identity(api_client, cfg.kubeconfig, work, suffix=f"b{suffix}")
    counters = ApiServerCounters(cfg, api_client, identity.namespace, identity.service_account, suffix)
    env = devstack_operator_env(cfg.connection_env(), backup_dir=work / "backups") | {
        "OPERATOR_RESYNC_INTERVAL": str(args.resync),
        "OPERATOR_WATCH_SERVER_TIMEOUT": "60",
    }
    if args.change_wait is not None:
        env["OPERATOR_CHANGE_WAIT_SECONDS"] = str(args.change_wait)
    if args.no_vault:
        env["OPERATOR_VAULT_ADDR"] = ""
    op = OperatorProcess(identity.kubeconfig, env, work / "operator.log")
    created: list[str] = []
    print(f"operator instance {op.instance}, log {op.log_path}, vault {'off' if args.no_vault else 'on'}")
    try:
        op.start()

        def create(name: str) -> None:
            custom.create_cluster_custom_object(*GVP, tenant_body(name, op.instance, deletionPolicy="Delete"))
            created.append(name)

        def get(name: str):
            return custom.get_cluster_custom_object(*GVP, name)

        # 1. one tenant at a time
        latencies = []
        for i in range(args.single):
            name = f"b{suffix}-s{i}"
            started = time.monotonic()
            create(name)
            wait_until(lambda n=name: is_ready(get(n)), timeout=120, what=f"{name} Ready", interval=0.02)
            latencies.append(time.monotonic() - started)
        if latencies:
            print(
                f"single apply->Ready over {len(latencies)} tenants: "
                f"p50 {statistics.median(latencies):.2f} s, p95 {percentile(latencies, 95):.2f} s, "
                f"max {max(latencies):.2f} s ({load()})"
            )

        # 2. a fleet at once
        if args.fleet:
            writes0, other0 = counters.counts()
            cpu0 = cpu_seconds(op.proc.pid)  # type: ignore[union-attr]
            started = time.monotonic()
            fleet = [f"b{suffix}-f{i}" for i in range(args.fleet)]
            bulk_cfg = client.Configuration()
            config.load_kube_config(config_file=str(cfg.kubeconfig), client_configuration=bulk_cfg)
            bulk_cfg.connection_pool_maxsize = args.create_workers
            bulk = client.CustomObjectsApi(client.ApiClient(bulk_cfg))

            def create_fleet_member(name: str) -> None:
                bulk.create_cluster_custom_object(
                    *GVP, tenant_body(name, op.instance, deletionPolicy="Delete")
                )
                created.append(name)  # list.append is atomic: safe from the worker threads

            with concurrent.futures.ThreadPoolExecutor(args.create_workers) as pool:
                list(pool.map(create_fleet_member, fleet))
            created_in = time.monotonic() - started

            def all_ready() -> bool:
                items = custom.list_cluster_custom_object(
                    *GVP, label_selector=f"consorcio.io/operator-instance={op.instance}"
                )["items"]
                ready = {o["metadata"]["name"] for o in items if is_ready(o)}
                return set(fleet) <= ready

            wait_until(all_ready, timeout=1800, what="the whole fleet Ready", interval=0.5)
            elapsed = time.monotonic() - started
            writes1, other1 = counters.counts()
            cpu = cpu_seconds(op.proc.pid) - cpu0  # type: ignore[union-attr]
            print(
                f"fleet of {args.fleet}: created in {created_in:.1f} s, all Ready after {elapsed:.1f} s "
                f"({args.fleet / elapsed:.1f} tenants/s; {load()})"
            )
            print(
                f"API requests per tenant (operator ServiceAccount, fleet phase): "
                f"{(writes1 - writes0) / args.fleet:.1f} writes, "
                f"{(other1 - other0) / args.fleet:.1f} reads/watches"
            )
            print(f"operator peak RSS: {peak_rss_mib(op.proc.pid):.0f} MiB")  # type: ignore[union-attr]
            print(f"operator CPU during the fleet: {cpu:.1f} s ({cpu / elapsed:.0%} of one core)")

            # 3. idle resync. First let provisioning finish its bookkeeping: a
            # tenant can read Ready (written by a timer pass) while Kopf still
            # has a create-handler retry queued for it.
            def quiescent() -> bool:
                items = custom.list_cluster_custom_object(
                    *GVP, label_selector=f"consorcio.io/operator-instance={op.instance}"
                )["items"]
                handlers = ("provision", "reconcile", "resume")
                return all(
                    is_ready(o)
                    and not any(
                        k.rpartition("/")[2] in handlers for k in o["metadata"].get("annotations", {})
                    )
                    for o in items
                )

            wait_until(quiescent, timeout=600, what="no handler in progress", interval=1)
            # Then every tenant gets at least one more drift-timer pass.
            total = len(created)
            timer0 = op.metric("consorcio_operator_reconciles_total", trigger="timer")
            writes_idle0, other_idle0 = counters.counts()
            wait_until(
                lambda: op.metric("consorcio_operator_reconciles_total", trigger="timer") >= timer0 + total,
                timeout=args.resync * 4 + 600,
                what="one idle drift pass per tenant",
                interval=1,
            )
            passes = op.metric("consorcio_operator_reconciles_total", trigger="timer") - timer0
            writes_idle1, other_idle1 = counters.counts()
            print(
                f"idle resync: {passes:.0f} timer passes over {total} tenants -> "
                f"{writes_idle1 - writes_idle0:.0f} API writes, "
                f"{(other_idle1 - other_idle0) / max(passes, 1):.1f} reads per pass ({load()})"
            )
            print(f"operator peak RSS after idle resync: {peak_rss_mib(op.proc.pid):.0f} MiB")  # type: ignore[union-attr]
    finally:
        started = time.monotonic()
        for name in created:
            try:
                custom.delete_cluster_custom_object(*GVP, name)
            except client.ApiException as err:
                if err.status != 404:
                    raise
        if op.proc is not None and op.proc.poll() is None:
            try:
                wait_until(
                    lambda: (
                        not custom.list_cluster_custom_object(
                            *GVP, label_selector=f"consorcio.io/operator-instance={op.instance}"
                        )["items"]
                    ),
                    timeout=1800,
                    what="every benchmark tenant deleted",
                    interval=1,
                )
                print(f"deleted {len(created)} tenants (Delete policy) in {time.monotonic() - started:.1f} s")
            except AssertionError as err:
                print(f"cleanup incomplete: {err}", file=sys.stderr)
        op.stop()
        counters.delete()
        identity.delete(api_client)
    return 0


if __name__ == "__main__":
    sys.exit(main())
