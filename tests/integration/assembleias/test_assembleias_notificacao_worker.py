"""Winners are notified by a real Celery worker of the tenant, fed through the tenant's Redis."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from tests.integration.tenant_app.conftest import Tenant

from .conftest import assembleia_aberta, passar_corte, semear_grupo

pytestmark = pytest.mark.integration

_WORKER = """
from tenant_app.settings import Settings
from tenant_app.worker import create_celery

app = create_celery(Settings.from_env())
app.worker_main(
    ["worker", "--loglevel=INFO", "--concurrency=1", "--pool=solo", "--without-gossip", "--without-mingle"]
)
"""


async def test_apuracao_queues_the_notification_and_the_worker_delivers_it(
    tenant_a: Tenant, tmp_path: Path
) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(tenant_a, numero_cotas=10, saldo_comum=Decimal("200000.00"))
    assembleia = await assembleia_aberta(tenant_a, grupo)
    r = await c.post(
        f"/api/assembleias/{assembleia}/lances",
        json={"cota_numero": 2, "tipo": "livre", "percentual": "50"},
        headers=h,
    )
    assert r.status_code == 201
    await passar_corte(tenant_a, assembleia)

    log = (tmp_path / "worker.log").open("w")
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _WORKER,
        env={**os.environ, **tenant_a.env},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        r = await c.post(
            f"/api/assembleias/{assembleia}/apuracao",
            json={"concurso": 6004, "premios": ["12307", "10450", "22222", "31415", "40404"]},
            headers=h,
        )
        assert r.status_code == 201, r.text
        assert [x["cota_numero"] for x in r.json()["contemplacoes"]] == [7, 2]
        prazo = time.monotonic() + 90
        notificados: list[object] = []
        while time.monotonic() < prazo:
            record = (await c.get(f"/api/assembleias/{assembleia}/apuracao", headers=h)).json()
            notificados = [x["notificado_em"] for x in record["contemplacoes"]]
            if all(notificados):
                break
            assert worker.returncode is None, (tmp_path / "worker.log").read_text()[-3000:]
            await asyncio.sleep(0.5)
        assert notificados and all(notificados), (tmp_path / "worker.log").read_text()[-3000:]
    finally:
        worker.terminate()
        try:
            await asyncio.wait_for(worker.wait(), timeout=20)
        except TimeoutError:
            worker.kill()
            await worker.wait()
        log.close()
