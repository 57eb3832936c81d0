"""Issuing: account configuration, a parcela's boleto + BR Code, carnê, re-issue with late charges, baixa."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from tenant_app.cobranca.boleto import codigo_barras_para_linha, ler_codigo_barras, linha_para_codigo_barras
from tenant_app.cobranca.models import ContaCobranca
from tenant_app.cobranca.pix import validar_brcode
from tenant_app.database.session import create_engine
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


async def test_pix_key_and_names_are_validated_where_typed(tenant: Tenant) -> None:
    """The defect the API fuzz found: any 1..77-character chave_pix was accepted and every later título
    of the account was a 500. Now the key must be one of the DICT forms (422 naming ``chave_pix``),
    it is stored in its DICT form, and a PATCH is held to the same rules."""
    grupo, _ = await grupo_com_parcelas(tenant)
    url = "/api/cobranca/contas/"
    propria = {**CONTA_BB, "conta": "12345", "grupo_id": grupo["id"]}  # another bank account
    casos = {
        "chave_pix": ("chave qualquer ☃", "chave_pix_invalida"),
        "beneficiario_nome": ("漢字漢字", "conta_cobranca_invalida"),
        "cidade": ("東京都", "conta_cobranca_invalida"),
        "psp": ("psp-inexistente", "conta_cobranca_invalida"),
        "psp_url": ("nao-e-url", "conta_cobranca_invalida"),
    }
    for campo, (valor, codigo) in casos.items():
        r = await tenant.client.post(url, json={**propria, campo: valor}, headers=tenant.auth())
        assert r.status_code == 422 and r.json()["type"].endswith(f"/{codigo}"), (campo, r.text)
        assert [e["campo"] for e in r.json()["errors"]] == [campo], r.text
        assert r.headers["content-type"].startswith("application/problem+json")
    r = await tenant.client.post(
        url,
        json={**propria, "chave_pix": "Cobranca@Administradora.COM.br"},
        headers=tenant.auth(),
    )
    assert r.status_code == 201, r.text
    conta_grupo = r.json()
    assert conta_grupo["chave_pix"] == "cobranca@administradora.com.br"
    ruim = await tenant.client.patch(
        f"{url}{conta_grupo['id']}", json={"chave_pix": "+55 (11) 98765-4321"}, headers=tenant.auth()
    )
    assert ruim.status_code == 422 and ruim.json()["errors"][0]["campo"] == "chave_pix", ruim.text
    bom = await tenant.client.patch(
        f"{url}{conta_grupo['id']}", json={"chave_pix": "529.982.247-25"}, headers=tenant.auth()
    )
    assert bom.status_code == 200 and bom.json()["chave_pix"] == "52998224725", bom.text
    guardada = await tenant.client.get(f"{url}{conta_grupo['id']}", headers=tenant.auth())
    assert guardada.json()["chave_pix"] == "52998224725"


async def test_a_stored_bad_key_still_issues_the_boleto(tenant: Tenant) -> None:
    """An account saved before the key was validated (the row is edited in the database, as such an
    account would be): the título is issued with its boleto and no BR Code, never a 500."""
    _, cotas = await grupo_com_parcelas(tenant)
    c = await conta(tenant)
    engine = create_engine(tenant.settings.database)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                update(ContaCobranca).where(ContaCobranca.id == c["id"]).values(chave_pix="chave ☃ ruim")
            )
        p = (await parcelas(tenant, cotas[0]["id"]))[0]
        r = await emitir(tenant, p["id"])
        assert r.status_code == 201, r.text
        assert r.json()["brcode"] is None and r.json()["txid"] is None
        assert linha_para_codigo_barras(r.json()["linha_digitavel"]) == r.json()["codigo_barras"]
    finally:
        async with engine.begin() as conn:
            await conn.execute(
                update(ContaCobranca)
                .where(ContaCobranca.id == c["id"])
                .values(chave_pix=CONTA_BB["chave_pix"])
            )
        await engine.dispose()
