"""The área do consorciado in Chromium: a consorciado of the demo grupo logs in with the code e-mailed to
him (read from Mailpit), sees his cota and extrato, takes the 2ª via of a parcela and pays its PIX, offers
a lance in the open assembleia and withdraws it, downloads his contract and decides a consent — every screen
screenshotted and checked by axe (no serious/critical violation), at 1280 and 360 px.

The payment: the PIX of a boleto híbrido is settled by the bank's retorno (CNAB 240 from the synthetic bank
of tests/support/cobranca_banco.py, imported through the API as the financeiro's job does); no bank runs here.
"""

from __future__ import annotations

import random
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tenant_app.relatorios.demo import MODELO_DEMO
from tenant_app.users.roles import Role
from tests.integration.tenant_app.cobranca.apoio import arquivo_retorno, importar
from tests.support.cobranca_banco import OcorrenciaBanco
from tests.support.notificacoes_fixtures import Mailpit
from tests.support.tenant_app_ui_fixtures import Tela, UIServer

pytestmark = pytest.mark.e2e


async def _api(server: UIServer, caminho: str, **params: Any) -> Any:
    t = server.tenant
    r = await t.client.get(caminho, params=params, headers=t.auth())
    assert r.status_code == 200, r.text
    return r.json()


async def _consorciado_em_dia(server: UIServer) -> dict[str, Any]:
    """A demo member whose cota is active, not contemplated and up to date, with a unique e-mail
    (Mailpit is shared by every run)."""
    grupo = next(g for g in (await _api(server, "/api/grupos"))["items"] if g["codigo"] == "DEMO-AUTO-01")
    cotas = (await _api(server, f"/api/grupos/{grupo['id']}/cotas", limit=200))["items"]
    for cota in cotas:
        if cota["status"] != "ativa" or cota["contemplada"]:
            continue
        saldo = await _api(server, f"/api/cotas/{cota['id']}/saldo")
        if saldo["parcelas_vencidas"] == 0 and saldo["parcelas_em_aberto"] > 0:
            pessoa = await _api(server, f"/api/consorciados/{cota['consorciado_id']}")
            email = f"cliente-{uuid.uuid4().hex[:10]}@exemplo.com.br"
            t = server.tenant
            r = await t.client.patch(
                f"/api/consorciados/{pessoa['id']}", json={"email": email}, headers=t.auth(Role.OPERADOR)
            )
            assert r.status_code == 200, r.text
            return {**pessoa, "email": email, "cota": cota, "grupo": grupo}
    raise AssertionError("the demo grupo has a member up to date")


def _codigo(mailpit: Mailpit, email: str) -> str:
    texto = mailpit.mensagem(mailpit.esperar(email)[0]["ID"])["Text"]
    achado = re.search(r"área do consorciado é (\d{6})", texto)
    assert achado, texto
    return achado.group(1)


