"""The UI's session gate: cookie → session → user, security headers on every UI response.

Runs on the UI router only (the JSON API keeps its bearer tokens). A page
needs a fully authenticated session unless its handler says otherwise
(``opt={"ui_acesso": "publica"}`` for the login form, ``"segundo_fator"`` for the
code and enrolment pages). The user is re-read on every request, so a
deactivated user or a changed role takes effect at once, and
``scope["user"]`` is the same ``CurrentUser`` the API's guards check: UI routes
use ``users.guards.requires`` with the one permission table.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlalchemy import select

from tenant_app.ui.paginas import CABECALHOS_SEGURANCA
from tenant_app.ui.sessao import INATIVIDADE_SEGUNDOS, Sessao, Sessoes, nome_cookie
from tenant_app.users.current_user import CurrentUser
from tenant_app.users.models import User

LOGIN = "/app/entrar"


def cookie_segura(settings: Any) -> bool:
    """Secure cookies unless the app is explicitly served over plain http (devstack, tests)."""
    return not str(getattr(settings, "app_base_url", None) or "").startswith("http://")


def _cookie(sessao: Sessao | None, segura: bool) -> bytes:
    nome = nome_cookie(segura)
    atributos = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if segura else "")
    if sessao is None:
        return f"{nome}=; Max-Age=0{atributos}".encode()
    return f"{nome}={sessao.id}; Max-Age={INATIVIDADE_SEGUNDOS}{atributos}".encode()


def _ler_cookie(scope: Scope, nome: str) -> str | None:
    for chave, valor in scope["headers"]:
        if chave == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(valor.decode("latin-1"))
            except Exception:
                continue
            if nome in jar:
                return jar[nome].value
    return None


async def carregar_usuario(app: Any, user_id: uuid.UUID) -> CurrentUser | None:
    """The session's user as the guards see it, or None when gone, inactive or locked."""
    async with app.state.session_factory() as session:
        row = (
            await session.execute(
                select(User.email, User.role, User.active, User.locked_until).where(User.id == user_id)
            )
        ).one_or_none()
    if (
        row is None
        or not row.active
        or (row.locked_until is not None and row.locked_until > datetime.now(UTC))
    ):
        return None
    return CurrentUser(id=user_id, email=row.email, role=row.role)


def _headers_seguranca() -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode(), v.encode()) for k, v in CABECALHOS_SEGURANCA.items()]


async def _redirecionar(scope: Scope, send: Send, destino: str, extra: list[tuple[bytes, bytes]]) -> None:
    htmx = any(k == b"hx-request" for k, _ in scope["headers"])
    headers = _headers_seguranca() + extra + [(b"cache-control", b"no-store")]
    if htmx:  # htmx follows HX-Redirect with a full page load
        status, headers = 200, [*headers, (b"hx-redirect", destino.encode())]
    else:
        status, headers = 303, [*headers, (b"location", destino.encode())]
    inicio: Any = {"type": "http.response.start", "status": status, "headers": headers}
    await send(inicio)
    await send({"type": "http.response.body", "body": b"", "more_body": False})


class SessaoUIMiddleware:
    """ASGI middleware of the UI router."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        opt = scope["route_handler"].opt
        acesso = opt.get("ui_acesso", "autenticada")
        if acesso == "estatico":
            await self.app(scope, receive, self._com_headers(scope, send, None))
            return
        litestar = scope["app"]
        settings = litestar.state.settings
        segura = cookie_segura(settings)
        sessoes = Sessoes(litestar.state.redis, settings.redis)
        sid = _ler_cookie(scope, nome_cookie(segura))
        sessao = await sessoes.ler(sid) if sid else None
        state = scope.setdefault("state", {})  # type: ignore[typeddict-item]
        state["ui_sessoes"] = sessoes
        if acesso == "publica":
            if sessao is not None and sessao.autenticada:
                await _redirecionar(scope, send, "/app/", [])
                return
            if sessao is None or sessao.etapa != "anonima":
                sessao = await sessoes.criar()
        elif sessao is None or sessao.etapa != acesso:
            # A dead id is dropped; a live session in another stage (second factor pending) is kept.
            limpar = [(b"set-cookie", _cookie(None, segura))] if sid and sessao is None else []
            await _redirecionar(scope, send, LOGIN, limpar)
            return
        elif acesso == "autenticada":
            user = await carregar_usuario(litestar, sessao.usuario)  # type: ignore[arg-type]
            if user is None:
                await sessoes.apagar(sessao)
                await _redirecionar(scope, send, LOGIN, [(b"set-cookie", _cookie(None, segura))])
                return
            scope["user"] = user
        state["ui_sessao"] = sessao
        state["ui_cookie_segura"] = segura
        await self.app(scope, receive, self._com_headers(scope, send, segura))

    def _com_headers(self, scope: Scope, send: Send, segura: bool | None) -> Send:
        async def enviar(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                presentes = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _headers_seguranca() if k not in presentes]
                if segura is not None:
                    state = scope.get("state", {})
                    sessao: Sessao | None = state.get("ui_sessao")
                    if state.get("ui_sessao_encerrada"):
                        headers.append((b"set-cookie", _cookie(None, segura)))
                    elif sessao is not None and sessao.nova:
                        headers.append((b"set-cookie", _cookie(sessao, segura)))
                message = {**message, "headers": headers}  # type: ignore[typeddict-item]
            await send(message)

        return enviar
