"""At-least-once under restarts: 300 events to a webhook while the Celery worker is killed (SIGKILL),
Redis is restarted (queued task messages lost) and PostgreSQL is restarted, mid-flight. Every event
arrives (possibly twice, same webhook-id) and every delivery ends ``entregue``.

PostgreSQL and Redis here are a private cluster and server started by the devstack code for this
test (restarting the shared ones would break other test sessions); they are the same binaries and
settings as the devstack ones.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from devstack import postgres
from devstack.config import StackConfig
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.eventos.tipos import COTA_ADERIDA
from tenant_app.migrations import runner
from tenant_app.notificacoes.config import NotificacoesSettings
from tenant_app.notificacoes.models import WebhookEntrega
from tenant_app.notificacoes.webhooks.service import criar_endpoint
from tenant_app.settings import Settings
from tenant_app.unit_of_work import Actor, UnitOfWork
from tests.support.notificacoes_fixtures import Receptor

pytestmark = [pytest.mark.integration, pytest.mark.runs_last]

EVENTOS = 300


def _porta_livre() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = int(s.getsockname()[1])
    s.close()
    return p


class RedisPrivado:
    def __init__(self, porta: int, pasta: Path) -> None:
        self.porta, self.pasta = porta, pasta
        self.proc: subprocess.Popen[bytes] | None = None

    def iniciar(self) -> None:
        binario = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen(
            [
                binario,
                "--port",
                str(self.porta),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.pasta),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        fim = time.monotonic() + 10
        while time.monotonic() < fim:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.porta)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("private redis did not start")

    def parar(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()  # no persistence: every queued task message is gone
            self.proc.wait()


def _reiniciar_postgres_rapido(cfg: StackConfig) -> None:
    """Fast shutdown (SIGINT: open sessions are cut, as in a real restart), then start again."""
    from devstack import procs

    pid = procs.running_pid(cfg, "postgres", "postgres")
    assert pid is not None
    os.kill(pid, signal.SIGINT)
    fim = time.monotonic() + 30
    while procs.running_pid(cfg, "postgres", "postgres") is not None and time.monotonic() < fim:
        time.sleep(0.1)
    postgres.start(cfg, log=lambda m: None)


@pytest.fixture
def pg_privado(tmp_path: Path):  # type: ignore[no-untyped-def]
    base = StackConfig.from_env()
    cfg = dataclasses.replace(
        base, root=tmp_path / "devstack", ports=dataclasses.replace(base.ports, postgres=_porta_livre())
    )
    postgres.start(cfg, log=lambda m: None)
    yield cfg
    postgres.stop(cfg)
    postgres.remove(cfg)


async def _publicar(factory, n: int) -> set[str]:  # type: ignore[no-untyped-def]
    ids: set[str] = set()
    async with UnitOfWork.start(factory, Actor(None, "teste")) as uow:
        for i in range(n):
            ids.add(str(uow.publicar(COTA_ADERIDA, {"cota_id": uuid.uuid4(), "i": i})))
        await uow.commit()
    return ids


async def test_nenhum_evento_se_perde_com_reinicios(
    pg_privado: StackConfig,
    receptor: Receptor,
    iniciar_worker,
    tmp_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    import asyncpg

    monkeypatch.setenv("WEBHOOK_MODO", "devstack")
    admin = await asyncpg.connect(pg_privado.database_url)
    await admin.execute("CREATE DATABASE reinicios")
    await admin.close()
    dsn = pg_privado.database_url.rsplit("/", 1)[0] + "/reinicios"
    await runner.upgrade(dsn)
    redis = RedisPrivado(_porta_livre(), tmp_path)
    redis.iniciar()
    slug = f"rein{uuid.uuid4().hex[:6]}"
    env = {
        "TENANT_SLUG": slug,
        "DATABASE_URL": dsn,
        "REDIS_URL": f"redis://127.0.0.1:{redis.porta}/0",
        "REDIS_KEY_PREFIX": f"tenant:{slug}:",
        "JWT_SECRET": uuid.uuid4().hex * 2,
        "WEBHOOK_LEASE_SECONDS": "4",
    }
    settings = Settings.from_env(env)
    engine = create_engine(settings.database)
    factory = create_session_factory(engine)
    worker = None
    try:
        async with UnitOfWork.start(factory, Actor(None, "teste")) as uow:
            nset = NotificacoesSettings.from_env({**env, "WEBHOOK_MODO": "devstack"})
            await criar_endpoint(uow, nset, receptor.url("/ok-lento"), None, [COTA_ADERIDA])
        esperados = await _publicar(factory, EVENTOS)
        worker = iniciar_worker(env)
        # Mid-flight: some delivered, most not yet.
        await asyncio.to_thread(receptor.esperar, "/ok-lento", 20, 120)
        os.killpg(worker.pid, signal.SIGKILL)  # the whole worker (main process and pool), as a node loss
        worker.wait()
        redis.parar()
        _reiniciar_postgres_rapido(pg_privado)
        await engine.dispose()  # this test's own pooled connections were cut by the restart
        redis.iniciar()
        recebidos_antes = {r.headers["webhook-id"] for r in receptor.de("/ok-lento")}
        assert len(recebidos_antes) < EVENTOS  # really mid-flight
        worker = iniciar_worker(env)
        # More events while the system recovers.
        esperados |= await _publicar(factory, 20)
        fim = time.monotonic() + 180
        while time.monotonic() < fim:
            recebidos = {r.headers["webhook-id"] for r in receptor.de("/ok-lento")}
            if recebidos >= esperados:
                break
            await asyncio.sleep(0.5)
        recebidos = {r.headers["webhook-id"] for r in receptor.de("/ok-lento")}
        assert esperados - recebidos == set(), f"{len(esperados - recebidos)} events never delivered"
        duplicados = len(receptor.de("/ok-lento")) - len(recebidos)
        print(f"delivered {len(recebidos)} events; {duplicados} duplicate deliveries (same webhook-id)")
        fim = time.monotonic() + 30
        while time.monotonic() < fim:
            async with factory() as s:
                pendentes = await s.scalar(
                    select(func.count())
                    .select_from(WebhookEntrega)
                    .where(WebhookEntrega.status != "entregue")
                )
            if pendentes == 0:
                break
            await asyncio.sleep(0.5)
        assert pendentes == 0
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=20)
        await engine.dispose()
        redis.parar()
