"""Benchmark: the operator's own Kubernetes client against lightkube and kubernetes-asyncio.

Issue 11 item 5 asks whether ``tenant_operator/kube/client.py`` (a small aiohttp client)
should give way to a maintained library unless that costs something real. This runs the
verbs the operator's reconciler uses, against the devstack's real kube-apiserver, with each
client in turn (rotated each run so no client always goes first), and prints per client
and verb the medians over ``--runs`` of:

* client CPU per request (this process's CPU time, the figure that decides how many
  tenants one operator pod reconciles),
* wall time per phase and requests per second at ``--concurrency`` in flight.

Verbs, each over ``--objects`` Secrets in a fresh namespace per client: server-side
apply (create), get, JSON merge patch, server-side apply again (no change) and delete.

    .venv/bin/python benchmarks/kube_client.py [--objects 200] [--concurrency 16] [--runs 3]

Every figure block ends with the 1-minute load average.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from kubernetes import client as k8s
from kubernetes import config as k8s_config
from tenant_operator.kube.client import KubeClient

from devstack import stack
from devstack.config import StackConfig

FIELD_MANAGER = "kube-client-benchmark"
VERBS = ("apply", "get", "merge_patch", "reapply", "delete")


def secret(namespace: str, name: str, value: str) -> dict[str, Any]:
    """A Secret like the tenant's database credentials (a kind the operator writes per tenant)."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": namespace, "labels": {"bench": "kube-client"}},
        "type": "Opaque",
        "stringData": {"value": value, "padding": "x" * 512},
    }


class Driver(Protocol):
    """The five verbs, each for one Secret, in the way each library is meant to be used."""

    name: str

    async def start(self) -> None: ...
    async def apply(self, obj: dict[str, Any]) -> None: ...
    async def get(self, namespace: str, name: str) -> None: ...
    async def merge_patch(self, namespace: str, name: str, patch: dict[str, Any]) -> None: ...
    async def delete(self, namespace: str, name: str) -> None: ...
    async def close(self) -> None: ...


class OwnDriver:
    name = "own (aiohttp)"

    def __init__(self, kubeconfig: Path) -> None:
        cfg = k8s.Configuration()
        k8s_config.load_kube_config(config_file=str(kubeconfig), client_configuration=cfg)
        self.client = KubeClient.from_configuration(cfg)

    async def start(self) -> None:
        return None

    async def apply(self, obj: dict[str, Any]) -> None:
        await self.client.apply(obj)

    async def get(self, namespace: str, name: str) -> None:
        await self.client.get(f"/api/v1/namespaces/{namespace}/secrets/{name}")

    async def merge_patch(self, namespace: str, name: str, patch: dict[str, Any]) -> None:
        await self.client.merge_patch(f"/api/v1/namespaces/{namespace}/secrets/{name}", patch)

    async def delete(self, namespace: str, name: str) -> None:
        await self.client.delete(f"/api/v1/namespaces/{namespace}/secrets/{name}")

    async def close(self) -> None:
        await self.client.close()


class LightkubeDriver:
    name = "lightkube"

    def __init__(self, kubeconfig: Path) -> None:
        from lightkube import AsyncClient
        from lightkube.config.kubeconfig import KubeConfig

        self.client = AsyncClient(KubeConfig.from_file(kubeconfig), field_manager=FIELD_MANAGER)

    async def start(self) -> None:
        return None

    async def apply(self, obj: dict[str, Any]) -> None:
        from lightkube.resources.core_v1 import Secret

        await self.client.apply(Secret.from_dict(obj), force=True)  # type: ignore[call-overload]

    async def get(self, namespace: str, name: str) -> None:
        from lightkube.resources.core_v1 import Secret

        await self.client.get(Secret, name, namespace=namespace)

    async def merge_patch(self, namespace: str, name: str, patch: dict[str, Any]) -> None:
        from lightkube.resources.core_v1 import Secret
        from lightkube.types import PatchType

        await self.client.patch(Secret, name, patch, namespace=namespace, patch_type=PatchType.MERGE)

    async def delete(self, namespace: str, name: str) -> None:
        from lightkube.resources.core_v1 import Secret

        await self.client.delete(Secret, name, namespace=namespace)

    async def close(self) -> None:
        await self.client.close()


