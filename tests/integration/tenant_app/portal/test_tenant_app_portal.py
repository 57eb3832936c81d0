"""Área do consorciado over HTTP (real PostgreSQL, Redis, Mailpit; no browser): login by e-mailed code,
his cotas, 2ª via, lance, privacy — and nobody else's data, in his tenant or another.

Requests go to ``https://`` URLs: the tenant has no plain-http APP_BASE_URL, so the cookie is
``__Host-cliente`` and ``Secure``, as in production.
"""

from __future__ import annotations

import re
import socket
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from tenant_app.users.roles import Role
from tests.support.notificacoes_fixtures import Mailpit
from tests.support.tenant_app_fixtures import Tenant

pytestmark = pytest.mark.integration

BASE = "https://testserver.local"
COOKIE = "__Host-cliente"


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

    async def post(self, caminho: str, pagina: str, **dados: str) -> httpx.Response:
        return await self.req("POST", caminho, data={"csrf": await self.csrf(pagina), **dados})


async def _api(tenant: Tenant, caminho: str, **params: Any) -> Any:
    r = await tenant.client.get(caminho, params=params, headers=tenant.auth())
    assert r.status_code == 200, r.text
    return r.json()


async def cotas_do_demo(tenant: Tenant) -> list[dict[str, Any]]:
    grupo = (await _api(tenant, "/api/grupos"))["items"][0]
    return list((await _api(tenant, f"/api/grupos/{grupo['id']}/cotas", limit=50))["items"])


async def consorciados(tenant: Tenant, mailpit: Mailpit) -> list[dict[str, Any]]:
    """The demo's members, each with a unique e-mail (Mailpit is shared by every test run) and his cota."""
    pessoas = (await _api(tenant, "/api/consorciados", limit=50))["items"]
    cotas = await cotas_do_demo(tenant)
    saida = []
    for p in pessoas:
        email = f"cliente-{uuid.uuid4().hex[:10]}@exemplo.com.br"
        r = await tenant.client.patch(
            f"/api/consorciados/{p['id']}", json={"email": email}, headers=tenant.auth(Role.OPERADOR)
        )
        assert r.status_code == 200, r.text
        cota = next(c for c in cotas if c["consorciado_id"] == p["id"])
        saldo = await _api(tenant, f"/api/cotas/{cota['id']}/saldo")
        saida.append({**p, "email": email, "cota": cota, "saldo": saldo})
    return saida


def codigo_do_email(mailpit: Mailpit, email: str, n: int = 1) -> str:
    msgs = mailpit.esperar(email, n)
    texto = mailpit.mensagem(msgs[0]["ID"])["Text"]
    achado = re.search(r"área do consorciado é (\d{6})", texto)
    assert achado, texto
    return achado.group(1)


async def entrar(tenant: Tenant, mailpit: Mailpit, pessoa: dict[str, Any], n: int = 1) -> Navegador:
    nav = Navegador(tenant)
    r = await nav.post("/cliente/entrar", "/cliente/entrar", documento=pessoa["documento"])
    assert r.status_code == 303 and r.headers["location"] == "/cliente/entrar/codigo", r.text
    codigo = codigo_do_email(mailpit, pessoa["email"], n)
    r = await nav.post("/cliente/entrar/codigo", "/cliente/entrar/codigo", codigo=codigo)
    assert r.status_code == 303 and r.headers["location"] == "/cliente/", r.text
    return nav


@pytest.fixture(scope="session")
async def pessoas_a(portal_a: Tenant, mailpit: Mailpit) -> list[dict[str, Any]]:
    return await consorciados(portal_a, mailpit)


async def test_entrada_por_codigo_enviado_ao_email_cadastrado(
    portal_a: Tenant, mailpit: Mailpit, pessoas_a: list[dict[str, Any]]
) -> None:
    pessoa = pessoas_a[0]
    nav = Navegador(portal_a)
    assert (await nav.req("GET", "/cliente/")).headers["location"] == "/cliente/entrar"

    # An unknown CPF gets the same answer (no enumeration) and nothing is sent.
    desconhecido = Navegador(portal_a)
    r = await desconhecido.post("/cliente/entrar", "/cliente/entrar", documento="529.982.247-25")
    assert r.status_code == 303 and r.headers["location"] == "/cliente/entrar/codigo"
    r = await desconhecido.post("/cliente/entrar/codigo", "/cliente/entrar/codigo", codigo="123456")
    assert r.status_code == 400

    r = await nav.post("/cliente/entrar", "/cliente/entrar", documento=pessoa["documento"])
    assert r.status_code == 303
    anonima = nav.jar.get(COOKIE)
    codigo = codigo_do_email(mailpit, pessoa["email"])
    errado = f"{(int(codigo) + 1) % 1_000_000:06d}"
    r = await nav.post("/cliente/entrar/codigo", "/cliente/entrar/codigo", codigo=errado)
    assert r.status_code == 400 and "Código inválido" in r.text
    r = await nav.post("/cliente/entrar/codigo", "/cliente/entrar/codigo", codigo=codigo)
    assert r.status_code == 303 and r.headers["location"] == "/cliente/"
    assert nav.jar.get(COOKIE) not in (None, anonima)  # a new session id at login
    inicio = await nav.req("GET", "/cliente/")
    assert inicio.status_code == 200 and pessoa["nome"] in inicio.text
    assert f"cota nº {pessoa['cota']['numero']}" in inicio.text
    assert "unsafe-inline" not in inicio.headers["content-security-policy"]

    # The code is spent: typing it again in another browser does not log in.
    outro = Navegador(portal_a)
    await outro.post("/cliente/entrar", "/cliente/entrar", documento=pessoa["documento"])
    r = await outro.post("/cliente/entrar/codigo", "/cliente/entrar/codigo", codigo=codigo)
    assert r.status_code == 400

    r = await nav.post("/cliente/sair", "/cliente/")
    assert r.status_code == 303
    assert (await nav.req("GET", "/cliente/")).headers["location"] == "/cliente/entrar"


