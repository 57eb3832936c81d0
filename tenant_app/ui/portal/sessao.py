"""The área do consorciado's session gate: its own cookie, its own Redis keys, never a staff session.

A consorciado's session and a staff session can live in one browser without touching each
other: another cookie name (``__Host-cliente``), another key space in Redis
(``<prefix>portal:sessao:<sha256(id)>``), and ``scope["user"]`` is never set here, so no
staff guard can ever pass with it (and the staff gate never reads this cookie). Stages:
``anonima`` (CPF form) → ``segundo_fator`` (code sent, the consorciado's id kept — or none
when the CPF is unknown, so the code form looks the same) → ``autenticada``. The holder is
re-read on each request: an anonymised consorciado is logged out at once.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from tenant_app.portal.service import titular
from tenant_app.ui.middleware import _headers_seguranca, _ler_cookie, _redirecionar, cookie_segura
from tenant_app.ui.sessao import INATIVIDADE_SEGUNDOS, Sessao, Sessoes

ENTRAR = "/cliente/entrar"


class SessoesPortal(Sessoes):
    """Consorciados' sessions: the staff class, in another key space."""

    def _key(self, sid: str) -> str:
        return self._settings.key("portal", "sessao", hashlib.sha256(sid.encode()).hexdigest())


def nome_cookie(segura: bool) -> str:
    return "__Host-cliente" if segura else "cliente"


def _cookie(sessao: Sessao | None, segura: bool) -> bytes:
    nome = nome_cookie(segura)
    atributos = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if segura else "")
    if sessao is None:
        return f"{nome}=; Max-Age=0{atributos}".encode()
    return f"{nome}={sessao.id}; Max-Age={INATIVIDADE_SEGUNDOS}{atributos}".encode()


class SessaoPortalMiddleware:
    """ASGI middleware of the ``/cliente`` router."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        acesso = scope["route_handler"].opt.get("ui_acesso", "autenticada")
        litestar = scope["app"]
        settings = litestar.state.settings
        segura = cookie_segura(settings)
        sessoes = SessoesPortal(litestar.state.redis, settings.redis)
        sid = _ler_cookie(scope, nome_cookie(segura))
        sessao = await sessoes.ler(sid) if sid else None
        state: dict[str, Any] = scope.setdefault("state", {})  # type: ignore[typeddict-item]
        state["ui_sessoes"] = sessoes
        if acesso == "publica":
            if sessao is not None and sessao.autenticada:
                await _redirecionar(scope, send, "/cliente/", [])
                return
            if sessao is None or sessao.etapa == "autenticada":
                sessao = await sessoes.criar()
        elif sessao is None or sessao.etapa != acesso:
            limpar = [(b"set-cookie", _cookie(None, segura))] if sid and sessao is None else []
            await _redirecionar(scope, send, ENTRAR, limpar)
            return
        elif acesso == "autenticada":
            async with litestar.state.session_factory() as session:
                pessoa = await titular(session, uuid.UUID(sessao.user_id))
                nome = pessoa.nome if pessoa else None
            if nome is None:
                await sessoes.apagar(sessao)
                await _redirecionar(scope, send, ENTRAR, [(b"set-cookie", _cookie(None, segura))])
                return
            state["portal_consorciado"] = uuid.UUID(sessao.user_id)
            state["portal_nome"] = nome
        state["ui_sessao"] = sessao
        await self.app(scope, receive, self._com_headers(scope, send, segura))

    def _com_headers(self, scope: Scope, send: Send, segura: bool) -> Send:
        async def enviar(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                presentes = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _headers_seguranca() if k not in presentes]
                state = scope.get("state", {})
                sessao: Sessao | None = state.get("ui_sessao")
                if state.get("ui_sessao_encerrada"):
                    headers.append((b"set-cookie", _cookie(None, segura)))
                elif sessao is not None and sessao.nova:
                    headers.append((b"set-cookie", _cookie(sessao, segura)))
                message = {**message, "headers": headers}  # type: ignore[typeddict-item]
            await send(message)

        return enviar