async def test_consorciado_paga_a_segunda_via_e_oferece_lance(
    nova_tela, ui_server: UIServer, mailpit: Mailpit
) -> None:
    eu = await _consorciado_em_dia(ui_server)
    tela: Tela = await nova_tela()
    page = tela.page

    await tela.ir("/cliente/")
    assert page.url.endswith("/cliente/entrar")
    await tela.conferir("90-portal-entrar")
    await tela.conferir("90-portal-entrar-360", largura=360)
    await page.fill("#c-documento", eu["documento"])
    await page.click("button[type=submit]")
    await page.wait_for_url("**/cliente/entrar/codigo")
    await page.fill("#c-codigo", "000000" if _codigo(mailpit, eu["email"]) != "000000" else "111111")
    await page.click("button[type=submit]")
    assert "Código inválido" in await page.inner_text("[role=alert]")
    await tela.conferir("91-portal-codigo-erro")
    await page.fill("#c-codigo", _codigo(mailpit, eu["email"]))
    await page.click("button[type=submit]")
    await page.wait_for_url(ui_server.url + "/cliente/")
    assert eu["nome"] in await page.inner_text("header")
    await tela.conferir("92-portal-inicio")
    await tela.conferir("92-portal-inicio-360", largura=360)
    # No staff screen with this session.
    await tela.ir("/app/")
    assert page.url.endswith("/app/entrar")

    await tela.ir("/cliente/")
    await page.click("text=Extrato e boletos")
    await page.wait_for_url(re.compile(r"/cliente/cotas/[0-9a-f-]{36}$"))
    cota_url = page.url
    await tela.conferir("93-portal-extrato")
    await tela.conferir("93-portal-extrato-360", largura=360)

    # 2ª via of the next open parcela: boleto and PIX copia e cola.
    await page.click("button:has-text('2ª via') >> nth=0")
    await page.wait_for_url(re.compile(r"/cliente/titulos/[0-9a-f-]{36}$"))
    titulo_id = page.url.rsplit("/", 1)[1]
    brcode = await page.input_value("#pix-copia")
    assert brcode.startswith("000201") and "br.gov.bcb.pix" in brcode
    assert await page.locator(".qr svg").count() == 1
    await tela.conferir("94-portal-segunda-via")
    await tela.conferir("94-portal-segunda-via-360", largura=360)

    # He pays it: the bank's retorno settles the título (the PIX of a boleto híbrido).
    t = ui_server.tenant
    titulo = await _api(ui_server, f"/api/cobranca/titulos/{titulo_id}")
    conta = await _api(ui_server, f"/api/cobranca/contas/{titulo['conta_id']}")
    valor = Decimal(titulo["valor"])
    ocorrencia = OcorrenciaBanco(
        titulo["nosso_numero"], "06", valor, valor, data_ocorrencia=date.today(), data_credito=date.today()
    )
    r = await importar(t, arquivo_retorno(conta, [ocorrencia], numero=random.randint(1000, 999_999)))
    assert r.status_code in (200, 201), r.text
    await page.goto(cota_url)
    linha = page.locator(f"tbody tr:has(td:text-is('{titulo['parcela_numero']}'))").first
    assert "paga" in await linha.inner_text()
    pagamentos = await page.locator("#t-pagamentos ~ div tbody tr").all_inner_texts()
    assert any("boleto" in p for p in pagamentos), pagamentos

    # An assembleia receiving lances (opened by the staff through the API).
    gestor = t.auth(Role.GESTOR)
    r = await t.client.post(
        f"/api/grupos/{eu['grupo']['id']}/assembleias",
        json={
            "numero": 600 + random.randint(0, 299),
            "data_assembleia": (date.today() + timedelta(days=20)).isoformat(),
            "corte_lances_em": (datetime.now(UTC) + timedelta(days=10)).isoformat(),
        },
        headers=gestor,
    )
    assert r.status_code == 201, r.text
    assembleia_id = r.json()["id"]
    r = await t.client.post(f"/api/assembleias/{assembleia_id}/abertura-lances", headers=gestor)
    assert r.status_code == 200, r.text

    await page.click("nav >> text=Assembleias")
    await page.wait_for_url("**/cliente/assembleias")
    await tela.conferir("95-portal-assembleias")
    formulario = page.locator(f"form[action='/cliente/assembleias/{assembleia_id}/lances']")
    await formulario.locator("input[name=percentual]").fill("abc")
    await formulario.locator("button").click()
    assert "percentual" in await page.inner_text("[role=alert]")
    formulario = page.locator(f"form[action='/cliente/assembleias/{assembleia_id}/lances']")
    await formulario.locator("input[name=percentual]").fill("32,5")
    await formulario.locator("button").click()
    assert "Lance registrado" in await page.inner_text("[role=status]")
    assert "32,50" in await page.inner_text(f"#t-a-{assembleia_id} ~ p.lance-ativo")
    # The cota with a lance is no longer offered (one active lance per cota).
    assert await page.locator(f"form[action='/cliente/assembleias/{assembleia_id}/lances']").count() == 0
    await tela.conferir("96-portal-lance")
    await tela.conferir("96-portal-lance-360", largura=360)
    await page.click("button:has-text('Cancelar lance')")
    assert "Lance cancelado." in await page.inner_text("[role=status]")

    # His contrato de adesão, generated by the staff (the ui tenant has its own bucket).
    r = await t.client.get("/api/contratos/modelos", headers=gestor)
    if not r.json():
        r = await t.client.post("/api/contratos/modelos", json=dict(MODELO_DEMO), headers=gestor)
        assert r.status_code == 201, r.text
    r = await t.client.post(f"/api/contratos/cotas/{eu['cota']['id']}", headers=t.auth(Role.OPERADOR))
    assert r.status_code == 201, r.text
    await page.click("nav >> text=Documentos")
    await page.wait_for_url("**/cliente/documentos")
    await tela.conferir("97-portal-documentos")
    # The link answers with the PDF itself (through the bucket's short-lived address).
    baixar = page.locator("a[href^='/cliente/documentos/']").first
    resposta = await page.request.get(ui_server.url + (await baixar.get_attribute("href") or ""))
    assert resposta.ok and (await resposta.body()).startswith(b"%PDF")

    await page.click("nav >> text=Meus dados")
    await page.wait_for_url("**/cliente/privacidade")
    assert eu["email"] in await page.inner_text("main")
    await page.click("button:has-text('Autorizar')")
    assert "Sua escolha foi registrada." in await page.inner_text("[role=status]")
    assert await page.locator("button:has-text('Retirar autorização')").count() == 1
    await tela.conferir("98-portal-privacidade")
    await tela.conferir("98-portal-privacidade-360", largura=360)

    await page.click("text=Sair")
    await page.wait_for_url("**/cliente/entrar?aviso=saiu")
    await tela.ir("/cliente/")
    assert page.url.endswith("/cliente/entrar")
