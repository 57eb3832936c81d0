"""The web UI's session, CSRF, CSP and permission rules over HTTP (real PostgreSQL and Redis, no browser).

Requests go to ``https://`` URLs: the tenant is configured without a plain-http
APP_BASE_URL, so its cookies are ``Secure`` and ``__Host-`` prefixed, as in production.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pyotp
import pytest
from litestar.testing import AsyncTestClient

from tenant_app.ui.rotas import ROUTER
from tests.support.tenant_app_fixtures import PASSWORD, Tenant

pytestmark = pytest.mark.integration

BASE = "https://testserver.local"
COOKIE = "__Host-sessao"


class Navegador:
    """One browser's cookie jar over the tenant's shared test client."""

    def __init__(self, tenant: Tenant) -> None:
        self.client: AsyncTestClient = tenant.client
        self.jar = httpx.Cookies()

    async def req(self, metodo: str, caminho: str, **kw: Any) -> httpx.Response:
        self.client.cookies = self.jar
        try:
            return await self.client.request(metodo, BASE + caminho, follow_redirects=False, **kw)
        finally:
            self.jar = httpx.Cookies(self.client.cookies)
            self.client.cookies = httpx.Cookies()

    async def csrf(self, caminho: str) -> str:
        html = (await self.req("GET", caminho)).text
        achado = re.search(r'name="csrf" value="([^"]+)"', html)
        assert achado, html[:500]
        return achado.group(1)

    async def entrar(self, email: str, senha: str = PASSWORD) -> httpx.Response:
        token = await self.csrf("/app/entrar")
        return await self.req("POST", "/app/entrar", data={"csrf": token, "email": email, "senha": senha})


async def test_cabecalhos_de_seguranca_e_cookie(tenant: Tenant) -> None:
    nav = Navegador(tenant)
    r = await nav.req("GET", "/app/entrar")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    for atributo in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/"):
        assert atributo in cookie
    # No inline script or style in the HTML itself.
    assert "<style" not in r.text and " style=" not in r.text
    assert re.search(r"<script(?![^>]*\bsrc=)", r.text) is None


async def test_login_troca_a_sessao_e_sair_a_encerra(tenant: Tenant) -> None:
    nav = Navegador(tenant)
    await nav.csrf("/app/entrar")
    anonima = nav.jar.get(COOKIE)
    r = await nav.entrar(f"gestor@{tenant.slug}.example")
    assert r.status_code == 303 and r.headers["location"] == "/app/"
    logada = nav.jar.get(COOKIE)
    assert logada and logada != anonima  # no session fixation
    assert (await nav.req("GET", "/app/")).status_code == 200
    # The old (anonymous) id is dead.
    velho = Navegador(tenant)
    velho.jar.set(COOKIE, anonima or "", domain="testserver.local")
    assert (await velho.req("GET", "/app/")).status_code == 303

    token = await nav.csrf("/app/consorciados/novo")
    r = await nav.req("POST", "/app/sair", data={"csrf": token})
    assert r.status_code == 303
    copia = Navegador(tenant)
    copia.jar.set(COOKIE, logada, domain="testserver.local")
    r = await copia.req("GET", "/app/")
    assert r.status_code == 303 and r.headers["location"] == "/app/entrar"


async def test_senha_errada_conta_para_o_bloqueio_da_api(tenant: Tenant) -> None:
    nav = Navegador(tenant)
    r = await nav.entrar(f"auditor@{tenant.slug}.example", "errada-errada")
    assert r.status_code == 401 and "E-mail ou senha incorretos" in r.text


async def test_admin_so_entra_com_o_segundo_fator(tenant: Tenant) -> None:
    nav = Navegador(tenant)
    r = await nav.entrar(f"admin@{tenant.slug}.example")
    assert r.status_code == 303 and r.headers["location"] in ("/app/entrar/ativacao", "/app/entrar/codigo")
    # Password alone opens nothing.
    assert (await nav.req("GET", "/app/")).headers.get("location") == "/app/entrar"
    html = (await nav.req("GET", "/app/entrar/ativacao")).text
    segredo = re.search(r'id="segredo">([A-Z2-7 ]+)<', html)
    assert segredo, "the enrolment page shows the secret as text"
    totp = pyotp.TOTP(segredo.group(1).replace(" ", ""))
    token = re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    errado = await nav.req("POST", "/app/entrar/codigo", data={"csrf": token, "codigo": "000000"})
    assert errado.status_code == 400 and "Código inválido" in errado.text
    r = await nav.req("POST", "/app/entrar/codigo", data={"csrf": token, "codigo": totp.now()})
    assert r.status_code == 303 and r.headers["location"] == "/app/"
    assert (await nav.req("GET", "/app/usuarios")).status_code == 200


async def test_toda_mudanca_de_estado_exige_csrf(tenant: Tenant) -> None:
    nav = Navegador(tenant)
    # Even the login form.
    await nav.csrf("/app/entrar")
    r = await nav.req(
        "POST", "/app/entrar", data={"email": f"gestor@{tenant.slug}.example", "senha": PASSWORD}
    )
    assert r.status_code == 403
    await nav.entrar(f"gestor@{tenant.slug}.example")
    valido = await nav.csrf("/app/consorciados/novo")
    caminhos = _rotas_que_mudam_estado()
    assert len(caminhos) >= 15
    for caminho in caminhos:
        sem_token: dict[str, str] = {}
        for dados in (sem_token, {"csrf": "forjado"}):
            r = await nav.req("POST", caminho, data=dados)
            assert r.status_code == 403, (caminho, r.status_code)
    # A cross-site Origin is refused even with the right token.
    r = await nav.req(
        "POST", "/app/sair", data={"csrf": valido}, headers={"Origin": "https://atacante.example"}
    )
    assert r.status_code == 403


def _rotas_que_mudam_estado() -> list[str]:
    """Every non-GET UI route of a logged-in user, with placeholder ids (the login and code forms,
    reachable only before, are checked on their own)."""
    uid = "00000000-0000-0000-0000-000000000000"
    caminhos = []
    for rota in ROUTER.routes:
        for handler in getattr(rota, "route_handlers", []):
            if set(handler.http_methods) <= {"GET", "HEAD", "OPTIONS"}:
                continue
            if handler.opt.get("ui_acesso", "autenticada") == "autenticada":
                caminhos.append(re.sub(r"\{[^}]+:uuid\}", uid, rota.path))
    return sorted(set(caminhos))


async def test_papel_sem_permissao_nao_registra_pagamento(tenant: Tenant) -> None:
    nav = Navegador(tenant)
    await nav.entrar(f"operador@{tenant.slug}.example")
    token = await nav.csrf("/app/consorciados/novo")
    uid = "00000000-0000-0000-0000-000000000000"
    r = await nav.req("POST", f"/app/cotas/{uid}/pagamentos", data={"csrf": token, "valor": "10,00"})
    assert r.status_code == 403 and "Seu perfil não permite" in r.text
    r = await nav.req("GET", "/app/usuarios")
    assert r.status_code == 403
    menu = (await nav.req("GET", "/app/consorciados")).text
    assert 'href="/app/usuarios"' not in menu and 'href="/app/auditoria"' not in menu


async def test_sessao_de_um_tenant_nao_abre_outro(tenant: Tenant, other_tenant: Tenant) -> None:
    nav = Navegador(tenant)
    await nav.entrar(f"gestor@{tenant.slug}.example")
    sessao = nav.jar.get(COOKIE)
    assert sessao
    intruso = Navegador(other_tenant)
    intruso.jar.set(COOKIE, sessao, domain="testserver.local")
    r = await intruso.req("GET", "/app/consorciados")
    assert r.status_code == 303 and r.headers["location"] == "/app/entrar"


async def test_ativos_do_npm_servidos_pelo_app(tenant: Tenant) -> None:
    from tenant_app.ui import assets

    assets.fetch_all(served_only=True)
    nav = Navegador(tenant)
    r = await nav.req("GET", f"/app/estatico/vendor/{assets.HTMX.file}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert "immutable" in r.headers["cache-control"]
    assert (await nav.req("GET", f"/app/estatico/vendor/{assets.AXE.file}")).status_code == 404  # tests only
    assert (await nav.req("GET", "/app/estatico/..%2Fsessao.py")).status_code == 404
