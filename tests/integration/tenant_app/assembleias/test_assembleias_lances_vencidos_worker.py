"""The beat task that disqualifies unpaid lance winners, run by a real Celery worker of the tenant."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from tenant_app.assembleias.models import ContemplacaoCota
from tenant_app.assembleias.tarefa_lances_vencidos import NOME_TAREFA
from tenant_app.worker import create_celery
from tests.support.tenant_app_fixtures import Tenant

from .conftest import HOJE, sessao, tenant_worker
from .test_assembleias_pagamento_lance import _apurada

pytestmark = pytest.mark.integration


async def test_worker_disqualifies_the_unpaid_winner(tenant_a: Tenant, tmp_path: Path) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo, assembleia = await _apurada(tenant_a)
    session, engine = await sessao(tenant_a)
    try:
        # Two days back: safe whatever the tenant's time zone makes of "today".
        await session.execute(
            update(ContemplacaoCota)
            .where(ContemplacaoCota.cota_id == grupo.cotas[30])
            .values(prazo_pagamento_lance=HOJE - timedelta(days=2))
        )
        await session.commit()
    finally:
        await session.close()
        await engine.dispose()  # type: ignore[attr-defined]

    async with tenant_worker(tenant_a, tmp_path) as worker:
        create_celery(tenant_a.settings).send_task(NOME_TAREFA, retry=False)
        prazo = time.monotonic() + 90
        situacao: dict[int, str] = {}
        while time.monotonic() < prazo:
            record = (await c.get(f"/api/assembleias/{assembleia}/apuracao", headers=h)).json()
            situacao = {x["cota_numero"]: x["status"] for x in record["contemplacoes"]}
            if record["revisao"] == 2:
                break
            assert worker.process.returncode is None, worker.log_tail()
            await asyncio.sleep(0.5)
        assert situacao == {27: "ativa", 10: "ativa", 30: "desclassificada"}, worker.log_tail()
