"""Benchmark: usage ingestion through the HTTP API on one control-plane worker.

Starts ``python -m control_plane serve`` (one uvicorn process) on a fresh
database of the devstack PostgreSQL, authenticates as a tenant app with a
real ServiceAccount token (TokenReview, cached as in production), and posts
batches of usage events with a few concurrent connections. Request bodies
are encoded before the clock starts so the figure is the server's. Prints
the median events/s over several rounds. Aim: >= 5,000 events/s. Run:

    .venv/bin/python benchmarks/control_plane_usage_ingestion.py [--rounds 5] [--batch 1000] [--batches 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime

import asyncpg
import httpx
from control_plane.migrations.runner import upgrade
from kubernetes import client as k8s
from kubernetes import config as k8s_config

from devstack import stack
from devstack.config import StackConfig


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tenant_app_token(kubeconfig: str, slug: str) -> tuple[str, k8s.CoreV1Api]:
    core = k8s.CoreV1Api(k8s_config.new_client_from_config(config_file=kubeconfig))
    namespace = f"tenant-{slug}"
    core.create_namespace({"metadata": {"name": namespace, "labels": {"consorcio.io/bench": "true"}}})
    core.create_namespaced_service_account(namespace, {"metadata": {"name": "tenant-app"}})
    spec = k8s.V1TokenRequestSpec(audiences=["consorcio-control-plane"], expiration_seconds=3600)
    token = core.create_namespaced_service_account_token(
        "tenant-app", namespace, k8s.AuthenticationV1TokenRequest(spec=spec)
    )
    return str(token.status.token), core


def bodies(count: int, batch: int) -> list[bytes]:
    now = datetime.now(UTC).isoformat()
    metrics = ("api_requests", "active_cotas", "users")
    return [
        json.dumps(
            {
                "events": [
                    {"id": str(uuid.uuid4()), "metric": metrics[i % 3], "value": i, "occurredAt": now}
                    for i in range(batch)
                ]
            }
        ).encode()
        for _ in range(count)
    ]


async def ingest_round(
    client: httpx.AsyncClient, path: str, payloads: list[bytes], concurrency: int
) -> float:
    queue = list(payloads)

    async def sender() -> None:
        while queue:
            body = queue.pop()
            response = await client.post(path, content=body, headers={"Content-Type": "application/json"})
            assert response.status_code == 202, response.text

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(concurrency)))
    return time.perf_counter() - started


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    cfg = StackConfig.from_env()
    stack.up(cfg, ["postgres", "redis", "kubernetes"], log=lambda msg: None)
    env = cfg.connection_env()
    name = f"bench_cp_{uuid.uuid4().hex[:8]}"
    slug = f"bench{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(cfg.database_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    dsn = cfg.database_url.rsplit("/", 1)[0] + "/" + name
    server = None
    core = None
    try:
        await upgrade(dsn)
        conn = await asyncpg.connect(dsn)
        await conn.execute(
            "INSERT INTO tenants (id, slug, display_name, cnpj, plan, suspended, deletion_policy,"
            " contract_start, billing_contact_name, billing_contact_email)"
            " VALUES ($1, $2, 'Bench', '11222333000181', 'starter', false, 'Retain', $3, 'F',"
            " 'f@example.com')",
            uuid.uuid4(),
            slug,
            date.today(),
        )
        await conn.close()
        token, core = tenant_app_token(env["KUBECONFIG"], slug)

        port = free_port()
        server_env = os.environ | {
            "CONTROL_PLANE_DATABASE_URL": dsn,
            "CONTROL_PLANE_REDIS_URL": env["REDIS_URL"],
            "KUBECONFIG": env["KUBECONFIG"],
        }
        server = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "control_plane",
            "serve",
            "--port",
            str(port),
            env=server_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline and server.returncode is None, "server did not start"
                await asyncio.sleep(0.2)
            path = f"/api/tenant-app/tenants/{slug}/usage-events"
            await ingest_round(client, path, bodies(4, args.batch), args.concurrency)  # warm-up
            rates = []
            for _ in range(args.rounds):
                payloads = bodies(args.batches, args.batch)
                seconds = await ingest_round(client, path, payloads, args.concurrency)
                rates.append(args.batches * args.batch / seconds)
            # Re-sending a round is idempotent: all duplicates, and fast.
            seconds = await ingest_round(client, path, payloads, args.concurrency)
            duplicate_rate = args.batches * args.batch / seconds
        print(
            f"usage ingestion, 1 API worker, batches of {args.batch}, {args.concurrency} connections, "
            f"{args.rounds} rounds of {args.batches * args.batch} events"
        )
        print(
            f"  median {statistics.median(rates):,.0f} events/s "
            f"(min {min(rates):,.0f}, max {max(rates):,.0f}); "
            f"re-sent duplicates {duplicate_rate:,.0f} events/s"
        )
        print("aim: >= 5,000 events/s")
    finally:
        if server is not None:
            server.terminate()
            await asyncio.wait_for(server.wait(), timeout=30)
        if core is not None:
            core.delete_namespace(f"tenant-{slug}")
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
