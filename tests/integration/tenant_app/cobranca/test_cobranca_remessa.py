"""Remessa CNAB 240 on real PostgreSQL and the tenant's real bucket (versitygw): numbered, P/Q/R per título,
trailers right, stored; baixas follow; the bank's confirmation (retorno 02) registers the títulos."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.cobranca.apoio import (
    arquivo_retorno,
    conta,
    emitir,
    grupo_com_parcelas,
    importar,
    parcelas,
)
from tests.support.cobranca_banco import OcorrenciaBanco
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


async def _gerar(tenant: Tenant, conta_id: str) -> Any:
    return await tenant.client.post(
        f"/api/cobranca/contas/{conta_id}/remessas", headers=tenant.auth(Role.FINANCEIRO)
    )


async def test_remessa_numbered_stored_and_registered(s3_tenant: Tenant) -> None:
    tenant = s3_tenant
    c = await conta(tenant)
    _, cotas = await grupo_com_parcelas(tenant, cotas=2)
    titulos = []
    for cota in cotas:
        r = await tenant.client.post(
            f"/api/cotas/{cota['id']}/carne", json={"quantidade": 3}, headers=tenant.auth(Role.FINANCEIRO)
        )
        assert r.status_code == 201, r.text
        titulos += r.json()
    r = await _gerar(tenant, c["id"])
    assert r.status_code == 201, r.text
    remessa = r.json()
    assert remessa["numero"] == 1 and remessa["titulos"] == 6
    assert Decimal(remessa["valor_total"]) == sum(Decimal(t["valor"]) for t in titulos)
    assert remessa["url"].startswith("http") and remessa["sha256"]
    arquivo = await tenant.client.get(
        f"/api/cobranca/remessas/{remessa['id']}/arquivo", headers=tenant.auth()
    )
    assert arquivo.status_code == 200
    texto = arquivo.content.decode("ascii")
    linhas = texto.split("\r\n")[:-1]
    assert all(len(linha) == 240 for linha in linhas) and texto.endswith("\r\n")
    assert linhas[0][157:163] == "000001"  # NSA
    segmentos = [linha[13] for linha in linhas if linha[7] == "3"]
    assert segmentos == ["P", "Q", "R"] * 6
    nossos = [linha[37:57].rstrip() for linha in linhas if linha[7] == "3" and linha[13] == "P"]
    assert nossos == sorted(t["nosso_numero"] for t in titulos)
    assert {linha[15:17] for linha in linhas if linha[7] == "3"} == {"01"}
    trailer_lote = linhas[-2]
    assert int(trailer_lote[17:23]) == 6 * 3 + 2 and int(trailer_lote[23:29]) == 6
    assert Decimal(int(trailer_lote[29:46])).scaleb(-2) == Decimal(remessa["valor_total"])
    assert int(linhas[-1][23:29]) == len(linhas)
    # Nothing new to send: 422; the sequence did not move.
    vazia = await _gerar(tenant, c["id"])
    assert vazia.status_code == 422 and vazia.json()["type"].endswith("/remessa_vazia")

    # The bank confirms the entradas (retorno 02): the títulos are registrado.
    confirmacoes = [OcorrenciaBanco(t["nosso_numero"], "02", Decimal(t["valor"])) for t in titulos]
    r = await importar(tenant, arquivo_retorno(c, confirmacoes, numero=1))
    assert r.status_code == 201 and r.json()["contagem"] == {"registrado": 6}, r.text
    t0 = (await tenant.client.get(f"/api/cobranca/titulos/{titulos[0]['id']}", headers=tenant.auth())).json()
    assert t0["status"] == "registrado" and t0["remessa_id"] == remessa["id"]

    # A baixa of a registered título and a new título go in remessa 2 (movimentos 02 and 01).
    b = await tenant.client.post(
        f"/api/cobranca/titulos/{titulos[0]['id']}/baixa",
        json={"motivo": "renegociação"},
        headers=tenant.auth(Role.FINANCEIRO),
    )
    assert b.status_code == 200
    quarta = (await parcelas(tenant, cotas[0]["id"]))[3]
    novo = (await emitir(tenant, quarta["id"])).json()
    r2 = (await _gerar(tenant, c["id"])).json()
    assert r2["numero"] == 2 and r2["titulos"] == 2
    texto2 = (
        await tenant.client.get(f"/api/cobranca/remessas/{r2['id']}/arquivo", headers=tenant.auth())
    ).content.decode()
    p2 = {
        linha[37:57].rstrip(): linha[15:17]
        for linha in texto2.split("\r\n")
        if len(linha) == 240 and linha[7] == "3" and linha[13] == "P"
    }
    assert p2 == {titulos[0]["nosso_numero"]: "02", novo["nosso_numero"]: "01"}
    listadas = (
        await tenant.client.get(f"/api/cobranca/remessas?conta_id={c['id']}", headers=tenant.auth())
    ).json()
    assert [x["numero"] for x in listadas] == [2, 1]
