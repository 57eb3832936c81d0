"""Winners are notified by a real Celery worker of the tenant, fed through the tenant's Redis."""

from __future__ import annotations

import asyncio
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.tenant_app_fixtures import Tenant

from .conftest import assembleia_aberta, passar_corte, semear_grupo, tenant_worker

pytestmark = pytest.mark.integration


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

    async with tenant_worker(tenant_a, tmp_path) as worker:
        r = await c.post(
            f"/api/assembleias/{assembleia}/apuracao",
            json={"concurso": 6004, "premios": ["12307", "10450", "22222", "31415", "40404"]},
            headers={**h, "Idempotency-Key": uuid.uuid4().hex},
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
            assert worker.process.returncode is None, worker.log_tail()
            await asyncio.sleep(0.5)
        assert notificados and all(notificados), worker.log_tail()