async def test_cinco_codigos_errados_esgotam_o_codigo(
    portal_a: Tenant, mailpit: Mailpit, pessoas_a: list[dict[str, Any]]
) -> None:
    pessoa = pessoas_a[1]
    nav = Navegador(portal_a)
    await nav.post("/cliente/entrar", "/cliente/entrar", documento=pessoa["documento"])
    codigo = codigo_do_email(mailpit, pessoa["email"])
    errado = f"{(int(codigo) + 7) % 1_000_000:06d}"
    for _ in range(4):
        r = await nav.post("/cliente/entrar/codigo", "/cliente/entrar/codigo", codigo=errado)
        assert r.status_code == 400 and "Código inválido" in r.text
    r = await nav.post("/cliente/entrar/codigo", "/cliente/entrar/codigo", codigo=errado)
    assert "Peça um novo código" in r.text
    # The right code no longer works: the session went back to the start.
    r = await nav.req("POST", "/cliente/entrar/codigo", data={"csrf": "x", "codigo": codigo})
    assert r.status_code == 303 and r.headers["location"] == "/cliente/entrar"


async def test_o_consorciado_so_alcanca_o_que_e_dele_neste_e_em_outro_tenant(
    portal_a: Tenant, portal_b: Tenant, mailpit: Mailpit, pessoas_a: list[dict[str, Any]]
) -> None:
    eu, outro = pessoas_a[2], pessoas_a[3]
    nav = await entrar(portal_a, mailpit, eu)
    minha = await nav.req("GET", f"/cliente/cotas/{eu['cota']['id']}")
    assert minha.status_code == 200 and f"cota nº {eu['cota']['numero']}" in minha.text

    # Another consorciado of the same tenant: his cota, parcelas, títulos, lances are "not found".
    assert (await nav.req("GET", f"/cliente/cotas/{outro['cota']['id']}")).status_code == 404
    parcelas = await _api(portal_a, f"/api/cotas/{outro['cota']['id']}/parcelas")
    aberta = next(p for p in parcelas if p["status"] != "paga")
    r = await nav.post(f"/cliente/parcelas/{aberta['id']}/segunda-via", "/cliente/")
    assert r.status_code == 404
    titulos = (await _api(portal_a, "/api/cobranca/titulos", cota_id=outro["cota"]["id"]))["items"]
    for t in titulos[:3]:
        assert (await nav.req("GET", f"/cliente/titulos/{t['id']}")).status_code == 404
    assert outro["nome"] not in (await nav.req("GET", "/cliente/")).text
    assert outro["documento"] not in (await nav.req("GET", "/cliente/privacidade")).text

    # Tenant B: its ids do not exist here, and this session means nothing there.
    cotas_b = await cotas_do_demo(portal_b)
    assert (await nav.req("GET", f"/cliente/cotas/{cotas_b[0]['id']}")).status_code == 404
    em_b = Navegador(portal_b)
    em_b.jar = nav.jar
    r = await em_b.req("GET", "/cliente/")
    assert r.status_code == 303 and r.headers["location"] == "/cliente/entrar"

    # The consorciado's cookie opens no staff screen and no API route.
    r = await nav.req("GET", "/app/")
    assert r.status_code == 303 and r.headers["location"] == "/app/entrar"
    assert (await nav.req("GET", f"/api/cotas/{eu['cota']['id']}")).status_code == 401
    # And a staff session opens no área do consorciado.
    staff = Navegador(portal_a)
    token = await staff.csrf("/app/entrar")
    r = await staff.req(
        "POST",
        "/app/entrar",
        data={"csrf": token, "email": f"gestor@{portal_a.slug}.example", "senha": "senha-forte-123"},
    )
    assert r.status_code == 303 and r.headers["location"] == "/app/"
    r = await staff.req("GET", "/cliente/")
    assert r.status_code == 303 and r.headers["location"] == "/cliente/entrar"


