"""Seguro prestamista: % of the credit, or % a month of the saldo devedor (issue 12, 11)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_grupo, make_running_grupo
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


async def _seguros(tenant: Tenant, cota_id: str) -> list[Decimal]:
    parcelas = (await tenant.client.get(f"/api/cotas/{cota_id}/parcelas", headers=tenant.auth())).json()
    return [Decimal(p["valor_seguro"]) for p in parcelas]


async def test_fixed_percentage_of_the_credit_is_the_default(tenant: Tenant) -> None:
    grupo, cotas = await make_running_grupo(tenant, cotas=1)
    assert grupo["seguro_modo"] == "percentual_credito"
    # 0.5 % of 60 000 = 300.00 over 12 parcelas.
    assert await _seguros(tenant, cotas[0]["id"]) == [Decimal("25.00")] * 12


async def test_monthly_percentage_of_the_saldo_devedor(tenant: Tenant) -> None:
    grupo, cotas = await make_running_grupo(
        tenant, cotas=1, seguro_modo="mensal_saldo_devedor", seguro_pct="0.05"
    )
    assert grupo["seguro_modo"] == "mensal_saldo_devedor"
    seguros = await _seguros(tenant, cotas[0]["id"])
    # Each parcela owes 5 000 + 750 + 100 = 5 850.00 before seguro; 0.05 % a month of the saldo devedor:
    # parcela 1: 0.05 % x 12 x 5 850 = 35.10; parcela 2: x 11 x 5 850 = 32.175 -> 32.18;
    # parcela 12: 0.05 % x 5 850 = 2.925 -> 2.93.
    assert (seguros[0], seguros[1], seguros[11]) == (Decimal("35.10"), Decimal("32.18"), Decimal("2.93"))
    assert seguros == sorted(seguros, reverse=True)
    r = await tenant.client.get(f"/api/grupos/{grupo['id']}/plano", headers=tenant.auth())
    assert r.status_code == 200, r.text
    assert Decimal(r.json()["primeira_parcela"]["seguro"]["valor"]) == Decimal("35.10")


async def test_unknown_clause_is_refused(tenant: Tenant) -> None:
    grupo = await make_grupo(tenant)
    r = await tenant.client.patch(
        f"/api/grupos/{grupo['id']}", json={"seguro_modo": "por_idade"}, headers=tenant.auth(Role.GESTOR)
    )
    assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["campo"] == "seguro_modo", r.text
