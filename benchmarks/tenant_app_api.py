"""HTTP latency and throughput of the tenant app on one uvicorn worker.

Load comes from ``benchmarks/http_load.py`` (a lean keep-alive client: httpx
itself cost more CPU than the server on 2 cores).

Setup: a fresh migrated database with one group of 5,000 cotas and a year of
parcelas (60,000), an ACL-confined Redis user, and ``python -m tenant_app
serve`` as a separate process. This process generates the load on loopback:

* a paced run at a fixed rate for ``--seconds`` (``--rate``, default 300 req/s,
  for the list; ``--pay-rate``, default 150/s, for payments), and
* a closed-loop run with ``--concurrency`` in-flight requests (max throughput),

for two endpoints: listing the group's cotas (paginated, random page) and
posting a payment (unique Idempotency-Key, random cota). Each phase runs
``--runs`` times (default 3) and prints every run and then the median of the
runs: p50/p99 latency, achieved requests/s, errors, the server process's CPU
milliseconds per answered request (from /proc; it moves much less than
latency when other work shares the cores), and the 1-minute load average at
the end of each run.

    .venv/bin/python benchmarks/tenant_app_api.py [--rate 300] [--pay-rate 150] [--seconds 10] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import date

import httpx
import redis

from benchmarks.http_load import LoadClient  # type: ignore[import-not-found]
from benchmarks.tenant_app_schedule import drop_database, fresh_database, seed_group  # type: ignore[import-not-found]
from devstack import dados_pessoais, stack
from devstack.config import StackConfig
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.grupos.service import start_grupo
from tenant_app.settings import DatabaseSettings
from tenant_app.unit_of_work import Actor, UnitOfWork
from tenant_app.users.roles import Role
from tenant_app.users.service import create_user

PASSWORD = "benchmark-senha-1"


async def prepare(dsn: str, cotas: int) -> tuple[uuid.UUID, list[str]]:
    """Group of ``cotas`` started 12 months ago with a 12-month plan, plus a financeiro user."""
    engine = create_engine(DatabaseSettings(url=dsn))
    try:
        async with UnitOfWork.start(create_session_factory(engine), Actor(None, "benchmark")) as uow:
            session = uow.session
            grupo_id = await seed_group(uow, cotas, 12)
            today = date.today()
            inicio = date(today.year - 1, today.month, 1)
            async with uow.one_transaction():
                await start_grupo(uow, grupo_id, inicio)
                await create_user(uow, "fin@bench.example", "Financeiro", Role.FINANCEIRO, PASSWORD)
            from sqlalchemy import select

            from tenant_app.cotas.models import Cota

            ids = [
                str(i)
                for i in (await session.execute(select(Cota.id).where(Cota.grupo_id == grupo_id))).scalars()
            ]
        return grupo_id, ids
    finally:
        await engine.dispose()


def redis_user(admin_url: str, slug: str) -> tuple[str, str]:
    """ACL user confined to the tenant prefix, like the operator creates."""
    prefix = f"tenant:{slug}:"
    password = uuid.uuid4().hex
    admin = redis.Redis.from_url(admin_url)
    admin.acl_setuser(
        f"tenant-{slug}",
        enabled=True,
        passwords=[f"+{password}"],
        keys=[f"{prefix}*"],
        channels=[f"{prefix}*"],
        commands=["+@all", "-@admin", "-@dangerous"],
        reset_keys=True,
        reset_channels=True,
    )
    admin.close()
    host = admin_url.rsplit("@", 1)[1].split("/")[0]
    return f"redis://tenant-{slug}:{password}@{host}/0", prefix


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


Request = Callable[[LoadClient], Awaitable[int]]


async def paced(
    client: LoadClient, make: Request, rate: float, seconds: float, max_in_flight: int = 200
) -> tuple[list[float], float, int]:
    """Open loop: one request every 1/rate s regardless of answers. (latencies ms, achieved rps, errors).

    A request that would exceed ``max_in_flight`` is not sent and counts as an
    error, so an overloaded server shows up as errors instead of an endless backlog.
    """
    latencies: list[float] = []
    errors = 0
    in_flight = 0

    async def one() -> None:
        nonlocal errors, in_flight
        in_flight += 1
        t0 = time.perf_counter()
        try:
            status = await make(client)
        except OSError:
            errors += 1
            return
        finally:
            in_flight -= 1
        latencies.append((time.perf_counter() - t0) * 1000)
        if status >= 400:
            errors += 1

    total = int(rate * seconds)
    start = time.perf_counter()
    tasks = []
    for i in range(total):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if in_flight >= max_in_flight:
            errors += 1
            continue
        tasks.append(asyncio.create_task(one()))
    await asyncio.gather(*tasks)
    return latencies, len(latencies) / (time.perf_counter() - start), errors


async def closed(
    client: LoadClient, make: Request, concurrency: int, seconds: float
) -> tuple[list[float], float, int]:
    """Closed loop: ``concurrency`` requests always in flight."""
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            try:
                status = await make(client)
            except OSError:
                errors += 1
                continue
            latencies.append((time.perf_counter() - t0) * 1000)
            if status >= 400:
                errors += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, len(latencies) / (time.perf_counter() - start), errors


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to report server CPU per request."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measured(
    pid: int, run: Awaitable[tuple[list[float], float, int]]
) -> tuple[list[float], float, int, float]:
    """Run one load phase; also return the server's CPU milliseconds per answered request."""
    before = cpu_seconds(pid)
    lat, rps, errors = await run
    cpu_ms = (cpu_seconds(pid) - before) * 1000 / max(len(lat), 1)
    return lat, rps, errors, cpu_ms


