"""Grupos lifecycle, parcel schedules, cotas (cap, cessão, exclusão, readmissão)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_consorciado, make_grupo, make_running_grupo
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


async def test_grupo_lifecycle_and_schedule(tenant: Tenant) -> None:
    c = tenant.client
    grupo = await make_grupo(tenant)
    assert grupo["status"] == "em_formacao"
    # No cotas yet: cannot start.
    r = await c.post(
        f"/api/grupos/{grupo['id']}/inicio", json={"data_inicio": "2025-01-15"}, headers=tenant.auth()
    )
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")

    grupo, cotas = await make_running_grupo(tenant, cotas=2)
    assert grupo["status"] == "em_andamento"
    parcelas = (
        await c.get(f"/api/cotas/{cotas[0]['id']}/parcelas", headers=tenant.auth(Role.AUDITOR))
    ).json()
    assert len(parcelas) == 12
    assert sum(Decimal(p["valor_fundo_comum"]) for p in parcelas) == Decimal("60000.00")
    assert parcelas[0]["vencimento"] == "2025-02-10"
    plano = (await c.get(f"/api/grupos/{grupo['id']}/plano", headers=tenant.auth())).json()
    assert Decimal(plano["primeira_parcela"]["fundo_comum"]["valor"]) == Decimal("5000.00")
    assert Decimal(plano["primeira_parcela"]["taxa_administracao"]["valor"]) == Decimal("750.00")

    # Contract parameters are frozen once running.
    r = await c.patch(
        f"/api/grupos/{grupo['id']}", json={"prazo_meses": 24}, headers=tenant.auth(Role.GESTOR)
    )
    assert r.status_code == 422
    # Closing moves money (Idempotency-Key) and starts with the notice to the consorciados
    # (Lei 11.795 art. 31; the whole process: tests/integration/tenant_app/encerramento).
    r = await c.post(
        f"/api/grupos/{grupo['id']}/encerramento/",
        headers={**tenant.auth(Role.GESTOR), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 422 and r.json()["type"].endswith("/encerramento_sem_comunicacao")
    # Starting twice is an invalid transition.
    r = await c.post(
        f"/api/grupos/{grupo['id']}/inicio", json={"data_inicio": "2025-02-15"}, headers=tenant.auth()
    )
    assert r.status_code == 409 and r.json()["type"].endswith("/transicao_invalida")

    listing = await c.get("/api/grupos/?status=em_andamento&limit=5", headers=tenant.auth(Role.OPERADOR))
    assert listing.status_code == 200 and all(g["status"] == "em_andamento" for g in listing.json()["items"])


async def test_index_correction_reprices_remaining_plan(tenant: Tenant) -> None:
    grupo, cotas = await make_running_grupo(tenant, cotas=1)
    r = await tenant.client.post(
        f"/api/grupos/{grupo['id']}/correcao",
        json={"indice_pct": "10", "referencia": "IPCA 12m"},
        headers={**tenant.auth(Role.GESTOR), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 200, r.text
    assert Decimal(r.json()["valor_credito"]) == Decimal("66000.00")
    parcelas = (
        await tenant.client.get(f"/api/cotas/{cotas[0]['id']}/parcelas", headers=tenant.auth())
    ).json()
    assert sum(Decimal(p["valor_fundo_comum"]) for p in parcelas) == Decimal("66000.00")


async def test_ten_percent_cap(tenant: Tenant) -> None:
    grupo = await make_grupo(tenant, numero_cotas=25)
    pessoa = await make_consorciado(tenant)
    url = f"/api/grupos/{grupo['id']}/cotas"
    # The cap is 10 % of the ACTIVE cotas on the date of sale (Res. BCB 285/2023), not of the
    # group's size: with 18 other cotas sold, the person's 2 make 20 active, cap 2.
    for _ in range(18):
        outro = await make_consorciado(tenant)
        r = await tenant.client.post(
            url, json={"consorciado_id": outro["id"]}, headers=tenant.auth(Role.OPERADOR)
        )
        assert r.status_code == 201
    for _ in range(2):
        r = await tenant.client.post(
            url, json={"consorciado_id": pessoa["id"]}, headers=tenant.auth(Role.OPERADOR)
        )
        assert r.status_code == 201
    r = await tenant.client.post(
        url, json={"consorciado_id": pessoa["id"]}, headers=tenant.auth(Role.OPERADOR)
    )
    assert r.status_code == 422  # 3 of 21 active, cap 2
    assert r.json()["errors"][0]["campo"] == "consorciado_id"
    # Number already taken / out of range.
    other = await make_consorciado(tenant)
    r = await tenant.client.post(
        url, json={"consorciado_id": other["id"], "numero": 1}, headers=tenant.auth()
    )
    assert r.status_code == 422
    r = await tenant.client.post(
        url, json={"consorciado_id": other["id"], "numero": 26}, headers=tenant.auth()
    )
    assert r.status_code == 422


async def test_cessao_exclusao_readmissao(tenant: Tenant) -> None:
    grupo, cotas = await make_running_grupo(tenant, cotas=2)
    cota = cotas[0]
    novo = await make_consorciado(tenant)
    h = tenant.auth(Role.OPERADOR)
    r = await tenant.client.post(
        f"/api/cotas/{cota['id']}/cessao", json={"consorciado_id": novo["id"]}, headers=h
    )
    assert r.status_code == 200 and r.json()["consorciado_id"] == novo["id"]
    r = await tenant.client.post(
        f"/api/cotas/{cota['id']}/exclusao",
        json={"motivo": "solicitacao"},
        headers={**h, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 200 and r.json()["status"] == "excluida"
    r = await tenant.client.post(
        f"/api/cotas/{cota['id']}/exclusao",
        json={"motivo": "solicitacao"},
        headers={**h, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 422
    r = await tenant.client.post(
        f"/api/cotas/{cota['id']}/cessao", json={"consorciado_id": novo["id"]}, headers=h
    )
    assert r.status_code == 422
    r = await tenant.client.post(f"/api/cotas/{cota['id']}/readmissao", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "ativa"
    listing = await tenant.client.get(f"/api/grupos/{grupo['id']}/cotas?status=ativa", headers=h)
    assert listing.json()["total"] == 2
    # Paging: the total counts the filtered rows, also on a page past the end; the page is
    # in cota-number order.
    page = (await tenant.client.get(f"/api/grupos/{grupo['id']}/cotas?limit=1&offset=1", headers=h)).json()
    assert page["total"] == 2 and [c["numero"] for c in page["items"]] == [max(c["numero"] for c in cotas)]
    past = (
        await tenant.client.get(f"/api/grupos/{grupo['id']}/cotas?status=ativa&offset=50", headers=h)
    ).json()
    assert past["items"] == [] and past["total"] == 2
    # The other filters (the list statement is built once per filter combination).
    base = f"/api/grupos/{grupo['id']}/cotas"
    held = (await tenant.client.get(f"{base}?consorciado_id={novo['id']}", headers=h)).json()
    assert held["total"] == 1 and [c["id"] for c in held["items"]] == [cota["id"]]
    assert (await tenant.client.get(f"{base}?contemplada=false", headers=h)).json()["total"] == 2
    assert (await tenant.client.get(f"{base}?contemplada=true", headers=h)).json()["total"] == 0


async def test_contemplated_cota_cannot_be_excluded(tenant: Tenant, pg_admin_dsn: str) -> None:
    _, cotas = await make_running_grupo(tenant, cotas=1)
    # Contemplação belongs to the assembleias feature; mark it directly in the database.
    import asyncpg

    conn = await asyncpg.connect(tenant.env["DATABASE_URL"])
    await conn.execute(
        "UPDATE cotas SET contemplada = true, contemplada_em = '2025-03-15' WHERE id = $1",
        __import__("uuid").UUID(cotas[0]["id"]),
    )
    with pytest.raises(asyncpg.CheckViolationError):
        await conn.execute(
            "UPDATE cotas SET status = 'excluida' WHERE id = $1", __import__("uuid").UUID(cotas[0]["id"])
        )
    await conn.close()
    r = await tenant.client.post(
        f"/api/cotas/{cotas[0]['id']}/exclusao",
        json={"motivo": "inadimplencia"},
        headers={**tenant.auth(), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 422 and "contemplada" in r.json()["detail"]


async def test_late_adhesion_pays_full_credit_over_remaining_months(tenant: Tenant) -> None:
    grupo, _ = await make_running_grupo(tenant, cotas=1, data_inicio="2025-01-15")
    pessoa = await make_consorciado(tenant)
    r = await tenant.client.post(
        f"/api/grupos/{grupo['id']}/cotas",
        json={"consorciado_id": pessoa["id"], "data_adesao": "2025-04-20"},
        headers=tenant.auth(Role.OPERADOR),
    )
    assert r.status_code == 201, r.text
    parcelas = (
        await tenant.client.get(f"/api/cotas/{r.json()['id']}/parcelas", headers=tenant.auth())
    ).json()
    assert len(parcelas) == 9  # months 4..12 of the group
    assert sum(Decimal(p["valor_fundo_comum"]) for p in parcelas) == Decimal("60000.00")
    assert parcelas[0]["vencimento"] == "2025-05-12"  # 10 May 2025 is a Saturday


async def test_a_grupo_cannot_start_before_its_cotas_joined(tenant: Tenant) -> None:
    grupo = await make_grupo(tenant)
    c = await make_consorciado(tenant)
    r = await tenant.client.post(
        f"/api/grupos/{grupo['id']}/cotas",
        json={"consorciado_id": c["id"], "data_adesao": "2025-03-01"},
        headers=tenant.auth(Role.OPERADOR),
    )
    assert r.status_code == 201, r.text
    url = f"/api/grupos/{grupo['id']}/inicio"
    cedo = await tenant.client.post(url, json={"data_inicio": "2025-02-01"}, headers=tenant.auth(Role.GESTOR))
    assert cedo.status_code == 422, cedo.text
    problem = cedo.json()
    assert problem["type"].endswith("/datas_invalidas") and problem["errors"][0]["campo"] == "data_inicio"
    assert "2025-03-01" in problem["detail"]
    assert (await tenant.client.get(f"/api/grupos/{grupo['id']}", headers=tenant.auth())).json()[
        "status"
    ] == ("em_formacao")
    ok = await tenant.client.post(url, json={"data_inicio": "2025-03-01"}, headers=tenant.auth(Role.GESTOR))
    assert ok.status_code == 200, ok.text
