"""The apuração record explains itself over HTTP (issue 13 item 6): each contemplação, lance and
sorteio not held has a code and a Portuguese sentence with the amounts (real PostgreSQL and Redis)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tests.support.tenant_app_fixtures import Tenant

from .conftest import assembleia_aberta, passar_corte, semear_grupo

pytestmark = pytest.mark.integration

# 1st prize 83127, 50 cotas: the last 2 digits draw cota 27.
EXTRACAO = {"concurso": 6001, "premios": ["83127", "10450", "22222", "31415", "40404"]}


async def test_the_record_says_why(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(tenant_a, em_atraso=frozenset({27}), saldo_comum=Decimal("200000.00"))
    assembleia = await assembleia_aberta(tenant_a, grupo)
    base = f"/api/assembleias/{assembleia}"
    for cota, tipo, pct, emb in [
        (10, "livre", "40", "0"),
        (30, "livre", "40", "0"),
        (5, "embutido", "30", "20"),
    ]:
        r = await c.post(
            f"{base}/lances",
            json={"cota_numero": cota, "tipo": tipo, "percentual": pct, "percentual_embutido": emb},
            headers=h,
        )
        assert r.status_code == 201, r.text
    await passar_corte(tenant_a, assembleia)
    r = await c.post(f"{base}/apuracao", json=EXTRACAO, headers={**h, "Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 201, r.text
    porque = r.json()["explicacoes"]

    # 200k: the sorteio takes 100k (cota 28: 27 is in arrears), lance 30 takes 60k; 40k are left.
    assert [(m["cota"], m["codigo"]) for m in porque["contemplacoes"]] == [(28, "sorteio"), (30, "lance")]
    assert "número sorteado 27" in porque["contemplacoes"][0]["texto"]
    lances = {m["cota"]: m for m in porque["lances"]}
    assert lances[30]["codigo"] == "contemplado" and lances[30]["posicao"] == 1
    dez = lances[10]
    assert dez["codigo"] == "fundo_insuficiente" and dez["situacao"] == "nao_contemplado"
    assert "R$ 60.000,00" in dez["texto"] and "R$ 40.000,00" in dez["texto"], dez["texto"]
    assert lances[5]["codigo"] == "fundo_esgotado_antes" and "2º colocado" in lances[5]["texto"]
    assert porque["nao_realizados"] == []

    # The stored record answers the same reasons (recomputed from its stored inputs).
    again = (await c.get(f"{base}/apuracao", headers=tenant_a.auth())).json()
    assert again["explicacoes"] == porque
    verif = (await c.get(f"{base}/apuracao/verificacao", headers=h)).json()
    assert verif["resultado_confere"] is True

    # Each lance carries its reason once the apuração revealed it.
    listados = {x["cota_numero"]: x for x in (await c.get(f"{base}/lances", headers=h)).json()}
    assert (
        listados[10]["motivo_codigo"] == "fundo_insuficiente"
        and listados[10]["situacao"] == "nao_contemplado"
    )
    assert listados[10]["motivo"] == dez["texto"]
    assert listados[30]["motivo_codigo"] == "contemplado"
    um = await c.get(f"{base}/lances/{listados[5]['id']}", headers=h)
    assert um.json()["motivo_codigo"] == "fundo_esgotado_antes"
