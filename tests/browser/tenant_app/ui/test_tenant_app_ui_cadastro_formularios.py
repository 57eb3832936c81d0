"""Staff write forms in Chromium outside money: exclusão and readmissão of a cota, a document uploaded
to a cota, the signed ata of an assembleia, the Configurações area (bank account, e-mail sender,
webhook endpoint whose secret is shown once), and the grupo's contract fields (despesas relacionadas,
what a paid lance pays). Each refusal of the API appears next to its field, in Portuguese.
"""

from __future__ import annotations

import re
import uuid

import pytest

from tests.support.tenant_app_ui_fixtures import ARTIFACTS, Tela, UIServer

pytestmark = pytest.mark.e2e

#: The smallest PDF readers accept (the API recognises the type by its first bytes).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


async def _aviso(tela: Tela) -> str:
    """The confirmation of the last form (or the test fails with the page's error)."""
    await tela.page.wait_for_load_state("domcontentloaded")
    if await tela.page.locator("[role=alert]").count():
        pytest.fail(await tela.page.inner_text("[role=alert]"))
    return await tela.page.inner_text("main > [role=status]")


async def _cota_livre(tela: Tela, pular: int = 0) -> str:
    page = tela.page
    await tela.ir("/app/grupos")
    await page.click("text=DEMO-AUTO-01")
    livres = []
    for linha in await page.locator("#t-cotas ~ div tbody tr").all():
        celulas = await linha.locator("td").all_inner_texts()
        if celulas[1] == "ativa" and celulas[3] == "—":
            livres.append(linha)
    await livres[pular].locator("a").first.click()
    await page.wait_for_url(re.compile(r"/app/cotas/[0-9a-f-]{36}$"))
    return str(page.url)


async def test_exclusao_readmissao_e_documento_da_cota(logado) -> None:
    gestor: Tela = await logado("gestor")
    page = gestor.page
    await _cota_livre(gestor, pular=3)
    await gestor.conferir("60-cota-acoes-gestor")

    texto = ARTIFACTS / "nao-e-pdf.txt"
    texto.write_bytes(b"apenas texto")
    await page.set_input_files("#form-documento #c-arquivo", str(texto))
    await page.click("#form-documento button[type=submit]")
    assert await page.locator("#form-documento #e-arquivo").is_visible()
    await gestor.conferir("61-cota-documento-erro")
    contrato = ARTIFACTS / "contrato-assinado.pdf"
    contrato.write_bytes(PDF)
    await page.fill("#form-documento [name=titulo]", "Contrato assinado")
    await page.set_input_files("#form-documento #c-arquivo", str(contrato))
    await page.click("#form-documento button[type=submit]")
    assert await _aviso(gestor) == "Documento enviado."
    assert "Contrato assinado" in await page.inner_text("#t-docs ~ ul")

    await page.select_option("#form-exclusao [name=motivo]", "solicitacao")
    await page.fill("#form-exclusao [name=observacao]", "Pedido por escrito do consorciado")
    await page.click("#form-exclusao button[type=submit]")
    assert await _aviso(gestor) == "Cota excluída do grupo."
    assert "excluida" in await page.inner_text(".subtitulo")
    await gestor.conferir("62-cota-excluida")
    await page.click("#form-readmissao button[type=submit]")
    assert await _aviso(gestor) == "Cota readmitida."
    assert "ativa" in await page.inner_text(".subtitulo")


async def test_exclusao_de_cota_contemplada_nao_aparece(logado, ui_server: UIServer) -> None:
    t = ui_server.tenant
    grupos = (await t.client.get("/api/grupos", headers=t.auth())).json()["items"]
    demo = next(g for g in grupos if g["codigo"] == "DEMO-AUTO-01")
    cotas = (
        await t.client.get(f"/api/grupos/{demo['id']}/cotas?contemplada=true&limit=1", headers=t.auth())
    ).json()["items"]
    gestor: Tela = await logado("gestor")
    await gestor.ir(f"/app/cotas/{cotas[0]['id']}")
    assert await gestor.page.locator("#form-exclusao").count() == 0