Figures = tuple[float, float, float, int, float, float]  # p50, p99, req/s, errors, CPU ms, load


def figures(lat: list[float], rps: float, errors: int, cpu_ms: float) -> Figures:
    """The printed figures of one run (latency quantiles in ms)."""
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [lat[0] if lat else 0.0] * 99
    p50 = statistics.median(lat) if lat else 0.0
    return p50, q[98], rps, errors, cpu_ms, os.getloadavg()[0]


def report(name: str, mode: str, f: Figures, label: str) -> None:
    p50, p99, rps, errors, cpu_ms, load = f
    print(
        f"  {name:<24} {mode:<21} {label:<7} p50={p50:7.2f} ms  p99={p99:7.2f} ms  {rps:6.1f} req/s"
        f"  errors={errors:<5} server CPU {cpu_ms:5.2f} ms/req  load {load:4.1f}",
        flush=True,
    )


def median_of(runs: list[Figures]) -> Figures:
    """Median of each figure over the runs (each column on its own)."""
    p50, p99, rps, errors, cpu, load = (statistics.median(col) for col in zip(*runs, strict=True))
    return p50, p99, rps, int(errors), cpu, load


async def main() -> None:
    """Seed, serve, load, print."""
    dados_pessoais.usar_chave_dev()  # personal data is encrypted at rest: the test key
    parser = argparse.ArgumentParser()
    parser.add_argument("--cotas", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=300, help="paced rate of the list (req/s)")
    parser.add_argument("--pay-rate", type=float, default=150, help="paced rate of payments (req/s)")
    parser.add_argument("--runs", type=int, default=3, help="runs per phase; the median is reported")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--only", choices=["list", "pay"], help="measure one endpoint only")
    args = parser.parse_args()
    cfg = StackConfig.from_env()
    stack.up(cfg, ["postgres", "redis"], log=lambda m: None)
    dsn = await fresh_database(cfg.database_url)
    slug = f"bench{uuid.uuid4().hex[:6]}"
    redis_url, prefix = redis_user(cfg.redis_url, slug)
    server = None
    # BENCH_SERVER_LOG=path keeps the server's JSON log for inspection.
    server_log = open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "w")  # noqa: SIM115, ASYNC230
    try:
        grupo_id, cota_ids = await prepare(dsn, args.cotas)
        port = free_port()
        env = {
            **os.environ,
            "TENANT_SLUG": slug,
            "DATABASE_URL": dsn,
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": prefix,
            "JWT_SECRET": uuid.uuid4().hex,
            "RATE_LIMIT_PER_USER_PER_MINUTE": "10000000",
            "RATE_LIMIT_PER_TENANT_PER_MINUTE": "10000000",
        }
        server = subprocess.Popen(  # noqa: ASYNC220 - the server runs in the background
            [sys.executable, "-m", "tenant_app", "serve", "--port", str(port)],
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(
            base_url=base, limits=httpx.Limits(max_connections=64), timeout=30
        ) as client:
            for _ in range(600):  # a loaded machine can take a minute to start the server
                try:
                    if (await client.get("/ready")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
            token = (
                await client.post(
                    "/api/auth/login", json={"email": "fin@bench.example", "password": PASSWORD}
                )
            ).json()["access_token"]
            load = LoadClient("127.0.0.1", port, {"Authorization": f"Bearer {token}"})
            rng = random.Random(7)
            payment_body = b'{"valor": "10.00", "forma": "pix"}'

            def list_cotas(c: LoadClient) -> Awaitable[int]:
                offset = rng.randrange(0, args.cotas - 50)
                return c.request("GET", f"/api/grupos/{grupo_id}/cotas?limit=50&offset={offset}")

            def post_payment(c: LoadClient) -> Awaitable[int]:
                return c.request(
                    "POST",
                    f"/api/cotas/{rng.choice(cota_ids)}/pagamentos",
                    payment_body,
                    {"Idempotency-Key": uuid.uuid4().hex},
                )

            print(
                f"tenant app, 1 uvicorn worker, group of {args.cotas} cotas x 12 parcelas"
                f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
            )
            endpoints = {
                "list": ("GET cotas (page of 50)", list_cotas, args.rate),
                "pay": ("POST pagamento", post_payment, args.pay_rate),
            }
            for key, (name, make, rate) in endpoints.items():
                if args.only and key != args.only:
                    continue
                await closed(load, make, 4, 1.5)  # warm-up
                phases: list[tuple[str, Callable[[], Awaitable[tuple[list[float], float, int]]]]] = [
                    (f"paced {rate:.0f} req/s", functools.partial(paced, load, make, rate, args.seconds)),
                    (
                        f"closed, {args.concurrency} in flight",
                        functools.partial(closed, load, make, args.concurrency, args.seconds),
                    ),
                ]
                for mode, run in phases:
                    runs = []
                    for i in range(args.runs):
                        runs.append(figures(*await measured(server.pid, run())))
                        report(name, mode, runs[-1], f"run {i + 1}")
                    report(name, mode, median_of(runs), "MEDIAN")
            await load.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        server_log.close()
        await drop_database(cfg.database_url, dsn)
        admin = redis.Redis.from_url(cfg.redis_url)
        admin.acl_deluser(f"tenant-{slug}")
        admin.close()


if __name__ == "__main__":
    asyncio.run(main())