async def test_segunda_via_e_lance_na_assembleia_aberta(
    portal_a: Tenant, mailpit: Mailpit, pessoas_a: list[dict[str, Any]]
) -> None:
    candidatos = [p for p in pessoas_a if not p["cota"]["contemplada"] and p["cota"]["status"] == "ativa"]
    em_dia = [p for p in candidatos if p["saldo"]["parcelas_vencidas"] == 0]
    assert em_dia, "the demo seed has members paying on time"
    eu = em_dia[0]
    outro = next(p for p in candidatos if p["id"] != eu["id"])
    nav = await entrar(portal_a, mailpit, eu)

    # 2ª via of the next open parcela: a título with linha digitável and PIX copia e cola.
    parcelas = await _api(portal_a, f"/api/cotas/{eu['cota']['id']}/parcelas")
    aberta = next(p for p in parcelas if p["status"] != "paga")
    r = await nav.post(f"/cliente/parcelas/{aberta['id']}/segunda-via", f"/cliente/cotas/{eu['cota']['id']}")
    assert r.status_code == 303 and r.headers["location"].startswith("/cliente/titulos/"), r.text
    titulo = await nav.req("GET", r.headers["location"])
    assert titulo.status_code == 200
    api = await _api(portal_a, f"/api/cobranca/titulos/{r.headers['location'].rsplit('/', 1)[1]}")
    assert api["parcela_id"] == aberta["id"] and api["linha_formatada"] in titulo.text
    assert api["brcode"] and api["brcode"] in titulo.text.replace("&amp;", "&")
    # Asking again gives the same título (nothing issued twice).
    r2 = await nav.post(f"/cliente/parcelas/{aberta['id']}/segunda-via", f"/cliente/cotas/{eu['cota']['id']}")
    assert r2.headers["location"] == r.headers["location"]

    # An assembleia receiving lances (the staff opens it through the API).
    grupo_id = eu["cota"]["grupo_id"]
    staff = portal_a.auth(Role.GESTOR)
    await portal_a.client.put(
        f"/api/grupos/{grupo_id}/regras-assembleia",
        json={"metodo_sorteio": "finais", "direcao_aproximacao": "alternada", "tipos_lance": ["livre"]},
        headers=staff,
    )
    r = await portal_a.client.post(
        f"/api/grupos/{grupo_id}/assembleias",
        json={
            "numero": 900 + date.today().day,
            "data_assembleia": (date.today() + timedelta(days=20)).isoformat(),
            "corte_lances_em": (datetime.now(UTC) + timedelta(days=10)).isoformat(),
        },
        headers=staff,
    )
    assert r.status_code == 201, r.text
    assembleia_id = r.json()["id"]
    r = await portal_a.client.post(f"/api/assembleias/{assembleia_id}/abertura-lances", headers=staff)
    assert r.status_code == 200, r.text

    pagina = "/cliente/assembleias"
    # Another member's cota in the same assembleia: not found.
    r = await nav.post(
        f"/cliente/assembleias/{assembleia_id}/lances",
        pagina,
        cota_id=outro["cota"]["id"],
        tipo="livre",
        percentual="20",
    )
    assert r.status_code == 404
    # A type the contract does not allow: the lances service's rule, shown on the page.
    r = await nav.post(
        f"/cliente/assembleias/{assembleia_id}/lances",
        pagina,
        cota_id=eu["cota"]["id"],
        tipo="fixo",
        percentual="20",
    )
    assert r.status_code == 422
    r = await nav.post(
        f"/cliente/assembleias/{assembleia_id}/lances",
        pagina,
        cota_id=eu["cota"]["id"],
        tipo="livre",
        percentual="20,5",
    )
    assert r.status_code == 303 and "lance_registrado" in r.headers["location"], r.text
    lista = (await nav.req("GET", pagina)).text
    assert "20,50" in lista and "Cancelar lance" in lista
    lance_id = re.search(rf"/cliente/assembleias/{assembleia_id}/lances/([0-9a-f-]{{36}})/cancelar", lista)
    assert lance_id
    # The lance is the staff's sealed lance: one active per cota, audited with the consorciado as actor.
    r = await portal_a.client.get(
        f"/api/assembleias/{assembleia_id}/lances/{lance_id.group(1)}", headers=portal_a.auth(Role.GESTOR)
    )
    assert r.status_code == 200 and r.json()["cota_numero"] == eu["cota"]["numero"]

    # The audit trail names the consorciado himself as the actor of his login and of his lance.
    r = await portal_a.client.get(
        "/api/auditoria/",
        params={"entidade": "lances", "entidade_id": lance_id.group(1)},
        headers=portal_a.auth(Role.AUDITOR),
    )
    assert r.status_code == 200, r.text
    assert [e["actor_email"] for e in r.json()["items"]] == [f"consorciado:{eu['id']}"]
    r = await portal_a.client.get(
        "/api/auditoria/",
        params={"acao": "portal_login", "entidade_id": eu["id"]},
        headers=portal_a.auth(Role.AUDITOR),
    )
    assert r.status_code == 200 and r.json()["items"], r.text

    # Another consorciado cannot cancel it.
    intruso = await entrar(portal_a, mailpit, outro)
    r = await intruso.post(
        f"/cliente/assembleias/{assembleia_id}/lances/{lance_id.group(1)}/cancelar", pagina
    )
    assert r.status_code == 404
    r = await nav.post(f"/cliente/assembleias/{assembleia_id}/lances/{lance_id.group(1)}/cancelar", pagina)
    assert r.status_code == 303 and "lance_cancelado" in r.headers["location"]
    assert "Cancelar lance" not in (await nav.req("GET", pagina)).text


