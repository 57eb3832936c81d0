"""Multa and juros on what is actually overdue, the 1 % a month cap, where the charges go (issue 12, 1)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_grupo, make_running_grupo, pay
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


async def _fundos(tenant: Tenant, grupo_id: str) -> dict:
    r = await tenant.client.get(f"/api/grupos/{grupo_id}/fundos", headers=tenant.auth(Role.AUDITOR))
    assert r.status_code == 200
    return dict(r.json())


async def test_multa_on_the_unpaid_rest_and_charges_split_with_the_administradora(tenant: Tenant) -> None:
    # Half of multa + juros to the fundo comum, half to the administradora (Lei 11.795 art. 25 § único).
    grupo, cotas = await make_running_grupo(tenant, cotas=1, encargos_fundo_comum_pct="50")
    assert Decimal(grupo["encargos_fundo_comum_pct"]) == Decimal("50")
    cota = cotas[0]["id"]
    parcela = (await tenant.client.get(f"/api/cotas/{cota}/parcelas", headers=tenant.auth())).json()[0]
    # 60 000 x (100 + 15 + 2 + 0.5) % / 12 = 5 000 + 750 + 100 + 25 = 5 875.00, due 2025-02-10.
    assert Decimal(parcela["valor_total"]) == Decimal("5875.00")
    # On the due date 5 655.00: fundo comum 5 000, reserva 100, taxa 555; 220.00 left unpaid.
    r = await pay(tenant, cota, "5655.00", "2025-02-10")
    assert r.status_code == 201, r.text
    # 30 days late: multa 2 % x 220 = 4.40 (not 2 % x 5 875 = 117.50); juros 1 % x 220 x 30/30 = 2.20.
    parcela = (
        await tenant.client.get(f"/api/cotas/{cota}/parcelas?data=2025-03-12", headers=tenant.auth())
    ).json()[0]
    assert (Decimal(parcela["multa_devida"]), Decimal(parcela["juros_devidos"])) == (
        Decimal("4.40"),
        Decimal("2.20"),
    )
    # 220 + 4.40 + 2.20 = 226.60 settles it: taxa 195, seguro 25.
    r = await pay(tenant, cota, "226.60", "2025-03-12")
    assert r.status_code == 201, r.text
    (a,) = [x for x in r.json()["alocacoes"] if x["parcela_numero"] == 1]
    assert (Decimal(a["multa"]), Decimal(a["juros"])) == (Decimal("4.40"), Decimal("2.20"))
    f = await _fundos(tenant, grupo["id"])
    assert f["conciliado"] is True
    # Fundo comum: 5 000 + 50 % x 6.60 = 5 003.30; the administradora: taxa 750 + 3.30 = 753.30.
    assert Decimal(f["saldo_fundo_comum"]) == Decimal("5003.30")
    assert Decimal(f["taxa_administracao_recebida"]) == Decimal("753.30")
    assert Decimal(f["saldo_fundo_reserva"]) == Decimal("100.00")
    assert Decimal(f["seguro_recebido"]) == Decimal("25.00")
    # The estorno of the late payment takes back exactly the same split.
    r = await tenant.client.post(
        f"/api/pagamentos/{r.json()['id']}/estorno",
        json={"motivo": "pix devolvido"},
        headers={**tenant.auth(Role.FINANCEIRO), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 200, r.text
    f = await _fundos(tenant, grupo["id"])
    assert f["conciliado"] is True
    assert Decimal(f["saldo_fundo_comum"]) == Decimal("5000.00")
    assert Decimal(f["taxa_administracao_recebida"]) == Decimal("555.00")


async def test_default_sends_all_charges_to_the_fundo_comum(tenant: Tenant) -> None:
    grupo, cotas = await make_running_grupo(tenant, cotas=1)
    assert Decimal(grupo["encargos_fundo_comum_pct"]) == Decimal("100")
    # Nothing paid on time: multa 2 % x 5 875 = 117.50, juros 1 % x 5 875 = 58.75 (30 days).
    r = await pay(tenant, cotas[0]["id"], "6051.25", "2025-03-12")  # 5 875 + 117.50 + 58.75
    assert r.status_code == 201, r.text
    f = await _fundos(tenant, grupo["id"])
    assert f["conciliado"] is True
    assert Decimal(f["saldo_fundo_comum"]) == Decimal("5176.25")  # 5 000 + 117.50 + 58.75
    assert Decimal(f["taxa_administracao_recebida"]) == Decimal("750.00")


@pytest.mark.parametrize(
    ("campo", "valor", "limite"),
    [
        ("juros_mensal_pct", "1.01", "1%"),
        ("multa_pct", "2.5", "2%"),
        ("encargos_fundo_comum_pct", "100.5", "100%"),
    ],
)
async def test_contract_above_the_legal_caps_is_refused(
    tenant: Tenant, campo: str, valor: str, limite: str
) -> None:
    body = {
        "codigo": "GCAP1",
        "tipo_bem": "automovel",
        "valor_credito": "60000.00",
        "prazo_meses": 12,
        "numero_cotas": 100,
        "taxa_administracao_pct": "15",
        "dia_assembleia": 15,
        "dia_vencimento": 10,
        campo: valor,
    }
    r = await tenant.client.post("/api/grupos/", json=body, headers=tenant.auth(Role.GESTOR))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    (erro,) = r.json()["errors"]
    assert erro["campo"] == campo and limite in erro["mensagem"], erro
    grupo = await make_grupo(tenant)
    r = await tenant.client.patch(
        f"/api/grupos/{grupo['id']}", json={campo: valor}, headers=tenant.auth(Role.GESTOR)
    )
    assert r.status_code == 422 and r.json()["errors"][0]["campo"] == campo, r.text
