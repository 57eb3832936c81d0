"""Two real tenants (own databases, own Redis users): a retorno or a PIX webhook meant for tenant A can
never settle tenant B's parcela, nor reach A's títulos through B's routes. And the reports."""

from __future__ import annotations

import uuid
from datetime import date
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

CREDITO = date(2026, 12, 9)


async def _pagamentos(t: Tenant, cota_id: str) -> list[dict[str, Any]]:
    return list((await t.client.get(f"/api/cotas/{cota_id}/pagamentos", headers=t.auth())).json()["items"])


async def test_retorno_and_webhook_of_one_tenant_never_settle_the_other(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # Both administradoras configured the very same bank account (the worst case).
    ca, cb = await conta(tenant), await conta(other_tenant)
    assert (ca["agencia"], ca["conta"], ca["convenio"]) == (cb["agencia"], cb["conta"], cb["convenio"])
    _, cotas_a = await grupo_com_parcelas(tenant)
    _, cotas_b = await grupo_com_parcelas(other_tenant)
    pa = await parcelas(tenant, cotas_a[0]["id"])
    assert (await emitir(tenant, pa[1]["id"])).status_code == 201  # A's numbers run ahead of B's
    ta = (await emitir(tenant, pa[0]["id"])).json()
    tb = (await emitir(other_tenant, (await parcelas(other_tenant, cotas_b[0]["id"]))[0]["id"])).json()
    assert ta["nosso_numero"] != tb["nosso_numero"]

    # A's retorno imported into B: B has no título with A's nosso número; the money waits in B's queue
    # and nothing of A changes.
    retorno_a = arquivo_retorno(
        ca,
        [
            OcorrenciaBanco(
                ta["nosso_numero"], "06", Decimal(ta["valor"]), Decimal(ta["valor"]), data_credito=CREDITO
            )
        ],
        numero=900,
    )
    r = await importar(other_tenant, retorno_a)
    assert r.status_code == 201, r.text
    assert await _pagamentos(tenant, cotas_a[0]["id"]) == []
    status_a = (await tenant.client.get(f"/api/cobranca/titulos/{ta['id']}", headers=tenant.auth())).json()[
        "status"
    ]
    assert status_a == "emitido"
    assert r.json()["contagem"] == {"a_identificar": 1}
    fila_b = (
        await other_tenant.client.get(
            "/api/cobranca/valores-a-identificar/?limit=200", headers=other_tenant.auth()
        )
    ).json()["items"]
    assert any(i["referencia"] == ta["nosso_numero"] and i["motivo"] == "desconhecido" for i in fila_b)

    # A's webhook address (its account and secret) does not exist in B.
    w = await tenant.client.post(f"/api/cobranca/contas/{ca['id']}/webhook-pix", headers=tenant.auth())
    caminho = w.json()["webhook_url"].split("testserver.local", 1)[-1] + "/pix"
    corpo = {
        "pix": [
            {
                "endToEndId": ("E9" + uuid.uuid4().hex * 2)[:32],
                "txid": ta["txid"],
                "valor": ta["valor"],
                "horario": "2026-12-09T12:00:00Z",
            }
        ]
    }
    assert (await other_tenant.client.post(caminho, json=corpo)).status_code == 404

    # B's routes do not reach A's títulos, cotas or pagamentos.
    h = other_tenant.auth()
    assert (await other_tenant.client.get(f"/api/cobranca/titulos/{ta['id']}", headers=h)).status_code == 404
    assert (
        await other_tenant.client.post(
            f"/api/cobranca/titulos/{ta['id']}/baixa", json={"motivo": "tentativa alheia"}, headers=h
        )
    ).status_code == 404
    assert (
        await other_tenant.client.get(f"/api/cotas/{cotas_a[0]['id']}/carne.pdf", headers=h)
    ).status_code == 404
    listados = (await other_tenant.client.get("/api/cobranca/titulos?limit=200", headers=h)).json()["items"]
    assert ta["id"] not in {t["id"] for t in listados}
    # Resolving B's queued money into A's cota: B has no such cota.
    item_b = next(i for i in fila_b if i["referencia"] == ta["nosso_numero"])
    r = await other_tenant.client.post(
        f"/api/cobranca/valores-a-identificar/{item_b['id']}/aplicacao",
        json={"cota_id": cotas_a[0]["id"]},
        headers={**other_tenant.auth(Role.FINANCEIRO), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 404
    assert await _pagamentos(tenant, cotas_a[0]["id"]) == []
    assert (await tenant.client.get(f"/api/cobranca/titulos/{ta['id']}", headers=tenant.auth())).json()[
        "status"
    ] == "emitido"


async def test_reports_per_day_and_per_grupo(tenant: Tenant) -> None:
    c = await conta(tenant)
    grupo, cotas = await grupo_com_parcelas(tenant, cotas=2)
    hoje = date.today().isoformat()
    desde, ate = sorted([CREDITO.isoformat(), hoje])
    url = f"/api/cobranca/relatorios/diario?desde={desde}&ate={ate}"

    async def dias() -> dict[str, dict[str, Any]]:
        r = await tenant.client.get(url, headers=tenant.auth(Role.AUDITOR))
        assert r.status_code == 200, r.text
        return {d["data"]: d for d in r.json()}

    antes = await dias()
    t1 = (await emitir(tenant, (await parcelas(tenant, cotas[0]["id"]))[0]["id"])).json()
    t2 = (await emitir(tenant, (await parcelas(tenant, cotas[1]["id"]))[0]["id"])).json()
    retorno = arquivo_retorno(
        c,
        [
            OcorrenciaBanco(
                t1["nosso_numero"], "06", Decimal(t1["valor"]), Decimal(t1["valor"]), data_credito=CREDITO
            ),
            OcorrenciaBanco(t2["nosso_numero"], "03", Decimal(t2["valor"]), data_ocorrencia=CREDITO),
            OcorrenciaBanco(
                "1234567" + f"{uuid.uuid4().int % 10**10:010d}",
                "06",
                Decimal("5.00"),
                Decimal("5.00"),
                data_credito=CREDITO,
            ),
        ],
        numero=901,
    )
    assert (await importar(tenant, retorno)).status_code == 201
    depois = await dias()

    def delta(data: str, campo: str) -> Decimal:
        vazio: dict[str, Any] = {}
        return Decimal(str(depois.get(data, vazio).get(campo, 0))) - Decimal(
            str(antes.get(data, vazio).get(campo, 0))
        )

    assert delta(hoje, "emitidos") == 2
    assert delta(hoje, "valor_emitido") == Decimal(t1["valor"]) + Decimal(t2["valor"])
    assert delta(CREDITO.isoformat(), "liquidados") == 1
    assert delta(CREDITO.isoformat(), "valor_liquidado") == Decimal(t1["valor"])
    assert delta(CREDITO.isoformat(), "rejeitados") == 1
    assert delta(CREDITO.isoformat(), "a_identificar") == 1
    assert delta(CREDITO.isoformat(), "valor_a_identificar") == Decimal("5.00")

    p = await parcelas(tenant, cotas[0]["id"])
    venc = p[0]["vencimento"]
    r = await tenant.client.get(
        f"/api/cobranca/relatorios/grupos/{grupo['id']}?desde={CREDITO.isoformat()}&ate={venc}",
        headers=tenant.auth(Role.AUDITOR),
    )
    assert r.status_code == 200, r.text
    a = r.json()
    todas = [x for c_ in cotas for x in await parcelas(tenant, c_["id"])]
    esperado = sum((Decimal(x["valor_total"]) for x in todas if x["vencimento"] <= venc), Decimal(0))
    assert Decimal(a["esperado"]) == esperado
    assert Decimal(a["arrecadado"]) == Decimal(t1["valor"]) and a["por_forma"] == {"boleto": t1["valor"]}
    assert Decimal(a["em_aberto"]) == esperado - Decimal(t1["valor"])
    assert Decimal(a["percentual"]) == (Decimal(t1["valor"]) * 100 / esperado).quantize(Decimal("0.0001"))
    ruim = await tenant.client.get(
        f"/api/cobranca/relatorios/grupos/{grupo['id']}?desde=2026-12-10&ate=2026-01-01",
        headers=tenant.auth(),
    )
    # Both dates are well-formed: a reversed period is a rule (422 naming `ate`), for both reports.
    assert ruim.status_code == 422 and ruim.json()["type"].endswith("/periodo_invalido"), ruim.text
    assert [e["campo"] for e in ruim.json()["errors"]] == ["ate"]
    longo = await tenant.client.get(
        "/api/cobranca/relatorios/diario?desde=2025-01-01&ate=2026-12-01", headers=tenant.auth()
    )
    assert longo.status_code == 422 and longo.json()["type"].endswith("/periodo_invalido"), longo.text