async def test_privacidade_consentimento_e_exportacao(
    portal_a: Tenant, mailpit: Mailpit, pessoas_a: list[dict[str, Any]]
) -> None:
    eu = pessoas_a[4]
    nav = await entrar(portal_a, mailpit, eu)
    tela = await nav.req("GET", "/cliente/privacidade")
    assert tela.status_code == 200 and eu["email"] in tela.text and "Autorizar" in tela.text
    r = await nav.post(
        "/cliente/privacidade/consentimentos", "/cliente/privacidade", finalidade="marketing", concedido="sim"
    )
    assert r.status_code == 303
    assert "Retirar autorização" in (await nav.req("GET", "/cliente/privacidade")).text
    # Only what he decides himself: the contract's processing is no consent to withdraw here.
    r = await nav.post(
        "/cliente/privacidade/consentimentos",
        "/cliente/privacidade",
        finalidade="execucao_contrato",
        concedido="nao",
    )
    assert r.status_code == 422
    consentimentos = await _api(portal_a, f"/api/consorciados/{eu['id']}/consentimentos")
    ultimo = [c for c in consentimentos if c["finalidade"] == "marketing"][-1]
    assert ultimo["concedido"] is True and ultimo["canal"] == "area_consorciado"

    r = await nav.req("GET", "/cliente/privacidade/meus-dados.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    dados = r.json()
    assert dados["titular"]["documento"] == eu["documento"]
    assert [c["id"] for c in dados["cotas"]] == [eu["cota"]["id"]]
    assert pessoas_a[5]["documento"] not in r.text


async def test_documentos_contrato_e_de_mais_ninguem(
    portal_a: Tenant, mailpit: Mailpit, pessoas_a: list[dict[str, Any]]
) -> None:
    eu, outro = pessoas_a[5], pessoas_a[0]
    nav = await entrar(portal_a, mailpit, eu, n=1)
    tela = await nav.req("GET", "/cliente/documentos")
    assert tela.status_code == 200
    meus = (await _api(portal_a, "/api/documentos/", consorciado_id=eu["id"]))["items"]
    contratos = [d for d in meus if d["categoria"] == "contrato_adesao"]
    assert contratos, (meus, await _api(portal_a, "/api/documentos/"))
    contrato = contratos[0]
    assert f"/cliente/documentos/{contrato['id']}" in tela.text
    r = await nav.req("GET", f"/cliente/documentos/{contrato['id']}")
    assert r.status_code == 303
    # The short-lived link of the tenant's bucket serves the PDF itself.
    async with httpx.AsyncClient() as s3:
        pdf = await s3.get(r.headers["location"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    dele = (await _api(portal_a, "/api/documentos/", consorciado_id=outro["id"]))["items"]
    assert dele and all(f"/cliente/documentos/{d['id']}" not in tela.text for d in dele)
    assert (await nav.req("GET", f"/cliente/documentos/{dele[0]['id']}")).status_code == 404


async def test_sem_servidor_de_email_o_pedido_de_codigo_diz_que_o_envio_esta_indisponivel(
    portal_a: Tenant, pessoas_a: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as s:  # a port nobody listens on: the SMTP relay is down
        s.bind(("127.0.0.1", 0))
        porta = s.getsockname()[1]
    monkeypatch.setenv("SMTP_PORT", str(porta))
    nav = Navegador(portal_a)
    r = await nav.post("/cliente/entrar", "/cliente/entrar", documento=pessoas_a[0]["documento"])
    assert r.status_code == 503 and "envio de e-mails está indisponível" in r.text
    # Still at the start: no code stage without a code sent.
    assert (await nav.req("GET", "/cliente/entrar/codigo")).headers["location"] == "/cliente/entrar"
