"""The sorteio clause through the API: stored with the group's rules, in the apuração's canonical inputs,
and a draw that always reaches an eligible cota, restitution included (issue 12, 8)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tests.support.tenant_app_fixtures import Tenant

from .conftest import assembleia_aberta, assert_problem, passar_corte, semear_grupo

pytestmark = pytest.mark.integration

REGRAS = {
    "metodo_sorteio": "centena_final",
    "direcao_aproximacao": "alternada_abaixo",
    "contemplacoes_sorteio": 1,
    "sorteios_restituicao": 1,
}
# 50 cotas; every centena final is above the group: 950, 870, 777, 666, 555.
EXTRACAO = {"concurso": 6007, "premios": ["00950", "11870", "22777", "33666", "44555"]}


async def test_centena_final_with_approximation_contemplates_and_restitutes(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(
        tenant_a, numero_cotas=50, excluidas=frozenset({17, 42}), saldo_comum=Decimal("500000.00")
    )
    assembleia = await assembleia_aberta(tenant_a, grupo, regras=REGRAS)
    regras = (await c.get(f"/api/grupos/{grupo.grupo_id}/regras-assembleia/", headers=h)).json()
    assert (regras["metodo_sorteio"], regras["zero_vale_maior_cota"], regras["aproximar_sem_candidato"]) == (
        "centena_final",
        False,
        True,
    )
    await passar_corte(tenant_a, assembleia)
    r = await c.post(
        f"/api/assembleias/{assembleia}/apuracao",
        json=EXTRACAO,
        headers={**h, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.text
    # No candidate names a cota: walk from 950 (nearest, ties below): 50, 49, ... — cota 50 by
    # sorteio; among the excluded cotas 42 comes before 17, so 42 is restituted.
    premios = {x["cota_numero"]: x["modalidade"] for x in r.json()["contemplacoes"]}
    assert premios == {50: "sorteio", 42: "restituicao"}
    entrada = (await c.get(f"/api/assembleias/{assembleia}/apuracao/entrada", headers=h)).json()
    assert entrada["regras"]["metodo_sorteio"] == "centena_final"
    assert entrada["regras"]["direcao_aproximacao"] == "alternada_abaixo"
    assert entrada["regras"]["aproximar_sem_candidato"] is True


async def test_unknown_clause_is_refused(tenant_a: Tenant) -> None:
    grupo = await semear_grupo(tenant_a, numero_cotas=10)
    r = await tenant_a.client.put(
        f"/api/grupos/{grupo.grupo_id}/regras-assembleia/",
        json={**REGRAS, "metodo_sorteio": "milhar_do_segundo_premio"},
        headers=tenant_a.auth(),
    )
    body = assert_problem(r, 400)
    assert body["errors"][0]["campo"] == "metodo_sorteio", body
