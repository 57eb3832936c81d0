"""Graceful shutdown (issue 21 item 6), with the real processes Kubernetes would stop.

* ``python -m tenant_app serve`` (uvicorn) on SIGTERM stops accepting connections and lets the
  requests already received finish: payments held mid-transaction by a row lock the test owns are
  all answered 201 after the signal and each is in the ledger exactly once; it exits once
  its shutdown completed.
* ``python -m tenant_app worker`` (Celery, prefork) acknowledges a task only after it ran:
  SIGTERM finishes the running task and leaves the queued one in Redis for the next worker; a
  pool process killed mid-task puts its task back at once; a worker killed outright (the pod's
  SIGKILL after its grace period) leaves the message unacknowledged and another worker runs it
  after the visibility timeout. The task is a real report (PostgreSQL → the tenant's bucket on
  the real S3 server), held mid-run by a lock on its row.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import redis

from tenant_app.users.roles import Role
from tenant_app.worker import QUEUE
from tests.integration.tenant_app.factories import make_running_grupo
from tests.support.object_store_fixtures import _drop_s3_buckets, provision_bucket
from tests.support.private_redis import free_port
from tests.support.processes import Process, wait_http_ok
from tests.support.tenant_app_fixtures import Tenant, provision_tenant

pytestmark = pytest.mark.integration

__all__ = ["_drop_s3_buckets"]


@pytest.fixture(scope="module")
async def tenant_s3(make_database: Callable[[], str], redis_url: str, s3: Any) -> AsyncIterator[Tenant]:
    slug = f"gs{uuid.uuid4().hex[:6]}"
    t = await provision_tenant(
        make_database,
        redis_url,
        slug,
        extra_env=await provision_bucket(s3, slug),
    )
    yield t
    await t.client.__aexit__(None, None, None)


async def _wait_lock_waiters(conn: asyncpg.Connection, n: int, limite: float = 60) -> set[int]:
    """Backends (other than ``conn``'s) waiting for a lock the test holds: the work in flight.

    A statement blocked while being parsed shows ``state = 'idle'`` and the previous query's
    text, so only the wait is looked at. ``conn`` holds the lock in a transaction, and the
    statistics views are a snapshot per transaction: cleared before each look."""
    deadline = time.monotonic() + limite
    while True:
        await conn.execute("SELECT pg_stat_clear_snapshot()")
        rows = await conn.fetch(
            "SELECT pid, state, wait_event, left(query, 60) AS query FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        if len(rows) >= n:
            return {r["pid"] for r in rows}
        if time.monotonic() > deadline:
            todos = await conn.fetch(
                "SELECT pid, state, wait_event_type, wait_event, left(query, 60) AS query"
                " FROM pg_stat_activity WHERE datname = current_database()"
            )
            raise AssertionError(f"only {len(rows)} of {n} reached the lock: {[dict(r) for r in todos]}")
        await asyncio.sleep(0.1)


async def test_sigterm_lets_the_payments_in_flight_finish(tenant_s3: Tenant, tmp_path: Path) -> None:
    t = tenant_s3
    _, cotas = await make_running_grupo(t, cotas=4)
    port = free_port()
    server = Process(
        "tenant-app", ["tenant_app", "serve", "--port", str(port)], {**os.environ, **t.env}, tmp_path
    ).start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http_ok(f"{base}/health", server)
        db = await asyncpg.connect(t.env["DATABASE_URL"])
        try:
            # The test holds the cotas' rows: each payment stops inside its transaction.
            tx = db.transaction()
            await tx.start()
            await db.execute(
                "SELECT id FROM cotas WHERE id = ANY($1::uuid[]) FOR UPDATE", [c["id"] for c in cotas]
            )
            headers = t.auth(Role.FINANCEIRO)
            keys = [uuid.uuid4().hex for _ in cotas]
            # One connection per request (no keep-alive): a request is either never accepted or
            # answered in full, never cut in the middle.
            async with httpx.AsyncClient(
                base_url=base, timeout=60, limits=httpx.Limits(max_keepalive_connections=0)
            ) as c:
                pedidos = [
                    asyncio.create_task(
                        c.post(
                            f"/api/cotas/{cota['id']}/pagamentos",
                            json={"valor": "1000.00", "data_pagamento": "2025-02-10", "forma": "pix"},
                            headers={**headers, "Idempotency-Key": key},
                        )
                    )
                    for cota, key in zip(cotas, keys, strict=True)
                ]
                await _wait_lock_waiters(db, len(cotas))
                assert server.proc is not None
                server.proc.send_signal(signal.SIGTERM)
                await asyncio.sleep(2)
                # Draining: alive, answering nothing new, the held requests still pending.
                assert server.alive(), server.tail()
                assert not any(p.done() for p in pedidos)
                with pytest.raises(httpx.ConnectError):
                    await c.get("/health")
                await tx.rollback()
                respostas = await asyncio.gather(*pedidos)
            assert [r.status_code for r in respostas] == [201] * len(cotas), [r.text for r in respostas]
            # uvicorn re-raises the signal once its shutdown is complete: exit status -SIGTERM,
            # after the lifespan's shutdown (pools closed, usage spooled) has run.
            assert server.proc.wait(30) == -signal.SIGTERM, server.tail()
            assert "Application shutdown complete" in server.tail(), server.tail()
            # Every acknowledged payment is in the ledger once.
            ids = [r.json()["id"] for r in respostas]
            linhas = await db.fetch("SELECT id, cota_id FROM pagamentos WHERE id = ANY($1::uuid[])", ids)
            assert sorted(str(r["id"]) for r in linhas) == sorted(ids)
            assert await db.fetchval(
                "SELECT count(*) FROM pagamentos WHERE cota_id = ANY($1::uuid[])", [c["id"] for c in cotas]
            ) == len(cotas)
        finally:
            await db.close()
    finally:
        server.stop()


def _worker(t: Tenant, logs: Path, name: str, **env: str) -> subprocess.Popen[bytes]:
    log = (logs / f"{name}.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "tenant_app", "worker", "--no-beat"],
        env={**os.environ, **t.env, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: killpg reaches the pool processes too
    )


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


async def _pedir(t: Tenant) -> str:
    r = await t.client.post(
        "/api/relatorios/",
        json={"tipo": "posicao_grupos", "formato": "csv", "parametros": {}},
        headers=t.auth(Role.FINANCEIRO),
    )
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


async def _status(db: asyncpg.Connection, rel: str) -> str:
    return str(await db.fetchval("SELECT status::text FROM relatorios WHERE id = $1", uuid.UUID(rel)))


async def _pronto(db: asyncpg.Connection, rel: str, limite: float = 90) -> None:
    deadline = time.monotonic() + limite
    while (s := await _status(db, rel)) != "pronto":
        assert s != "falhou" and time.monotonic() < deadline, f"report {rel}: {s}"
        await asyncio.sleep(0.3)


async def _gerado_vezes(db: asyncpg.Connection, rel: str) -> int:
    """Audit entries 'gerado' of the report: a task run twice to completion would write two."""
    return int(
        await db.fetchval(
            "SELECT count(*) FROM audit_log"
            " WHERE entity = 'relatorios' AND entity_id = $1 AND action = 'gerado'",
            rel,
        )
    )


async def _travar(db: asyncpg.Connection, rel: str) -> Any:
    tx = db.transaction()
    await tx.start()
    await db.execute("SELECT id FROM relatorios WHERE id = $1 FOR UPDATE", uuid.UUID(rel))
    return tx


async def test_worker_sigterm_finishes_the_running_task_and_leaves_the_queue(
    tenant_s3: Tenant, redis_url: str, tmp_path: Path
) -> None:
    t = tenant_s3
    await make_running_grupo(t, cotas=2)
    admin = redis.Redis.from_url(redis_url)
    fila = f"{t.settings.redis.key_prefix}{QUEUE}"
    db = await asyncpg.connect(t.env["DATABASE_URL"])
    workers: list[subprocess.Popen[bytes]] = []
    try:
        primeiro = await _pedir(t)
        tx = await _travar(db, primeiro)
        segundo = await _pedir(t)
        workers.append(w := _worker(t, tmp_path, "worker-1"))
        await _wait_lock_waiters(db, 1)
        w.send_signal(signal.SIGTERM)
        await asyncio.sleep(3)
        assert w.poll() is None, "the worker quit with its task unfinished"
        await tx.rollback()
        assert await asyncio.to_thread(w.wait, 60) == 0
        await _pronto(db, primeiro, limite=5)
        # The queued task was left for the next worker, not taken by one that was stopping.
        assert await _status(db, segundo) == "pendente"
        assert sum(segundo.encode() in m for m in admin.lrange(fila, 0, -1)) == 1
        workers.append(_worker(t, tmp_path, "worker-2"))
        await _pronto(db, segundo)
        assert [await _gerado_vezes(db, r) for r in (primeiro, segundo)] == [1, 1]
    finally:
        for w in workers:
            _stop(w)
        admin.close()
        await db.close()


async def test_a_task_whose_worker_dies_mid_run_is_run_again(tenant_s3: Tenant, tmp_path: Path) -> None:
    t = tenant_s3
    await make_running_grupo(t, cotas=2)
    db = await asyncpg.connect(t.env["DATABASE_URL"])
    workers: list[subprocess.Popen[bytes]] = []
    try:
        # A pool process dies (OOM kill): its task goes back to the queue at once, the same
        # worker's new pool process runs it again.
        rel = await _pedir(t)
        tx = await _travar(db, rel)
        workers.append(w := _worker(t, tmp_path, "worker-oom", TASK_VISIBILITY_TIMEOUT_SECONDS="3600"))
        antes = await _wait_lock_waiters(db, 1)
        filhos = _children(w.pid)
        assert len(filhos) == 1, filhos
        os.kill(filhos[0], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while not (await _wait_lock_waiters(db, 1)) - antes:
            assert time.monotonic() < deadline, "the task was not run again"
            await asyncio.sleep(0.2)
        await tx.rollback()
        await _pronto(db, rel)
        assert await _gerado_vezes(db, rel) == 1
        _stop(w)

        # The whole worker killed after SIGTERM (the grace period ran out): the unacknowledged
        # message returns to the queue after the visibility timeout and a new worker runs it.
        rel = await _pedir(t)
        tx = await _travar(db, rel)
        workers.append(w := _worker(t, tmp_path, "worker-killed", TASK_VISIBILITY_TIMEOUT_SECONDS="4"))
        await _wait_lock_waiters(db, 1)
        w.send_signal(signal.SIGTERM)
        await asyncio.sleep(1)
        os.killpg(w.pid, signal.SIGKILL)
        await asyncio.to_thread(w.wait, 10)
        await tx.rollback()
        await asyncio.sleep(1)
        assert await _status(db, rel) in ("pendente", "gerando")
        workers.append(_worker(t, tmp_path, "worker-after", TASK_VISIBILITY_TIMEOUT_SECONDS="4"))
        await _pronto(db, rel, limite=90)
        assert await _gerado_vezes(db, rel) == 1
    finally:
        for w in workers:
            _stop(w)
        await db.close()
