"""The web UI in a real browser: a tenant app served by uvicorn on a free port, Debian's Chromium.

* ``ui_tenant``: a provisioned tenant (own database, Redis ACL user, one user per
  role, own S3 bucket) with the demo data seeded through the services (``seed_demo``).
* ``ui_server``: the same tenant's app (a second instance, ``APP_BASE_URL`` set to
  its plain-http address, as devstack runs it) under uvicorn in a thread with its
  own event loop — the browser talks to it over TCP like a user would.
* ``browser``: Chromium from ``/usr/bin/chromium`` (installed by
  devstack/system_packages.py) driven by Playwright's ``executable_path``; one
  per session. Nothing is downloaded but the pinned npm assets
  (``tenant_app.ui.assets``, cached under ~/.cache/consorcio).
* ``Tela`` helpers: screenshot of every screen under ``test-artifacts/ui/``,
  axe-core injected (no serious/critical violation allowed), and any CSP
  violation or script error reported by the page fails the test.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp
import pytest
import uvicorn

from tenant_app.app import create_app
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.demo.seed import seed_demo
from tenant_app.settings import Settings
from tenant_app.ui import assets
from tenant_app.unit_of_work import Actor, UnitOfWork
from tests.support.object_store_fixtures import drop_buckets, provision_bucket
from tests.support.tenant_app_fixtures import PASSWORD, Tenant, provision_tenant

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "ui"
#: axe impacts that fail a screen.
GRAVES = ("serious", "critical")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class UIServer:
    """The running app and the tenant behind it."""

    url: str
    tenant: Tenant
    settings: Settings
    #: TOTP secrets enrolled by the tests, by e-mail (to log in again).
    segredos: dict[str, str] = field(default_factory=dict)
    #: The last TOTP step each e-mail used (a step is accepted once).
    passos: dict[str, int] = field(default_factory=dict)
    #: The app uvicorn serves (a test may hand it what the operator would configure, e.g. Vault access).
    app: Any = None


@pytest.fixture(scope="session")
async def ui_tenant(make_database: Callable[[], str], redis_url: str, s3: Any) -> AsyncIterator[Tenant]:
    """A tenant with demo data (one running group, 12 members, a year of payments) and its own bucket
    on the real S3 server (documents, atas, remessas), provisioned as the operator does."""
    slug = f"ui{uuid.uuid4().hex[:6]}"
    t = await provision_tenant(make_database, redis_url, slug, extra_env=await provision_bucket(s3, slug))
    # Its own engine on this loop (the test client's app runs its lifespan elsewhere).
    engine = create_engine(t.settings.database)
    try:
        async with UnitOfWork.start(create_session_factory(engine), Actor(None, "seed")) as uow:
            await seed_demo(uow, members=12)
    finally:
        await engine.dispose()
    yield t
    await t.client.__aexit__(None, None, None)
    await drop_buckets(s3)


@pytest.fixture(scope="session")
def ui_server(ui_tenant: Tenant) -> Iterator[UIServer]:
    """uvicorn on 127.0.0.1:<free port> in a thread (its own loop), until the session ends."""
    assets.fetch_all()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings.from_env({**ui_tenant.env, "APP_BASE_URL": url})
    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="ui-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the UI server did not start")
        time.sleep(0.05)
    yield UIServer(url=url, tenant=ui_tenant, settings=settings, app=app)
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    """One Chromium for the whole session (Debian's, never a download)."""
    from playwright.async_api import async_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as p:
        b = await p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--lang=pt-BR"]
        )
        yield b
        await b.close()