async def test_ata_da_assembleia(logado, ui_server: UIServer) -> None:
    gestor: Tela = await logado("gestor")
    page = gestor.page
    t = ui_server.tenant
    grupos = (await t.client.get("/api/grupos", headers=t.auth())).json()["items"]
    demo = next(g for g in grupos if g["codigo"] == "DEMO-AUTO-01")
    assembleias = (await t.client.get(f"/api/grupos/{demo['id']}/assembleias", headers=t.auth())).json()
    apurada = next(a for a in assembleias if a["status"] in ("apurada", "encerrada"))
    await gestor.ir(f"/app/assembleias/{apurada['id']}")
    ata = ARTIFACTS / "ata-assinada.pdf"
    ata.write_bytes(PDF)
    await page.set_input_files("#form-ata #c-arquivo", str(ata))
    await page.click("#form-ata button[type=submit]")
    assert await _aviso(gestor) == "Ata enviada."
    assert await page.locator("li.ata").count() == 1
    assert "versão 1" in await page.inner_text("li.ata")
    # Sent again: a new version of the same ata, nothing overwritten.
    await page.set_input_files("#form-ata #c-arquivo", str(ata))
    await page.click("#form-ata button[type=submit]")
    assert "versão 2" in await page.inner_text("li.ata")
    await gestor.conferir("63-assembleia-ata")


async def test_configuracoes_conta_email_e_webhook(logado, ui_server: UIServer) -> None:
    admin: Tela = await logado("admin")
    page = admin.page
    await admin.ir("/app/")
    await page.click("nav.menu >> text=Configurações")
    await page.wait_for_url(re.compile(r"/app/configuracoes/?$"))
    await admin.conferir("70-configuracoes")

    # A grupo account with a missing convênio: refused next to the field.
    grupo = await page.locator("#c-grupo_id option >> nth=1").get_attribute("value")
    await page.select_option("#form-conta [name=grupo_id]", grupo)
    await page.fill("#form-conta [name=agencia]", "1606")
    await page.fill("#form-conta [name=dv_agencia]", "3")
    await page.fill("#form-conta [name=conta]", "77001")
    await page.fill("#form-conta [name=dv_conta]", "5")
    await page.fill("#form-conta [name=carteira]", "17")
    await page.fill("#form-conta [name=beneficiario_nome]", "Administradora Demo Ltda")
    await page.fill("#form-conta [name=beneficiario_documento]", "11.222.333/0001-81")
    await page.fill("#form-conta [name=cidade]", "São Paulo")
    await page.click("#form-conta button[type=submit]")
    assert await page.locator("#form-conta #e-convenio").is_visible()
    await admin.conferir("71-configuracoes-conta-erro")
    await page.fill("#form-conta [name=convenio]", "7654321")
    await page.click("#form-conta button[type=submit]")
    if await page.locator("[role=alert]").count():
        pytest.fail(await page.inner_text("[role=alert]"))
    assert await _aviso(admin) == "Conta bancária salva."
    assert "77001" in " ".join(await page.locator("tr.conta").all_inner_texts())

    await page.fill("#form-email [name=remetente_email]", "não é e-mail")
    await page.click("#form-email button[type=submit]")
    assert await page.locator("#form-email #e-remetente_email").is_visible()
    await page.fill("#form-email [name=nome_administradora]", "Administradora Demo")
    await page.fill("#form-email [name=remetente_nome]", "Atendimento Demo")
    await page.fill("#form-email [name=remetente_email]", f"atendimento@{ui_server.tenant.slug}.example")
    await page.click("#form-email button[type=submit]")
    assert await _aviso(admin) == "Configuração salva."

    await page.fill("#form-webhook [name=url]", "ftp://exemplo")
    await page.click("#form-webhook button[type=submit]")
    assert await page.locator("#form-webhook #e-url").is_visible()
    await admin.conferir("72-configuracoes-webhook-erro")
    # A public https address (the production SSRF rules; nothing is delivered: no worker runs here).
    url = f"https://1.1.1.1/{uuid.uuid4().hex[:8]}"
    await page.fill("#form-webhook [name=url]", url)
    await page.fill("#form-webhook [name=descricao]", "ERP")
    await page.check("#form-webhook input[value='pagamento.confirmado']")
    await page.click("#form-webhook button[type=submit]")
    await page.wait_for_load_state("domcontentloaded")
    if await page.locator("[role=alert]").count():
        pytest.fail(await page.inner_text("[role=alert]"))
    assert (await page.inner_text("#segredo-webhook .hash")).startswith("whsec_")
    assert url in " ".join(await page.locator("li.webhook").all_inner_texts())
    await admin.conferir("73-configuracoes-webhook-segredo")
    await admin.conferir("73-configuracoes-360", largura=360)
    webhook = page.locator(f"li.webhook:has-text('{url}')")
    await webhook.locator("button:has-text('Remover')").click()
    assert await _aviso(admin) == "Endpoint de webhook removido."
    assert await page.locator(f"li.webhook:has-text('{url}')").count() == 0


