"""Antecipação da taxa (Lei 11.795 art. 27 §3), diferença de prestação (Res. 285 art. 25-A): issue 12."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_grupo, make_running_grupo, pay
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


async def test_charged_with_the_adesao_shown_apart_and_deducted_from_the_plan(tenant: Tenant) -> None:
    grupo, cotas = await make_running_grupo(tenant, cotas=1, taxa_antecipada_pct="2")
    cota = cotas[0]["id"]
    parcelas = (await tenant.client.get(f"/api/cotas/{cota}/parcelas", headers=tenant.auth())).json()
    # Credit 60 000, taxa 15 % = 9 000; 2 % = 1 200 at the adesão, the other 7 800 / 12 = 650 a month.
    primeira = parcelas[0]
    assert (Decimal(primeira["valor_taxa_administracao"]), Decimal(primeira["valor_taxa_antecipada"])) == (
        Decimal("650.00"),
        Decimal("1200.00"),
    )
    # Parcela 1: 5 000 + 650 + 1 200 + 100 + 25 = 6 975.00; the others 5 000 + 650 + 100 + 25 = 5 775.00.
    assert Decimal(primeira["valor_total"]) == Decimal("6975.00")
    assert {Decimal(p["valor_total"]) for p in parcelas[1:]} == {Decimal("5775.00")}
    assert all(Decimal(p["valor_taxa_antecipada"]) == 0 for p in parcelas[1:])
    # The total taxa is unchanged: 1 200 + 12 x 650 = 9 000.
    total = sum(
        Decimal(p["valor_taxa_administracao"]) + Decimal(p["valor_taxa_antecipada"]) for p in parcelas
    )
    assert total == Decimal("9000.00")
    plano = (await tenant.client.get(f"/api/grupos/{grupo['id']}/plano", headers=tenant.auth())).json()
    assert Decimal(plano["primeira_parcela"]["taxa_antecipada"]["valor"]) == Decimal("1200.00")
    assert Decimal(plano["primeira_parcela"]["taxa_administracao"]["valor"]) == Decimal("650.00")
    # Paying parcela 1 books the whole taxa (month + antecipação) as the administradora's.
    r = await pay(tenant, cota, "6975.00", "2025-02-10")
    assert r.status_code == 201, r.text
    fundos = (
        await tenant.client.get(f"/api/grupos/{grupo['id']}/fundos", headers=tenant.auth(Role.AUDITOR))
    ).json()
    assert fundos["conciliado"] is True and Decimal(fundos["taxa_administracao_recebida"]) == Decimal(
        "1850.00"
    )


async def test_antecipacao_above_the_taxa_is_refused(tenant: Tenant) -> None:
    r = await tenant.client.post(
        "/api/grupos/",
        json={
            "codigo": "GANT1",
            "tipo_bem": "automovel",
            "valor_credito": "60000.00",
            "prazo_meses": 12,
            "numero_cotas": 100,
            "taxa_administracao_pct": "15",
            "taxa_antecipada_pct": "16",
            "dia_assembleia": 15,
            "dia_vencimento": 10,
        },
        headers=tenant.auth(Role.GESTOR),
    )
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    (erro,) = r.json()["errors"]
    assert erro["campo"] == "taxa_antecipada_pct" and "15" in erro["mensagem"], erro
    grupo = await make_grupo(tenant)
    r = await tenant.client.patch(
        f"/api/grupos/{grupo['id']}", json={"taxa_administracao_pct": "1"}, headers=tenant.auth(Role.GESTOR)
    )
    assert r.status_code == 200, r.text  # no antecipação: nothing to exceed
    r = await tenant.client.patch(
        f"/api/grupos/{grupo['id']}", json={"taxa_antecipada_pct": "1.5"}, headers=tenant.auth(Role.GESTOR)
    )
    assert r.status_code == 422 and r.json()["errors"][0]["campo"] == "taxa_antecipada_pct", r.text


async def test_diferenca_de_prestacao_goes_into_the_next_parcela(tenant: Tenant) -> None:
    # Res. BCB 285 art. 25-A: parcela 1 (due 2025-02-10) was billed at 5 875.00 before the AGO; the price
    # rises 10 %. Parcela 1 keeps its billed amount; the same parcela at the new price would be 6 462.50,
    # so parcela 2 = 6 462.50 + 587.50 = 7 050.00; parcelas 3-12 = 6 462.50.
    grupo, cotas = await make_running_grupo(tenant, cotas=1)
    r = await tenant.client.post(
        f"/api/grupos/{grupo['id']}/correcao",
        json={"indice_pct": "10", "referencia": "IPCA", "vencimento_cobrado": "2025-02-10"},
        headers={**tenant.auth(Role.GESTOR), "Idempotency-Key": "correcao-ipca-1"},
    )
    assert r.status_code == 200, r.text
    parcelas = (
        await tenant.client.get(f"/api/cotas/{cotas[0]['id']}/parcelas", headers=tenant.auth())
    ).json()
    totais = [Decimal(p["valor_total"]) for p in parcelas]
    assert totais == [Decimal("5875.00"), Decimal("7050.00")] + [Decimal("6462.50")] * 10
    # The cota still pays 100 % of the corrected credit to the fundo comum: 5 000 + 6 000 + 10 x 5 500.
    assert sum(Decimal(p["valor_fundo_comum"]) for p in parcelas) == Decimal("66000.00")
