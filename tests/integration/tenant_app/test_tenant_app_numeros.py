"""Consistent numbers: money always a string with two decimals, a percentage with four, whatever was sent."""

from __future__ import annotations

import re

import pytest

from tenant_app.users.roles import Role
from tests.support.tenant_app_fixtures import Tenant

from .factories import make_grupo, make_running_grupo, pay

pytestmark = pytest.mark.integration

DINHEIRO = re.compile(r"^-?\d+\.\d{2}$")
PERCENTUAL = re.compile(r"^-?\d+\.\d{4}$")


async def test_money_two_decimals_percentages_four_as_sent_and_as_read(tenant: Tenant) -> None:
    grupo = await make_grupo(
        tenant, valor_credito="80000", taxa_administracao_pct="15", fundo_reserva_pct="2.5"
    )
    lido = (await tenant.client.get(f"/api/grupos/{grupo['id']}", headers=tenant.auth())).json()
    for corpo in (grupo, lido):
        assert corpo["valor_credito"] == "80000.00"
        assert corpo["taxa_administracao_pct"] == "15.0000" and corpo["fundo_reserva_pct"] == "2.5000"
        assert DINHEIRO.match(corpo["saldo_fundo_comum"]) and PERCENTUAL.match(corpo["multa_pct"])

    _, cotas = await make_running_grupo(tenant, cotas=1)
    r = await pay(tenant, cotas[0]["id"], "100", "2025-02-01")
    assert r.status_code == 201, r.text
    pagamento = r.json()
    assert pagamento["valor"] == "100.00" and pagamento["valor_embutido"] == "0.00"
    for alocacao in pagamento["alocacoes"]:
        for campo in ("fundo_comum", "fundo_reserva", "taxa_administracao", "seguro", "multa", "juros"):
            assert DINHEIRO.match(alocacao[campo]), (campo, alocacao)
    listado = (
        await tenant.client.get(f"/api/cotas/{cotas[0]['id']}/pagamentos", headers=tenant.auth())
    ).json()
    assert listado["items"][0]["valor"] == "100.00"


async def test_the_shapes_are_documented(tenant: Tenant) -> None:
    spec = (await tenant.client.get("/schema/openapi.json", headers=tenant.auth(Role.AUDITOR))).json()
    schemas = spec["components"]["schemas"]
    grupo = next(v for k, v in schemas.items() if k.endswith("GrupoOut"))
    assert "2 casas" in str(grupo["properties"]["valor_credito"])
    assert "4 casas" in str(grupo["properties"]["taxa_administracao_pct"])