class Tela:
    """One browser context (one user) with the checks every screen gets."""

    def __init__(self, page: Any, server: UIServer) -> None:
        self.page = page
        self.server = server
        self.problemas: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problemas.append(f"erro de script: {exc}"))
        # Confirmations (data-confirmar) are answered yes, as the user would.
        page.on("dialog", lambda dialog: dialog.accept())

    def _console(self, msg: Any) -> None:
        texto = msg.text
        if msg.type == "error" and ("Content Security Policy" in texto or "Refused to" in texto):
            self.problemas.append(f"CSP: {texto}")
        elif msg.type == "error" and "Failed to load resource" not in texto:
            self.problemas.append(f"console: {texto}")

    async def ir(self, caminho: str) -> Any:
        return await self.page.goto(self.server.url + caminho)

    async def conferir(self, nome: str, *, largura: int | None = None) -> None:
        """Screenshot ``test-artifacts/ui/<nome>.png``; fail on axe serious/critical, CSP or script errors."""
        page = self.page
        if largura:
            await page.set_viewport_size({"width": largura, "height": 800})
        await page.wait_for_load_state("domcontentloaded")
        await page.screenshot(path=str(ARTIFACTS / f"{nome}.png"), full_page=True)
        # Through the DevTools protocol, not a <script> tag: the page's CSP stays strict.
        if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
            await page.evaluate(AXE_SOURCE())
        resultado = await page.evaluate(
            "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
            " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }"
        )
        graves = [v for v in resultado if v["impact"] in GRAVES]
        assert not graves, f"{nome}: axe {graves}"
        assert not self.problemas, f"{nome}: {self.problemas}"
        # Usable at 360 px: nothing wider than the viewport (the page itself never scrolls sideways).
        if largura:
            largo = await page.evaluate("() => document.documentElement.scrollWidth")
            assert largo <= largura + 1, f"{nome}: {largo}px de largura em {largura}px"
            await page.set_viewport_size({"width": 1280, "height": 800})

    async def entrar(self, email: str, senha: str = PASSWORD) -> None:
        """Log in through the form, passing (or enrolling) the second factor when the role needs it."""
        page = self.page
        await self.ir("/app/entrar")
        await page.fill("#c-email", email)
        await page.fill("#c-senha", senha)
        await page.click("button[type=submit]")
        await page.wait_for_load_state("domcontentloaded")
        if page.url.endswith("/app/entrar/ativacao"):
            segredo = (await page.inner_text("#segredo")).replace(" ", "")
            self.server.segredos[email] = segredo
            await page.fill("#c-codigo", await codigo_novo(self.server, email))
            await page.click("button[type=submit]")
        elif page.url.endswith("/app/entrar/codigo"):
            await page.fill("#c-codigo", await codigo_novo(self.server, email))
            await page.click("button[type=submit]")
        await page.wait_for_url(self.server.url + "/app/")


async def codigo_novo(server: UIServer, email: str) -> str:
    """A code of a step not used yet by ``email`` (the app accepts each step once, and one step of
    drift either side): the next step's code when the current one is spent."""
    segredo = server.segredos[email]
    agora = int(time.time() // 30)
    passo = max(agora, server.passos.get(email, -1) + 1)
    while passo > agora + 1:  # both usable steps spent: wait for the clock
        await asyncio.sleep(1)
        agora = int(time.time() // 30)
    server.passos[email] = passo
    return pyotp.TOTP(segredo).at(passo * 30)


_axe: list[str] = []


def AXE_SOURCE() -> str:
    if not _axe:
        caminho = assets.fetch(assets.AXE, assets.cache_dir())
        _axe.append(caminho.read_text())
    return _axe[0]


@pytest.fixture
async def nova_tela(browser: Any, ui_server: UIServer) -> AsyncIterator[Callable[[], Any]]:
    """Factory of ``Tela``s (one browser context each: separate cookies), closed after the test."""
    contextos: list[Any] = []

    async def criar() -> Tela:
        contexto = await browser.new_context(locale="pt-BR", timezone_id="America/Sao_Paulo")
        contexto.set_default_timeout(10_000)
        contextos.append(contexto)
        return Tela(await contexto.new_page(), ui_server)

    yield criar
    for contexto in contextos:
        await contexto.close()


@pytest.fixture(scope="session")
async def logado(browser: Any, ui_server: UIServer) -> AsyncIterator[Callable[[str], Any]]:
    """``await logado("gestor")``: a Tela of that role's test user, logged in once per session
    (second factor included) and reused by every test that asks for it."""
    telas: dict[str, Tela] = {}
    contextos: list[Any] = []

    async def obter(papel: str) -> Tela:
        if papel not in telas:
            contexto = await browser.new_context(locale="pt-BR", timezone_id="America/Sao_Paulo")
            contexto.set_default_timeout(10_000)
            contextos.append(contexto)
            tela = Tela(await contexto.new_page(), ui_server)
            await tela.entrar(f"{papel}@{ui_server.tenant.slug}.example")
            telas[papel] = tela
        tela = telas[papel]
        tela.problemas.clear()
        return tela

    yield obter
    for contexto in contextos:
        await contexto.close()


async def criar_usuario(server: UIServer, papel: str) -> str:
    """A fresh staff user of ``papel`` (through the API, as an admin); its e-mail."""
    email = f"{papel}.{uuid.uuid4().hex[:6]}@{server.tenant.slug}.example"
    r = await server.tenant.client.post(
        "/api/usuarios/",
        json={"email": email, "nome": f"Pessoa {papel}", "role": papel, "password": PASSWORD},
        headers=server.tenant.auth(),
    )
    assert r.status_code == 201, r.text
    return email
