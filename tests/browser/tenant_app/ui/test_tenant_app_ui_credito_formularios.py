"""Crédito forms in Chromium: the gestor takes a carta disponível through the análise (documents,
approval), the bem and its guarantee; the financeiro orders the payment to the seller, and a double
submit of that form (same Idempotency-Key, sent twice at once) reserves the money once.

Refusals of the API (problem+json) must appear next to the field they concern, in Portuguese.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg
import pytest

from tenant_app.demo.creditos import _retorno_de_demonstracao
from tests.integration.tenant_app.factories import make_running_grupo, pay
from tests.support.tenant_app_ui_fixtures import ARTIFACTS, Tela, UIServer

pytestmark = [pytest.mark.ui_demo_first(2), pytest.mark.e2e]

#: Submits the form twice at once through fetch (the same fields, the same Idempotency-Key), as a
#: double click that slipped past the page's script would.
DUPLO_ENVIO = """async (seletor) => {
  const form = document.querySelector(seletor);
  const envio = () => fetch(form.action, {method: "POST", body: new URLSearchParams(new FormData(form)),
                                          redirect: "manual"});
  const respostas = await Promise.all([envio(), envio()]);
  return respostas.map(r => r.status);
}"""


async def _carta(server: UIServer, *status: str) -> dict[str, str]:
    """The demo's first carta in the first of ``status`` it has (how many AGOs produced a carta
    depends on the demo's size)."""
    t = server.tenant
    grupos = (await t.client.get("/api/grupos", headers=t.auth())).json()["items"]
    demo = next(g for g in grupos if g["codigo"] == "DEMO-AUTO-01")
    r = await t.client.get(f"/api/grupos/{demo['id']}/creditos", headers=t.auth())
    assert r.status_code == 200, r.text
    for s in status:
        achadas = [c for c in r.json() if c["status"] == s]
        if achadas:
            return dict(achadas[0])
    raise AssertionError(f"nenhuma carta em {status}: {[c['status'] for c in r.json()]}")