async def test_configuracoes_fora_do_menu_para_outros_papeis(logado) -> None:
    gestor: Tela = await logado("gestor")
    await gestor.ir("/app/")
    assert await gestor.page.locator("nav.menu >> text=Configurações").count() == 0
    resposta = await gestor.ir("/app/configuracoes")
    assert resposta.status == 403


async def test_grupo_com_despesas_relacionadas_e_lance_paga(logado, ui_server: UIServer) -> None:
    gestor: Tela = await logado("gestor")
    page = gestor.page
    await gestor.ir("/app/grupos/novo")
    codigo = f"UI-{uuid.uuid4().hex[:6].upper()}"
    for campo, valor in {
        "codigo": codigo,
        "valor_credito": "50.000,00",
        "prazo_meses": "60",
        "numero_cotas": "100",
        "taxa_administracao_pct": "15",
        "dia_vencimento": "10",
        "dia_assembleia": "20",
        "despesas_relacionadas_pct": "12",
    }.items():
        await page.fill(f"#c-{campo}", valor)
    await page.click("button:has-text('Criar grupo')")
    assert await page.locator("#e-despesas_relacionadas_pct").is_visible()  # above the 10 % ceiling
    await gestor.conferir("64-grupo-despesas-erro")
    await page.fill("#c-despesas_relacionadas_pct", "8")
    await page.click("button:has-text('Criar grupo')")
    assert await _aviso(gestor) == "Grupo criado."
    assert "até 8,00" in await page.inner_text("dl.dados")

    await page.click("text=Regras da assembleia")
    await page.select_option("#c-lance_paga", "parcela_integral")
    await page.click("button:has-text('Salvar regras')")
    assert await _aviso(gestor) == "Regras da assembleia salvas."
    assert await page.input_value("#c-lance_paga") == "parcela_integral"
    t = ui_server.tenant
    grupos = (await t.client.get("/api/grupos", headers=t.auth())).json()["items"]
    grupo_id = next(g["id"] for g in grupos if g["codigo"] == codigo)
    regras = (await t.client.get(f"/api/grupos/{grupo_id}/regras-assembleia", headers=t.auth())).json()
    assert regras["lance_paga"] == "parcela_integral"


async def test_documento_do_consorciado(logado) -> None:
    gestor: Tela = await logado("gestor")
    page = gestor.page
    await gestor.ir("/app/consorciados")
    await page.locator("main table tbody tr:not(:has(.etiqueta)) a").first.click()
    await page.wait_for_url(re.compile(r"/app/consorciados/[0-9a-f-]{36}$"))
    vazio = ARTIFACTS / "vazio.pdf"
    vazio.write_bytes(b"")
    await page.set_input_files("#form-documento #c-arquivo", str(vazio))
    await page.click("#form-documento button[type=submit]")
    assert await page.locator("#form-documento #e-arquivo").is_visible()
    await gestor.conferir("65-consorciado-documento-erro")
    identidade = ARTIFACTS / "identidade.pdf"
    identidade.write_bytes(PDF)
    await page.select_option("#form-documento [name=categoria]", "identidade")
    await page.fill("#form-documento [name=titulo]", "RG frente e verso")
    await page.set_input_files("#form-documento #c-arquivo", str(identidade))
    await page.click("#form-documento button[type=submit]")
    assert await _aviso(gestor) == "Documento enviado."
    assert "RG frente e verso" in await page.inner_text("#t-docs ~ ul")
