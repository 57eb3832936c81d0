"""Issuing: account configuration, a parcela's boleto + BR Code, carnê, re-issue with late charges, baixa."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tenant_app.cobranca.boleto import codigo_barras_para_linha, ler_codigo_barras, linha_para_codigo_barras
from tenant_app.cobranca.pix import validar_brcode
from tenant_app.eventos.tipos import BOLETO_EMITIDO
from tenant_app.users.roles import Role
from tests.integration.tenant_app.cobranca.apoio import (
    CONTA_BB,
    conta,
    emitir,
    eventos,
    grupo_com_parcelas,
    parcelas,
)
from tests.support.leitor_codigos import codigos_por_pagina
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration


async def test_account_is_validated_and_unique(tenant: Tenant) -> None:
    await conta(tenant)
    dup = await tenant.client.post("/api/cobranca/contas/", json=CONTA_BB, headers=tenant.auth())
    assert dup.status_code == 409 and dup.json()["type"].endswith("/conta_cobranca_existente")
    grupo, _ = await grupo_com_parcelas(tenant)
    ruim = await tenant.client.post(
        "/api/cobranca/contas/",
        json={**CONTA_BB, "grupo_id": grupo["id"], "convenio": "12345"},  # BB convênio 7 needs 7 digits
        headers=tenant.auth(),
    )
    assert ruim.status_code == 422 and ruim.json()["type"].endswith("/conta_cobranca_invalida"), ruim.text
    # Only the admin configures where the money goes.
    negado = await tenant.client.post(
        "/api/cobranca/contas/",
        json={**CONTA_BB, "grupo_id": grupo["id"]},
        headers=tenant.auth(Role.FINANCEIRO),
    )
    assert negado.status_code == 403


async def test_issue_parcela_boleto_and_brcode(tenant: Tenant) -> None:
    _, cotas = await grupo_com_parcelas(tenant)
    p = (await parcelas(tenant, cotas[0]["id"]))[1]
    r = await emitir(tenant, p["id"])
    assert r.status_code == 201, r.text
    t = r.json()
    assert t["status"] == "emitido" and t["parcela_numero"] == p["numero"]
    assert Decimal(t["valor"]) == Decimal(p["valor_total"]) and Decimal(t["multa"]) == 0
    assert t["vencimento"] == p["vencimento"]
    # The linha digitável is valid (every DV) and carries the amount, due date and the BB campo livre.
    codigo = linha_para_codigo_barras(t["linha_digitavel"])
    assert codigo == t["codigo_barras"]
    dados = ler_codigo_barras(codigo, date.fromisoformat(p["vencimento"]))
    assert dados.banco == "001" and dados.valor == Decimal(t["valor"])
    assert dados.vencimento == date.fromisoformat(p["vencimento"])
    assert dados.campo_livre == "000000" + t["nosso_numero"] + "17"
    assert t["nosso_numero"].startswith("1234567") and len(t["nosso_numero"]) == 17
    brcode = validar_brcode(t["brcode"])
    assert brcode["valor"] == Decimal(t["valor"]) and brcode["txid"] == t["txid"]
    assert brcode["chave"] == "11222333000181"
    # boleto.emitido is in the outbox with ids and amounts (no personal data).
    (evento,) = [e for e in await eventos(tenant, BOLETO_EMITIDO) if e["titulo_id"] == t["id"]]
    assert evento["cota_id"] == cotas[0]["id"] and Decimal(evento["valor"]) == Decimal(t["valor"])
    assert evento["consorciado_id"] == cotas[0]["consorciado_id"]
    # Asking again returns the same título; another due date is a re-issue.
    again = await emitir(tenant, p["id"])
    assert again.status_code == 200 and again.json()["id"] == t["id"]
    other = await emitir(tenant, p["id"], vencimento=(date.today() + timedelta(days=90)).isoformat())
    assert other.status_code == 409 and other.json()["type"].endswith("/titulo_ativo")


async def test_carne_takes_next_parcelas_with_distinct_nosso_numero(tenant: Tenant) -> None:
    _, cotas = await grupo_com_parcelas(tenant)
    cota = cotas[0]["id"]
    primeira = (await parcelas(tenant, cota))[0]
    assert (await emitir(tenant, primeira["id"])).status_code == 201
    r = await tenant.client.post(
        f"/api/cotas/{cota}/carne", json={"quantidade": 6}, headers=tenant.auth(Role.FINANCEIRO)
    )
    assert r.status_code == 201, r.text
    titulos = r.json()
    assert [t["parcela_numero"] for t in titulos] == [1, 2, 3, 4, 5, 6]
    assert len({t["nosso_numero"] for t in titulos}) == 6
    listed = await tenant.client.get(
        f"/api/cobranca/titulos?cota_id={cota}", headers=tenant.auth(Role.AUDITOR)
    )
    assert listed.status_code == 200 and listed.json()["total"] == 6


async def test_reissue_after_due_date_recomputes_late_charges(tenant: Tenant) -> None:
    _, cotas = await grupo_com_parcelas(tenant)
    p = (await parcelas(tenant, cotas[0]["id"]))[0]
    t = (await emitir(tenant, p["id"])).json()
    vencimento = date.fromisoformat(p["vencimento"])
    novo_vencimento = vencimento + timedelta(days=30)
    r = await tenant.client.post(
        f"/api/cobranca/titulos/{t['id']}/reemissao",
        json={"vencimento": novo_vencimento.isoformat()},
        headers=tenant.auth(Role.FINANCEIRO),
    )
    assert r.status_code == 201, r.text
    novo = r.json()
    total = Decimal(p["valor_total"])
    # multa 2 % + juros 1 % a month pro rata (30 days = 1 %), as dinheiro.encargos computes them.
    assert Decimal(novo["multa"]) == (total * Decimal("0.02")).quantize(Decimal("0.01"))
    assert Decimal(novo["juros"]) == (total * Decimal("0.01")).quantize(Decimal("0.01"))
    assert Decimal(novo["valor"]) == total + Decimal(novo["multa"]) + Decimal(novo["juros"])
    assert novo["substitui_id"] == t["id"] and novo["nosso_numero"] != t["nosso_numero"]
    antigo = (await tenant.client.get(f"/api/cobranca/titulos/{t['id']}", headers=tenant.auth())).json()
    assert antigo["status"] == "baixado"
    passado = await tenant.client.post(
        f"/api/cobranca/titulos/{novo['id']}/reemissao",
        json={"vencimento": "2020-01-01"},
        headers=tenant.auth(Role.FINANCEIRO),
    )
    assert passado.status_code == 422 and passado.json()["type"].endswith("/vencimento_passado")


async def test_baixa_once(tenant: Tenant) -> None:
    _, cotas = await grupo_com_parcelas(tenant)
    p = (await parcelas(tenant, cotas[0]["id"]))[0]
    t = (await emitir(tenant, p["id"])).json()
    url = f"/api/cobranca/titulos/{t['id']}/baixa"
    r = await tenant.client.post(
        url, json={"motivo": "acordo com o consorciado"}, headers=tenant.auth(Role.FINANCEIRO)
    )
    assert r.status_code == 200 and r.json()["status"] == "baixado"
    de_novo = await tenant.client.post(
        url, json={"motivo": "de novo, por engano"}, headers=tenant.auth(Role.FINANCEIRO)
    )
    assert de_novo.status_code == 409
    # The parcela can be charged again with a new título.
    assert (await emitir(tenant, p["id"])).status_code == 201


async def test_carne_pdf_reads_back_to_the_linhas(tenant: Tenant) -> None:
    _, cotas = await grupo_com_parcelas(tenant)
    cota = cotas[0]["id"]
    sem = await tenant.client.get(f"/api/cotas/{cota}/carne.pdf", headers=tenant.auth())
    assert sem.status_code == 422 and sem.json()["type"].endswith("/sem_titulos")
    r = await tenant.client.post(
        f"/api/cotas/{cota}/carne", json={"quantidade": 3}, headers=tenant.auth(Role.FINANCEIRO)
    )
    titulos = r.json()
    pdf = await tenant.client.get(
        f"/api/cotas/{cota}/carne.pdf?quantidade=3", headers=tenant.auth(Role.AUDITOR)
    )
    assert pdf.status_code == 200 and pdf.headers["content-type"].startswith("application/pdf")
    paginas = codigos_por_pagina(pdf.content)
    assert [codigo_barras_para_linha(p["I25"][0]) for p in paginas] == [t["linha_digitavel"] for t in titulos]
    assert [p["QRCODE"][0] for p in paginas] == [t["brcode"] for t in titulos]
