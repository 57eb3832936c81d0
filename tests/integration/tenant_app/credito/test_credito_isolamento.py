"""Two real tenants: nothing of tenant A's cartas de crédito is reachable through tenant B's API, and a
retorno file of A's payouts imported in B settles nothing."""

from __future__ import annotations

import pytest

from tests.support.tenant_app_fixtures import Tenant

from .banco import retorno_do_banco, seus_numeros
from .conftest import CONTA_PAGADORA, HOJE, chave, contemplar, mover_contemplacao, semear_grupo

pytestmark = pytest.mark.integration


async def test_outro_tenant_nao_alcanca_as_cartas(tenant_a: Tenant, tenant_b: Tenant) -> None:
    a, ha = tenant_a.client, tenant_a.auth()
    b, hb = tenant_b.client, tenant_b.auth()
    grupo = await semear_grupo(tenant_a, parcelas=2, pagas=2)
    await contemplar(tenant_a, grupo, 4)
    carta_id = (await a.get(f"/api/cotas/{grupo.cotas[4]}/credito", headers=ha)).json()["carta"]["id"]
    await mover_contemplacao(tenant_a, carta_id, 200)
    r = await a.post(
        f"/api/creditos/{carta_id}/conversao-especie", json={"motivo": "Pedido"}, headers={**ha, **chave()}
    )
    assert r.status_code == 200, r.text
    especie = {
        "destino": "especie",
        "valor": "100000.00",
        "forma": "ted",
        "favorecido": {
            "nome": "Consorciado 4",
            "documento": grupo.documentos[4],
            "banco": "001",
            "agencia": "1",
            "conta": "2",
            "dv_conta": "3",
        },
    }
    assert (
        await a.post(f"/api/creditos/{carta_id}/pagamentos", json=especie, headers={**ha, **chave()})
    ).status_code == 201
    r = await a.post(
        f"/api/grupos/{grupo.grupo_id}/creditos/remessas",
        json={"forma": "ted", "conta": CONTA_PAGADORA},
        headers={**ha, **chave()},
    )
    remessa = r.json()
    arquivo = (await a.get(remessa["arquivo"], headers=ha)).text

    # Reads: 404 for A's ids in B.
    for url in (
        f"/api/creditos/{carta_id}",
        f"/api/cotas/{grupo.cotas[4]}/credito",
        f"/api/grupos/{grupo.grupo_id}/creditos",
        f"/api/grupos/{grupo.grupo_id}/creditos/conciliacao",
        remessa["arquivo"],
    ):
        r = await b.get(url, headers=hb)
        assert r.status_code == 404, (url, r.text)
    # Writes: 404, nothing created.
    for rota, corpo in (
        ("analise", {"motivo": "Tentativa"}),
        ("documentos", {"tipo": "renda", "referencia": "x"}),
        ("conversao-especie", {"motivo": "Tentativa"}),
        ("pagamentos", especie),
    ):
        r = await b.post(f"/api/creditos/{carta_id}/{rota}", json=corpo, headers={**hb, **chave()})
        assert r.status_code == 404, (rota, r.text)
    r = await b.post(
        f"/api/grupos/{grupo.grupo_id}/creditos/remessas",
        json={"forma": "ted", "conta": CONTA_PAGADORA},
        headers={**hb, **chave()},
    )
    assert r.status_code == 404, r.text
    # A's retorno imported in B: B knows none of the payouts; A's stay waiting for A's own import.
    retorno = retorno_do_banco(arquivo, dict.fromkeys(seus_numeros(arquivo), "00"), HOJE)
    r = await b.post("/api/creditos/retornos", json={"conteudo": retorno}, headers={**hb, **chave()})
    assert r.status_code == 200 and [i["situacao"] for i in r.json()["itens"]] == ["desconhecido"], r.text
    carta = (await a.get(f"/api/creditos/{carta_id}", headers=ha)).json()
    assert carta["pagamentos"][0]["status"] == "em_remessa" and carta["carta"]["valor_pago"] == "0.00"