async def _nova_carta(server: UIServer, lance_da_cota: int | None = None) -> dict[str, str]:
    """A carta disponível born as in production: an AGO of the demo grupo is scheduled and opened over
    the API (with a sealed lance of ``lance_da_cota``, if given), its cut-off moved to the past (the
    suite's one shortcut: time passing), and apurada with a Loteria Federal extraction; its
    contemplation opens the carta. Returns the carta, or with a lance the assembleia."""
    t = server.tenant
    grupos = (await t.client.get("/api/grupos", headers=t.auth())).json()["items"]
    demo = next(g for g in grupos if g["codigo"] == "DEMO-AUTO-01")
    existentes = (await t.client.get(f"/api/grupos/{demo['id']}/assembleias", headers=t.auth())).json()
    numero = max((a["numero"] for a in existentes), default=0) + 1
    dia = (datetime.now(UTC) + timedelta(days=5 + numero % 20)).date()
    r = await t.client.post(
        f"/api/grupos/{demo['id']}/assembleias",
        json={
            "numero": numero,
            "data_assembleia": dia.isoformat(),
            "corte_lances_em": f"{dia}T10:00:00-03:00",
        },
        headers=t.auth(),
    )
    assert r.status_code == 201, r.text
    assembleia_id = r.json()["id"]
    r = await t.client.post(f"/api/assembleias/{assembleia_id}/abertura-lances", headers=t.auth())
    assert r.status_code in (200, 201), r.text
    if lance_da_cota is not None:
        r = await t.client.post(
            f"/api/assembleias/{assembleia_id}/lances",
            json={
                "cota_numero": lance_da_cota,
                "tipo": "livre",
                "percentual": "60",
                "percentual_embutido": "0",
            },
            headers=t.auth(),
        )
        assert r.status_code in (200, 201), r.text
    conn = await asyncpg.connect(t.env["DATABASE_URL"])
    try:
        await conn.execute(
            "UPDATE assembleias SET corte_lances_em = now() - interval '1 minute' WHERE id = $1",
            assembleia_id,
        )
    finally:
        await conn.close()
    r = await t.client.post(
        f"/api/assembleias/{assembleia_id}/apuracao",
        json={"concurso": 6000 + numero, "premios": ["04817", "12345", "67890", "24680", "13579"]},
        headers={**t.auth(), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert r.status_code in (200, 201), r.text
    if lance_da_cota is not None:
        return {"assembleia_id": assembleia_id}
    # The carta this AGO opened, not an older one another test left disponível (its value may
    # have moved since: yields, amortização).
    contemplacoes = {str(c["id"]) for c in r.json().get("contemplacoes", []) if "id" in c}
    cartas = (await t.client.get(f"/api/grupos/{demo['id']}/creditos", headers=t.auth())).json()
    novas = [c for c in cartas if c["status"] == "disponivel" and str(c["contemplacao_id"]) in contemplacoes]
    return dict(novas[0]) if novas else await _carta(server, "disponivel")


async def _aviso(tela: Tela) -> str:
    """The confirmation of the last form (or the test fails with the page's error)."""
    await tela.page.wait_for_load_state("domcontentloaded")
    if await tela.page.locator("[role=alert]").count():
        pytest.fail(await tela.page.inner_text("[role=alert]"))
    return await tela.page.inner_text("main > [role=status]")


async def test_analise_bem_garantia_e_pagamento_idempotente(logado, ui_server: UIServer) -> None:
    carta = await _nova_carta(ui_server)
    url = f"/app/creditos/{carta['id']}"
    gestor: Tela = await logado("gestor")
    page = gestor.page
    await gestor.ir("/app/creditos")
    await page.click(f"a[href='{url}']")
    await page.wait_for_url(re.compile(r"/app/creditos/[0-9a-f-]{36}$"))
    await gestor.conferir("82-credito-disponivel")
    await page.click("#form-analise button[type=submit]")
    assert await _aviso(gestor) == "Análise de crédito iniciada."
    await gestor.conferir("82b-credito-em-analise")

    # A document without its reference: the API's refusal lands next to the field.
    await page.click("#form-documento button[type=submit]")
    erro = page.locator("#form-documento [id='e-documento-referencia']")
    assert await erro.is_visible(), await page.content()
    assert await page.get_attribute("#form-documento [name=referencia]", "aria-invalid") == "true"
    await gestor.conferir("83-credito-documento-erro")
    for tipo in ("identidade", "renda", "residencia"):
        await page.select_option("#form-documento [name=tipo]", tipo)
        await page.fill("#form-documento [name=referencia]", f"dossie/{tipo}.pdf")
        await page.click("#form-documento button[type=submit]")
        assert await _aviso(gestor) == "Documento da análise registrado."
    await page.fill("#form-decisao [name=motivo]", "Renda e documentos conferidos")
    await page.click("#form-decisao button[type=submit]")
    assert await _aviso(gestor) == "Crédito aprovado."

    valor_bem = carta["valor_carta"]
    await page.select_option("#form-bem [name=tipo]", "veiculo")
    await page.fill("#form-bem [name=descricao]", "Automóvel 1.0 0 km")
    await page.fill("#form-bem [name=valor]", valor_bem.replace(".", ","))
    await page.fill("#form-bem [name=documento_fiscal]", "NF-e 3526121122233300018155001")
    await page.fill("#form-bem [name=vendedor_nome]", "Auto Teste Veículos Ltda")
    await page.fill("#form-bem [name=vendedor_documento]", "11.222.333/0001-81")
    await page.click("#form-bem button[type=submit]")
    assert await _aviso(gestor) == "Bem e vendedor registrados."

    t = ui_server.tenant
    detalhe = (await t.client.get(f"/api/creditos/{carta['id']}", headers=t.auth())).json()
    garantia = max(Decimal(valor_bem), Decimal(detalhe["cobertura"]["saldo_devedor"]))
    await page.fill("#form-garantia [name=valor]", str(garantia).replace(".", ","))
    await page.fill("#form-garantia [name=descricao]", "Alienação fiduciária do automóvel ao grupo")
    await page.fill("#form-garantia [name='registro.renavam']", "123")
    await page.fill("#form-garantia [name='registro.chassi']", "9BWZZZ377VT004251")
    await page.click("#form-garantia button[type=submit]")
    assert "RENAVAM" in await page.inner_text("#form-garantia .erro-campo")
    await gestor.conferir("84-credito-garantia-erro")
    await page.fill("#form-garantia [name='registro.renavam']", "12345678901")
    await page.click("#form-garantia button[type=submit]")
    assert await _aviso(gestor) == "Garantia registrada."
    # The gestor does not move money: no payout form for this role.
    assert await page.locator("#form-pagamento").count() == 0
    await gestor.conferir("85-credito-bem-indicado")

    fin: Tela = await logado("financeiro")
    page = fin.page
    await fin.ir(url)
    assert await page.input_value("#form-pagamento [name='favorecido.nome']") == "Auto Teste Veículos Ltda"
    await page.fill("#form-pagamento [name=valor]", valor_bem.replace(".", ","))
    await page.fill("#form-pagamento [name='favorecido.banco']", "341")
    await page.fill("#form-pagamento [name='favorecido.agencia']", "1500")
    await page.fill("#form-pagamento [name='favorecido.conta']", "123456")
    await page.fill("#form-pagamento [name='favorecido.dv_conta']", "7")
    await fin.conferir("86-credito-pagamento")
    status = await page.evaluate(DUPLO_ENVIO, "#form-pagamento")
    assert all(s in (303, 0, 409) for s in status), status  # 0: an opaque redirect (fetch's manual mode)
    # The user clicks as well (the same key again): still one payout.
    await page.click("#form-pagamento button[type=submit]")
    await page.wait_for_load_state("domcontentloaded")
    detalhe = (await t.client.get(f"/api/creditos/{carta['id']}", headers=t.auth())).json()
    assert len(detalhe["pagamentos"]) == 1, detalhe["pagamentos"]
    assert Decimal(detalhe["carta"]["valor_reservado"]) == Decimal(valor_bem)
    await fin.ir(url)
    assert await page.locator("#t-pag ~ ul li").count() >= 1
    await fin.conferir("87-credito-pagamento-ordenado")
    await fin.conferir("87-credito-pagamento-ordenado-360", largura=360)

    # The payouts' CNAB 240 file for the bank, and the bank's retorno confirming it (the synthetic
    # bank answer of tenant_app/demo/creditos.py: ocorrência 00 for every payment of the file).
    await fin.ir("/app/creditos")
    await page.select_option("#form-remessa [name=grupo_id]", carta["grupo_id"])
    for campo, valor in {
        "banco": "001", "nome_banco": "BANCO DO BRASIL", "inscricao": "11.444.777/0001-61",
        "nome": "ADMINISTRADORA DEMO", "convenio": "123456", "agencia": "1234", "dv_agencia": "5",
        "conta": "98765", "dv_conta": "0",
    }.items():  # fmt: skip
        await page.fill(f"#form-remessa [name='conta.{campo}']", valor)
    await page.click("#form-remessa button[type=submit]")
    assert "gerado" in await _aviso(fin)
    await fin.conferir("88a-credito-remessa")
    async with page.expect_download() as baixando:
        await page.click("#remessa-credito a")
    texto = (await asyncio.to_thread(Path(await (await baixando.value).path()).read_bytes)).decode("ascii")
    retorno = ARTIFACTS / "retorno-pagamentos-credito.ret"
    await asyncio.to_thread(retorno.write_text, _retorno_de_demonstracao(texto, date.today()), "ascii")
    await page.set_input_files("#form-retorno [name=arquivo]", str(retorno))
    await page.click("#form-retorno button[type=submit]")
    itens = await page.locator("#retorno-credito li.retorno-item").all_inner_texts()
    assert itens and all("efetivado" in i or "processado" in i for i in itens), itens
    await fin.conferir("88b-credito-retorno")
    # The carta and its cota reach each other.
    await fin.ir(url)
    await page.click("text=Abrir a cota")
    await page.wait_for_url(re.compile(r"/app/cotas/[0-9a-f-]{36}$"))
    await page.click("#link-carta")
    await page.wait_for_url(re.compile(rf"{url}$"))
    detalhe = (await t.client.get(f"/api/creditos/{carta['id']}", headers=t.auth())).json()
    assert [p["status"] for p in detalhe["pagamentos"]] == ["efetivado"], detalhe["pagamentos"]
    assert detalhe["carta"]["status"] == "paga"


async def test_pagamento_recusado_mostra_o_erro_no_campo(logado, ui_server: UIServer) -> None:
    carta = await _carta(ui_server, "paga_parcialmente", "bem_indicado", "convertida_em_especie")
    fin: Tela = await logado("financeiro")
    page = fin.page
    await fin.ir(f"/app/creditos/{carta['id']}")
    # PIX without its key: the API names favorecido.chave_pix.
    await page.fill("#form-pagamento [name=valor]", "10,00")
    await page.fill("#form-pagamento [name='favorecido.nome']", "Fulano de Tal")
    await page.fill("#form-pagamento [name='favorecido.documento']", "529.982.247-25")
    await page.select_option("#form-pagamento [name=forma]", "pix")
    await page.click("#form-pagamento button[type=submit]")
    erro = page.locator("#form-pagamento [id='e-pagamento-favorecido.chave_pix']")
    assert await erro.is_visible(), await page.inner_text("main")
    assert await page.input_value("#form-pagamento [name=valor]") == "10,00"
    await fin.conferir("88-credito-pagamento-erro")


async def _grupo_com_lance_vencedor(server: UIServer) -> tuple[str, int, str]:
    """A small grupo whose only contemplation is by lance: three cotas paid ahead (the fundo comum
    covers one crédito), rules with no sorteio contemplation, a sealed 40 % lance of the first cota,
    the AGO apurada after its cut-off. (assembleia id, cota número, cota id)."""
    t = server.tenant
    grupo, cotas = await make_running_grupo(
        t, cotas=3, data_inicio=date.today().replace(day=1).isoformat(), valor_credito="1000.00",
        prazo_meses=10, numero_cotas=10,
    )  # fmt: skip
    for cota in cotas:
        r = await pay(t, cota["id"], "600.00", date.today().isoformat())
        assert r.status_code == 201, r.text
    r = await t.client.put(
        f"/api/grupos/{grupo['id']}/regras-assembleia",
        json={"metodo_sorteio": "finais", "contemplacoes_sorteio": 0, "tipos_lance": ["livre"]},
        headers=t.auth(),
    )
    assert r.status_code == 200, r.text
    dia = date.today() + timedelta(days=7)
    r = await t.client.post(
        f"/api/grupos/{grupo['id']}/assembleias",
        json={"numero": 1, "data_assembleia": dia.isoformat(), "corte_lances_em": f"{dia}T10:00:00-03:00"},
        headers=t.auth(),
    )
    assert r.status_code == 201, r.text
    assembleia_id = r.json()["id"]
    r = await t.client.post(f"/api/assembleias/{assembleia_id}/abertura-lances", headers=t.auth())
    assert r.status_code in (200, 201), r.text
    numero = cotas[0]["numero"]
    r = await t.client.post(
        f"/api/assembleias/{assembleia_id}/lances",
        json={"cota_numero": numero, "tipo": "livre", "percentual": "40", "percentual_embutido": "0"},
        headers=t.auth(),
    )
    assert r.status_code in (200, 201), r.text
    conn = await asyncpg.connect(t.env["DATABASE_URL"])
    try:
        await conn.execute(
            "UPDATE assembleias SET corte_lances_em = now() - interval '1 minute' WHERE id = $1",
            assembleia_id,
        )
    finally:
        await conn.close()
    r = await t.client.post(
        f"/api/assembleias/{assembleia_id}/apuracao",
        json={"concurso": 6100, "premios": ["04817", "12345", "67890", "24680", "13579"]},
        headers={**t.auth(), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert r.status_code in (200, 201), r.text
    return assembleia_id, numero, cotas[0]["id"]


async def test_pagamento_do_lance_idempotente(logado, ui_server: UIServer) -> None:
    t = ui_server.tenant
    assembleia_id, numero, cota_id = await _grupo_com_lance_vencedor(ui_server)
    fin: Tela = await logado("financeiro")
    page = fin.page
    await fin.ir(f"/app/assembleias/{assembleia_id}")
    linha = page.locator(f"tr.contemplacao:has(td:text-is('nº {numero}'))")
    assert await linha.count() == 1, await page.inner_text("main")
    await linha.locator("details.acao > summary").click()
    await fin.conferir("89-assembleia-pagamento-lance")
    status = await page.evaluate(DUPLO_ENVIO, f"#form-pagar-{numero}")
    assert all(s in (303, 0, 409) for s in status), status
    await page.locator(f"#form-pagar-{numero} button[type=submit]").click()
    await page.wait_for_load_state("domcontentloaded")
    await fin.ir(f"/app/assembleias/{assembleia_id}")
    assert "pago em" in await page.locator(f"tr.contemplacao:has(td:text-is('nº {numero}'))").inner_text()
    pagamentos = (await t.client.get(f"/api/cotas/{cota_id}/pagamentos?limit=100", headers=t.auth())).json()
    lances = [p for p in pagamentos["items"] if p["forma"] == "lance" and p["status"] == "confirmado"]
    assert len(lances) == 1, lances
