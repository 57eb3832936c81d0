"""Delinquency report, automatic exclusion (API and Celery task), never of a contemplated cota."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta
from decimal import Decimal

import asyncpg
import pytest

from tenant_app import calendario
from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_running_grupo, pay
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


async def test_report_and_exclusion_via_api(tenant: Tenant) -> None:
    grupo, cotas = await make_running_grupo(tenant, cotas=3)
    paying, late, contemplated = (c["id"] for c in cotas)
    conn = await asyncpg.connect(tenant.env["DATABASE_URL"])
    await conn.execute(
        "UPDATE cotas SET contemplada = true, contemplada_em = '2025-02-15' WHERE id = $1",
        uuid.UUID(contemplated),
    )
    await conn.close()
    # Parcelas due 2025-02-10, 03-10, 04-10; "paying" pays all three on time.
    parcelas = (await tenant.client.get(f"/api/cotas/{paying}/parcelas", headers=tenant.auth())).json()
    assert (
        await pay(tenant, paying, str(sum(Decimal(p["valor_total"]) for p in parcelas[:3])), "2025-02-10")
    ).status_code == 201

    r = await tenant.client.get(
        f"/api/inadimplencia/?grupo_id={grupo['id']}&data=2025-04-20", headers=tenant.auth(Role.FINANCEIRO)
    )
    assert r.status_code == 200
    report = r.json()
    by_cota = {c["cota_id"]: c for c in report["cotas"]}
    assert paying not in by_cota
    assert by_cota[late]["parcelas_vencidas"] == 3 and by_cota[late]["parcelas_consecutivas"] == 3
    assert Decimal(by_cota[late]["multa"]) > 0 and Decimal(by_cota[late]["juros"]) > 0
    assert Decimal(report["total_devido"]) == sum(Decimal(c["total"]) for c in report["cotas"])

    # Financeiro may read the report but not run exclusions.
    assert (
        await tenant.client.post(
            "/api/inadimplencia/exclusoes",
            json={"data": "2025-04-20"},
            headers={**tenant.auth(Role.FINANCEIRO), "Idempotency-Key": uuid.uuid4().hex},
        )
    ).status_code == 403
    # A future day would count parcelas not yet due as late: refused, nothing excluded.
    r = await tenant.client.post(
        "/api/inadimplencia/exclusoes",
        json={"data": (calendario.hoje() + timedelta(days=1)).isoformat()},
        headers={**tenant.auth(Role.GESTOR), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["campo"] == "data", r.text
    r = await tenant.client.post(
        "/api/inadimplencia/exclusoes",
        json={"data": "2025-04-20"},
        headers={**tenant.auth(Role.GESTOR), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 200
    assert late in r.json()["excluidas"] and contemplated not in r.json()["excluidas"]
    states = {
        c["id"]: c
        for c in (await tenant.client.get(f"/api/grupos/{grupo['id']}/cotas", headers=tenant.auth())).json()[
            "items"
        ]
    }
    assert states[late]["status"] == "excluida" and states[late]["motivo_exclusao"] == "inadimplencia"
    assert states[contemplated]["status"] == "ativa"


async def test_celery_task_body_excludes_defaulters(tenant: Tenant) -> None:
    _, cotas = await make_running_grupo(tenant, cotas=1, parcelas_para_exclusao=2)
    from tenant_app.inadimplencia.tasks import exclusao_diaria

    # 2025-02-20: one parcela overdue -> stays; 2025-03-20: two consecutive -> excluded.
    assert cotas[0]["id"] not in await exclusao_diaria(tenant.settings, date(2025, 2, 20))
    excluded = await exclusao_diaria(tenant.settings, date(2025, 3, 20))
    assert cotas[0]["id"] in excluded
    entries = (
        await tenant.client.get(
            f"/api/auditoria/?entidade=cotas&entidade_id={cotas[0]['id']}", headers=tenant.auth(Role.AUDITOR)
        )
    ).json()["items"]
    assert any(e["actor_email"] == "tarefa:exclusao-diaria" for e in entries)
    await asyncio.sleep(0)
