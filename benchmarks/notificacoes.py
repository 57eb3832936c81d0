"""Notifications: event → webhook latency, fan-out drain, SSE connections.

Setup: a fresh migrated tenant database on the devstack PostgreSQL, a Redis ACL user
confined to the tenant prefix, one real Celery worker (``python -m tenant_app worker``,
concurrency 1, with beat) and a minimal asyncio HTTP receiver on loopback (keep-alive,
answers 200 at once, records each webhook-id and its arrival time).

1. latency — N events committed one by one (uow.publicar + commit, the app's nudge queues
   the dispatcher); time from COMMIT to the POST reaching the receiver: median and p95.
2. drain — 10,000 events in one transaction, 3 endpoints subscribed (30,000 deliveries);
   time from COMMIT until the receiver has all 30,000, and the worker's CPU seconds.
3. sse — the app under uvicorn (one worker); 1,000 concurrent /api/eventos/stream
   connections; the server's RSS before/after and the time for one event to reach all.

Prints medians with the machine's load average. ``python -m benchmarks.notificacoes``
(``--eventos``, ``--drenar``, ``--sse`` to size or skip phases).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from benchmarks.tenant_app_api import redis_user  # type: ignore[import-not-found]
from benchmarks.tenant_app_schedule import drop_database, fresh_database  # type: ignore[import-not-found]
from devstack import dados_pessoais, stack
from devstack.config import StackConfig
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.eventos import sinal
from tenant_app.eventos.tipos import PAGAMENTO_CONFIRMADO
from tenant_app.notificacoes.config import NotificacoesSettings
from tenant_app.notificacoes.tarefas import Despertador
from tenant_app.notificacoes.webhooks.service import criar_endpoint
from tenant_app.settings import Settings
from tenant_app.unit_of_work import Actor, UnitOfWork
from tenant_app.worker import create_celery


class Receptor:
    """HTTP/1.1 keep-alive receiver on its own event loop thread."""

    def __init__(self) -> None:
        self.chegadas: dict[tuple[str, str], float] = {}
        self.total = 0
        self.porta = 0
        self._pronto = threading.Event()
        threading.Thread(target=self._rodar, daemon=True).start()
        self._pronto.wait()

    def _rodar(self) -> None:
        asyncio.run(self._servir())

    async def _servir(self) -> None:
        srv = await asyncio.start_server(self._cliente, "127.0.0.1", 0, backlog=1024)
        self.porta = srv.sockets[0].getsockname()[1]
        self._pronto.set()
        async with srv:
            await srv.serve_forever()

    async def _cliente(self, r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        try:
            while True:
                cab = await r.readuntil(b"\r\n\r\n")
                linhas = cab.decode("latin-1").split("\r\n")
                caminho = linhas[0].split(" ")[1]
                h = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in linhas[1:] if x)}
                await r.readexactly(int(h.get("content-length", "0")))
                self.chegadas.setdefault((caminho, h.get("webhook-id", "")), time.monotonic())
                self.total += 1
                w.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                await w.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            w.close()


def _cpu_segundos(pid: int) -> float:
    """User+system CPU of a process and its children (the Celery pool)."""
    total = 0.0
    tck = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        with contextlib.suppress(OSError):
            campos = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(campos[11]) + int(campos[12])) / tck
    return total


def _rss_kb(pid: int) -> int:
    for linha in Path(f"/proc/{pid}/status").read_text().splitlines():
        if linha.startswith("VmRSS:"):
            return int(linha.split()[1])
    return 0


async def _publicar(factory: Any, n: int) -> tuple[list[str], float]:
    async with UnitOfWork.start(factory, Actor(None, "bench")) as uow:
        ids = [str(uow.publicar(PAGAMENTO_CONFIRMADO, {"i": i, "valor": "10.00"})) for i in range(n)]
        await uow.commit()
    return ids, time.monotonic()


async def latencia(factory: Any, receptor: Receptor, n: int) -> list[float]:
    atrasos = []
    for _ in range(n):
        [ident], t0 = await _publicar(factory, 1)
        fim = t0 + 30
        while ("/l", ident) not in receptor.chegadas and time.monotonic() < fim:  # noqa: ASYNC110 - polled from another thread
            await asyncio.sleep(0.002)
        atrasos.append((receptor.chegadas[("/l", ident)] - t0) * 1000)
        await asyncio.sleep(0.05)
    return atrasos


async def drenar(factory: Any, receptor: Receptor, n: int, worker_pid: int) -> tuple[float, float, float]:
    cpu0 = _cpu_segundos(worker_pid)
    inicio_pub = time.monotonic()
    ids, t0 = await _publicar(factory, n)
    pub = t0 - inicio_pub
    alvo = {(p, i) for p in ("/d1", "/d2", "/d3") for i in ids}
    while True:
        faltam = sum(1 for k in alvo if k not in receptor.chegadas)
        if faltam == 0:
            break
        await asyncio.sleep(0.5)
    fim = max(receptor.chegadas[k] for k in alvo)
    return fim - t0, _cpu_segundos(worker_pid) - cpu0, pub


async def sse(env: dict[str, str], factory: Any, settings: Settings, token: str, n: int) -> dict[str, float]:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    porta = s.getsockname()[1]
    s.close()
    proc = subprocess.Popen(  # noqa: ASYNC220 - a long-lived server, never waited on here
        [sys.executable, "-m", "tenant_app", "serve", "--host", "127.0.0.1", "--port", str(porta)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{porta}"
    try:
        async with httpx.AsyncClient() as c:
            for _ in range(200):
                try:
                    if (await c.get(f"{url}/health")).status_code == 200:
                        break
                except httpx.HTTPError:
                    await asyncio.sleep(0.2)
            # One stream first so the process has its subscriber and warm code before the baseline.
        rss0 = _rss_kb(proc.pid)
        recebidos = 0
        conectados = 0
        todos = asyncio.Event()
        chegou = asyncio.Event()
        limites = httpx.Limits(max_connections=n + 10, max_keepalive_connections=0)
        async with httpx.AsyncClient(timeout=None, limits=limites) as client:
            erros: list[str] = []

            async def um() -> None:
                try:
                    await _um()
                except Exception as err:  # reported below: a benchmark must not hang silently
                    erros.append(f"{type(err).__name__}: {err}")
                    if len(erros) == 1:
                        print(f"SSE connection failed: {erros[0]}", flush=True)

            async def _um() -> None:
                nonlocal recebidos, conectados
                async with client.stream(
                    "GET", f"{url}/api/eventos/stream", headers={"Authorization": f"Bearer {token}"}
                ) as r:
                    if r.status_code != 200:
                        raise RuntimeError(f"HTTP {r.status_code}")
                    async for linha in r.aiter_lines():
                        if linha.startswith(": conectado"):
                            conectados += 1
                            if conectados == n:
                                todos.set()
                        elif linha.startswith("event: "):
                            recebidos += 1
                            if recebidos == n:
                                chegou.set()
                            return

            tarefas = [asyncio.create_task(um()) for _ in range(n)]
            t_con = time.monotonic()
            await asyncio.wait_for(todos.wait(), 300)
            t_con = time.monotonic() - t_con
            await asyncio.sleep(2)
            rss1 = _rss_kb(proc.pid)
            from tenant_app.notificacoes.tarefas import despachar_tudo
            from tenant_app.system.redis_keys import create_redis

            await _publicar(factory, 1)
            redis = create_redis(settings.redis)
            t0 = time.monotonic()
            await despachar_tudo(factory, settings, NotificacoesSettings.of(settings), redis)
            await asyncio.wait_for(chegou.wait(), 120)
            fanout = time.monotonic() - t0
            await redis.aclose()  # type: ignore[attr-defined]
            for t in tarefas:
                t.cancel()
        return {
            "rss_antes_mb": rss0 / 1024,
            "rss_com_conexoes_mb": rss1 / 1024,
            "rss_por_conexao_kb": (rss1 - rss0) / n,
            "conectar_s": t_con,
            "fanout_s": fanout,
        }
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


async def main() -> None:
    dados_pessoais.usar_chave_dev()  # personal data is encrypted at rest: the test key
    ap = argparse.ArgumentParser()
    ap.add_argument("--eventos", type=int, default=200)
    ap.add_argument("--drenar", type=int, default=10_000)
    ap.add_argument("--sse", type=int, default=1000)
    args = ap.parse_args()
    cfg = StackConfig.from_env()
    stack.up(cfg, ["postgres", "redis"])
    dsn = await fresh_database(cfg.database_url)
    slug = f"bn{uuid.uuid4().hex[:8]}"
    redis_url, prefix = redis_user(cfg.redis_url, slug)
    env = {
        "TENANT_SLUG": slug,
        "DATABASE_URL": dsn,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": prefix,
        "JWT_SECRET": uuid.uuid4().hex * 2,
        "WEBHOOK_MODO": "devstack",
        "INITIAL_ADMIN_EMAIL": f"admin@{slug}.example",
        "INITIAL_ADMIN_PASSWORD": "senha-forte-123",
        # 1,000 streams of one user open within a minute: above the default per-user limit.
        "RATE_LIMIT_PER_USER_PER_MINUTE": "100000",
        "RATE_LIMIT_PER_TENANT_PER_MINUTE": "1000000",
    }
    settings = Settings.from_env(env)
    nset = NotificacoesSettings.from_env(env)
    engine = create_engine(settings.database)
    factory = create_session_factory(engine)
    receptor = Receptor()
    os.environ["WEBHOOK_MODO"] = "devstack"
    async with UnitOfWork.start(factory, Actor(None, "bench")) as uow:
        await criar_endpoint(uow, nset, f"http://127.0.0.1:{receptor.porta}/l", None, [PAGAMENTO_CONFIRMADO])
    despertador = Despertador(create_celery(settings))
    remover = sinal.registrar(despertador)
    worker = subprocess.Popen(  # noqa: ASYNC220 - a long-lived worker
        [sys.executable, "-m", "tenant_app", "worker", "--schedule-file", f"/tmp/bench-beat-{slug}"],
        env={**os.environ, **env},
        stdout=open(f"/tmp/bench-worker-{slug}.log", "wb"),  # noqa: SIM115, ASYNC230 - the worker log
        stderr=subprocess.STDOUT,
    )
    try:
        await asyncio.sleep(8)  # worker boot
        print(f"load average at start: {os.getloadavg()}")
        if args.eventos:
            await latencia(factory, receptor, 10)  # warm-up
            atrasos = await latencia(factory, receptor, args.eventos)
            q = statistics.quantiles(atrasos, n=20)
            print(
                f"event -> webhook on loopback ({args.eventos} events, 1 endpoint): "
                f"median {statistics.median(atrasos):.0f} ms, p95 {q[18]:.0f} ms, max {max(atrasos):.0f} ms"
            )
        if args.drenar:
            async with UnitOfWork.start(factory, Actor(None, "bench")) as uow:
                from sqlalchemy import update

                from tenant_app.notificacoes.models import WebhookEndpoint

                await uow.session.execute(update(WebhookEndpoint).values(ativo=False))
                await uow.commit()
            for p in ("/d1", "/d2", "/d3"):
                async with UnitOfWork.start(factory, Actor(None, "bench")) as uow:
                    await criar_endpoint(uow, nset, f"http://127.0.0.1:{receptor.porta}{p}", None, [])
            segundos, cpu, pub = await drenar(factory, receptor, args.drenar, worker.pid)
            print(
                f"{args.drenar} events x 3 endpoints ({3 * args.drenar} deliveries), one worker: drained in "
                f"{segundos:.1f} s ({3 * args.drenar / segundos:.0f}/s), worker CPU {cpu:.1f} s "
                f"({cpu * 1000 / (3 * args.drenar):.2f} ms per delivery); publishing took {pub:.1f} s"
            )
        if args.sse:
            token = await _token(env)
            r = await sse(env, factory, settings, token, args.sse)
            print(
                f"SSE {args.sse} connections on one app worker: RSS {r['rss_antes_mb']:.0f} MB -> "
                f"{r['rss_com_conexoes_mb']:.0f} MB ({r['rss_por_conexao_kb']:.1f} KB per connection), "
                f"all connected in {r['conectar_s']:.1f} s, one event reached all in {r['fanout_s']:.2f} s"
            )
        print(f"load average at end: {os.getloadavg()}")
    finally:
        remover()
        despertador.parar()
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        await engine.dispose()
        await drop_database(cfg.database_url, dsn)


async def _token(env: dict[str, str]) -> str:
    """An access token of the initial admin, from the app in-process (login route)."""
    from litestar.testing import AsyncTestClient

    from tenant_app.app import create_app

    app = create_app(Settings.from_env(env))
    async with AsyncTestClient(app=app) as c:
        r = await c.post(
            "/api/auth/login",
            json={"email": env["INITIAL_ADMIN_EMAIL"], "password": env["INITIAL_ADMIN_PASSWORD"]},
        )
        return str(r.json()["access_token"])


if __name__ == "__main__":
    asyncio.run(main())
