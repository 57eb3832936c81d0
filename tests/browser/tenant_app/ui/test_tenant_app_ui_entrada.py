"""Login, second factor (enrolment and later logins), lockout message, logout — in Chromium."""

from __future__ import annotations

import pytest

from tests.support.tenant_app_ui_fixtures import Tela, UIServer, criar_usuario

pytestmark = pytest.mark.e2e


async def test_admin_ativa_segundo_fator_e_ve_o_painel(nova_tela, ui_server: UIServer) -> None:
    email = await criar_usuario(ui_server, "admin")
    tela: Tela = await nova_tela()
    page = tela.page
    await tela.ir("/app/")
    assert page.url.endswith("/app/entrar")
    await tela.conferir("01-login")
    await page.fill("#c-email", email)
    await page.fill("#c-senha", "senha-errada-123")
    await page.click("button[type=submit]")
    assert "E-mail ou senha incorretos" in await page.inner_text("[role=alert]")
    await tela.conferir("01-login-erro")

    await page.fill("#c-senha", "senha-forte-123")
    await page.click("button[type=submit]")
    await page.wait_for_url("**/app/entrar/ativacao")
    assert await page.locator(".qr svg").count() == 1
    await tela.conferir("02-ativacao-2fa")
    await page.fill("#c-codigo", "000000")
    await page.click("button[type=submit]")
    assert "Código inválido" in await page.inner_text("[role=alert]")

    await tela.entrar(email)
    assert await page.inner_text("h1") == "Painel"
    await tela.conferir("03-painel")
    await tela.conferir("03-painel-360", largura=360)

    await page.click("text=Sair")
    await page.wait_for_url("**/app/entrar?aviso=saiu")
    await tela.ir("/app/")
    assert page.url.endswith("/app/entrar")

    # Later logins ask for the code only.
    await tela.entrar(email)
    assert await page.inner_text("h1") == "Painel"


async def test_operador_entra_sem_segundo_fator_e_ve_so_o_menu_do_papel(
    nova_tela, ui_server: UIServer
) -> None:
    tela: Tela = await nova_tela()
    await tela.entrar(f"operador@{ui_server.tenant.slug}.example")
    menu = await tela.page.locator("nav.menu a").all_inner_texts()
    assert "Consorciados" in menu and "Usuários" not in menu and "Auditoria" not in menu
    resposta = await tela.ir("/app/usuarios")
    assert resposta.status == 403
    await tela.conferir("04-acesso-negado")
