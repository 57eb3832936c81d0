"""Graceful shutdown of the control plane's API (issue 21 item 6): ``python -m control_plane serve``
as Kubernetes stops it. On SIGTERM it stops accepting connections, lets the requests already
received finish (here logins held mid-query by a table lock the test owns) and then exits.

The Kubernetes API is not needed by these requests: the kubeconfig points at a closed port and
the tenant watch is off.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.support.private_redis import free_port
from tests.support.processes import Process, run_once, wait_http_ok

pytestmark = pytest.mark.integration

KUBECONFIG = """apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:9", insecure-skip-tls-verify: true}}]
users: [{name: none, user: {token: none}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
"""


async def _waiting_for_locks(db: asyncpg.Connection) -> int:
    # The statistics views are a snapshot per transaction (the one holding the lock): cleared.
    await db.execute("SELECT pg_stat_clear_snapshot()")
    return int(
        await db.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
    )


async def test_sigterm_lets_the_requests_in_flight_finish(
    make_database: Callable[[], str], redis_url: str, tmp_path: Path
) -> None:
    database = make_database()
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(KUBECONFIG)
    port = free_port()
    env = {
        **os.environ,
        "CONTROL_PLANE_DATABASE_URL": database,
        "CONTROL_PLANE_REDIS_URL": redis_url,
        "CONTROL_PLANE_PORT": str(port),
        "CONTROL_PLANE_WATCH_TENANTS": "0",
        "CONTROL_PLANE_CELERY_QUEUE": f"cp-shutdown-{uuid.uuid4().hex[:6]}",
        "KUBECONFIG": str(kubeconfig),
    }
    run_once(["control_plane", "migrate"], env)
    run_once(
        ["control_plane", "create-admin", "--email", "sre@platform.example", "--password", "senha-forte-123"],
        env,
    )
    server = Process("control-plane", ["control_plane", "serve"], env, tmp_path).start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http_ok(f"{base}/healthz", server)
        db = await asyncpg.connect(database)
        try:
            tx = db.transaction()
            await tx.start()
            # Every login reads admin_users: they stop there, in flight.
            await db.execute("LOCK TABLE admin_users IN ACCESS EXCLUSIVE MODE")
            async with httpx.AsyncClient(
                base_url=base, timeout=60, limits=httpx.Limits(max_keepalive_connections=0)
            ) as c:
                pedidos = [
                    asyncio.create_task(
                        c.post(
                            "/api/auth/token",
                            json={"email": "sre@platform.example", "password": "senha-forte-123"},
                        )
                    )
                    for _ in range(4)
                ]
                deadline = time.monotonic() + 60
                while await _waiting_for_locks(db) < 4:
                    assert time.monotonic() < deadline, "the logins did not reach the lock"
                    await asyncio.sleep(0.1)
                assert server.proc is not None
                server.proc.send_signal(signal.SIGTERM)
                await asyncio.sleep(2)
                assert server.alive(), server.tail()
                assert not any(p.done() for p in pedidos)
                with pytest.raises(httpx.ConnectError):
                    await c.get("/healthz")
                await tx.rollback()
                respostas = await asyncio.gather(*pedidos)
            assert [r.status_code for r in respostas] == [200] * 4, [r.text for r in respostas]
            assert all(r.json()["access_token"] for r in respostas)
            # uvicorn re-raises the signal once its shutdown is complete: exit status -SIGTERM,
            # after the lifespan's shutdown (pools closed, usage spooled) has run.
            assert server.proc.wait(30) == -signal.SIGTERM, server.tail()
            assert "Application shutdown complete" in server.tail(), server.tail()
        finally:
            await db.close()
    finally:
        server.stop()