class KubernetesAsyncioDriver:
    name = "kubernetes-asyncio"

    def __init__(self, kubeconfig: Path) -> None:
        self.kubeconfig = kubeconfig
        self.api_client: Any = None
        self.core: Any = None

    async def start(self) -> None:
        from kubernetes_asyncio import client, config

        cfg = client.Configuration()
        await config.load_kube_config(config_file=str(self.kubeconfig), client_configuration=cfg)
        # The default pool (4 connections) would serialise --concurrency requests.
        cfg.connection_pool_maxsize = 64
        self.api_client = client.ApiClient(configuration=cfg)
        self.core = client.CoreV1Api(self.api_client)

    async def apply(self, obj: dict[str, Any]) -> None:
        meta = obj["metadata"]
        await self.core.patch_namespaced_secret(
            meta["name"],
            meta["namespace"],
            obj,
            field_manager=FIELD_MANAGER,
            force=True,
            _content_type="application/apply-patch+yaml",
        )

    async def get(self, namespace: str, name: str) -> None:
        await self.core.read_namespaced_secret(name, namespace)

    async def merge_patch(self, namespace: str, name: str, patch: dict[str, Any]) -> None:
        await self.core.patch_namespaced_secret(
            name, namespace, patch, _content_type="application/merge-patch+json"
        )

    async def delete(self, namespace: str, name: str) -> None:
        await self.core.delete_namespaced_secret(name, namespace)

    async def close(self) -> None:
        await self.api_client.close()


DRIVERS: dict[str, Callable[[Path], Driver]] = {
    "own": OwnDriver,
    "lightkube": LightkubeDriver,
    "kubernetes-asyncio": KubernetesAsyncioDriver,
}


async def bounded(calls: list[Callable[[], Awaitable[None]]], concurrency: int) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def one(call: Callable[[], Awaitable[None]]) -> None:
        async with gate:
            await call()

    await asyncio.gather(*(one(call) for call in calls))


async def warm_up_absent_safe(driver: Driver, namespace: str) -> None:
    try:
        await driver.get(namespace, "warm-up-absent")
    except Exception:  # lightkube raises on 404; the point is only to open a connection
        return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    cfg = StackConfig.from_env()
    stack.up(cfg, ["kubernetes"], log=lambda m: None)
    core = k8s.CoreV1Api(k8s_config.new_client_from_config(str(cfg.kubeconfig)))
    results: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    order = list(DRIVERS)
    for run in range(args.runs):
        for key in order[run % len(order) :] + order[: run % len(order)]:
            namespace = f"bench-kc-{uuid.uuid4().hex[:6]}"
            core.create_namespace(k8s.V1Namespace(metadata=k8s.V1ObjectMeta(name=namespace)))
            try:
                driver = DRIVERS[key](cfg.kubeconfig)
                figures = asyncio.run(_one(driver, namespace, args.objects, args.concurrency))
            finally:
                core.delete_namespace(namespace)
            for verb, figure in figures.items():
                results[key][verb].append(figure)
        print(f"run {run + 1}/{args.runs} done, load {os.getloadavg()[0]:.1f}", file=sys.stderr)

    print(
        f"Kubernetes client comparison: {args.objects} Secrets, {args.concurrency} in flight, "
        f"median of {args.runs} runs, {os.cpu_count()} cores"
    )
    print(f"{'client':<20} {'verb':<12} {'CPU ms/req':>10} {'wall s':>8} {'req/s':>8}")
    for key in DRIVERS:
        for verb in VERBS:
            cpu = statistics.median(f[0] for f in results[key][verb])
            wall = statistics.median(f[1] for f in results[key][verb])
            print(f"{DRIVERS[key].name:<20} {verb:<12} {cpu:>10.2f} {wall:>8.2f} {args.objects / wall:>8.0f}")  # type: ignore[attr-defined]
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f}")
    return 0


async def _one(
    driver: Driver, namespace: str, objects: int, concurrency: int
) -> dict[str, tuple[float, float]]:
    await driver.start()
    await warm_up_absent_safe(driver, namespace)
    return await run_driver_started(driver, namespace, objects, concurrency)


async def run_driver_started(
    driver: Driver, namespace: str, objects: int, concurrency: int
) -> dict[str, tuple[float, float]]:
    """verb -> (client CPU ms per request, wall seconds of the phase); the driver is started."""
    names = [f"cm-{i:05d}" for i in range(objects)]
    patch = {"stringData": {"value": "2"}}
    phases: dict[str, list[Callable[[], Awaitable[None]]]] = {
        "apply": [partial(driver.apply, secret(namespace, n, "1")) for n in names],
        "get": [partial(driver.get, namespace, n) for n in names],
        "merge_patch": [partial(driver.merge_patch, namespace, n, patch) for n in names],
        "reapply": [partial(driver.apply, secret(namespace, n, "2")) for n in names],
        "delete": [partial(driver.delete, namespace, n) for n in names],
    }
    out: dict[str, tuple[float, float]] = {}
    try:
        for verb in VERBS:
            cpu0, wall0 = time.process_time(), time.perf_counter()
            await bounded(phases[verb], concurrency)
            out[verb] = ((time.process_time() - cpu0) * 1000 / objects, time.perf_counter() - wall0)
    finally:
        await driver.close()
    return out


if __name__ == "__main__":
    sys.exit(main())
