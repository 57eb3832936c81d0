"""Listings for daily work: payments across the tenant or a grupo by date, forma and status (paginated, CSV),
and the delinquency report with whom to call (name, document, contacts)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from decimal import Decimal

import pytest

from tenant_app.users.roles import Role
from tests.support.tenant_app_fixtures import Tenant

from .factories import make_running_grupo

pytestmark = pytest.mark.integration


async def _pagar(tenant: Tenant, cota: str, valor: str, data: str, forma: str) -> dict:
    r = await tenant.client.post(
        f"/api/cotas/{cota}/pagamentos",
        json={"valor": valor, "data_pagamento": data, "forma": forma},
        headers={**tenant.auth(Role.FINANCEIRO), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_payments_across_cotas_by_grupo_date_forma_and_status(tenant: Tenant) -> None:
    g1, cotas1 = await make_running_grupo(tenant, cotas=2)
    g2, cotas2 = await make_running_grupo(tenant, cotas=1)
    a = await _pagar(tenant, cotas1[0]["id"], "100.00", "2025-02-03", "pix")
    b = await _pagar(tenant, cotas1[1]["id"], "200.50", "2025-02-04", "boleto")
    c = await _pagar(tenant, cotas2[0]["id"], "300.00", "2025-02-04", "pix")
    estorno = await tenant.client.post(
        f"/api/pagamentos/{a['id']}/estorno",
        json={"motivo": "pix devolvido"},
        headers={**tenant.auth(Role.FINANCEIRO), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert estorno.status_code == 200, estorno.text
    h = tenant.auth(Role.AUDITOR)

    async def ids(query: str) -> list[str]:
        r = await tenant.client.get(f"/api/pagamentos?{query}", headers=h)
        assert r.status_code == 200, r.text
        return [i["id"] for i in r.json()["items"]]

    assert await ids(f"grupo_id={g1['id']}") == [b["id"], a["id"]]  # newest first
    assert await ids(f"grupo_id={g2['id']}") == [c["id"]]
    assert set(await ids(f"grupo_id={g1['id']}&forma=pix")) == {a["id"]}
    assert set(await ids(f"grupo_id={g1['id']}&status=estornado")) == {a["id"]}
    assert set(await ids(f"grupo_id={g1['id']}&status=confirmado")) == {b["id"]}
    dia = set(await ids("desde=2025-02-04&ate=2025-02-04&limit=200"))
    assert {b["id"], c["id"]} <= dia and a["id"] not in dia
    page = (await tenant.client.get(f"/api/pagamentos?grupo_id={g1['id']}&limit=1", headers=h)).json()
    assert page["total"] == 2 and len(page["items"]) == 1
    item = page["items"][0]
    assert item["grupo_codigo"] == g1["codigo"] and item["cota_numero"] == cotas1[1]["numero"]
    assert Decimal(item["valor"]) == Decimal("200.50")
    # Bad filters are named as sent, with the allowed values.
    bad = await tenant.client.get("/api/pagamentos?forma=cheque&desde=04/02/2025", headers=h)
    assert bad.status_code == 400
    erros = {e["campo"]: e["mensagem"] for e in bad.json()["errors"]}
    assert "pix" in erros["forma"] and "AAAA-MM-DD" in erros["desde"]

    # The same as CSV for a spreadsheet.
    r = await tenant.client.get(f"/api/pagamentos/exportacao?grupo_id={g1['id']}", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    texto = r.content.decode("utf-8")
    assert texto.startswith("\ufeff")
    linhas = list(csv.DictReader(io.StringIO(texto.lstrip("\ufeff")), delimiter=";"))
    assert [(x["id"], x["valor"], x["forma"], x["status"]) for x in linhas] == [
        (b["id"], "200,50", "boleto", "confirmado"),
        (a["id"], "100,00", "pix", "estornado"),
    ]
    assert linhas[0]["grupo"] == g1["codigo"] and linhas[0]["data_pagamento"] == "2025-02-04"


async def test_delinquency_report_says_whom_to_call(tenant: Tenant) -> None:
    grupo, cotas = await make_running_grupo(tenant, cotas=1)
    pessoa = (
        await tenant.client.get(f"/api/consorciados/{cotas[0]['consorciado_id']}", headers=tenant.auth())
    ).json()
    r = await tenant.client.post(
        f"/api/consorciados/{pessoa['id']}/contatos",
        json={"tipo": "celular", "valor": "+55 11 98765-4321", "principal": True},
        headers=tenant.auth(Role.OPERADOR),
    )
    assert r.status_code == 201, r.text
    hoje = date.today().isoformat()
    report = await tenant.client.get(
        f"/api/inadimplencia?grupo_id={grupo['id']}&data={hoje}", headers=tenant.auth(Role.FINANCEIRO)
    )
    assert report.status_code == 200, report.text
    [linha] = report.json()["cotas"]
    assert linha["consorciado_nome"] == pessoa["nome"]
    assert linha["consorciado_documento"] == pessoa["documento"] and pessoa["documento"]
    assert linha["email"] == "pessoa@example.com" and linha["grupo_codigo"] == grupo["codigo"]
    assert {"tipo": "celular", "valor": "+55 11 98765-4321", "principal": True} in linha["contatos"]
