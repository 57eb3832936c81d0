"""The screens call the app's own JSON API, in process (ASGI, no socket).

One contract for both faces of the app: every validation, permission guard,
problem+json error (in Portuguese, with the field it concerns), idempotency
rule and audit entry the API has, the UI has too, without a second copy of any
of them. The call carries a short-lived access token minted for the session's
user (the same claims a login would give), so the API's guards decide with the
user's current role. Cost: an in-process ASGI round trip, ~1 ms of CPU per call
(benchmarks/tenant_app_ui.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, cast

import httpx
from litestar import Litestar, Request

from tenant_app.auth.tokens import issue_access_token
from tenant_app.users.current_user import CurrentUser

#: Host of the in-process calls (never resolved: the transport is the app itself).
BASE = "http://ui.interno"


@dataclass
class ErroApi(Exception):
    """A problem+json answer: ``detail`` and the field errors, ready for a form."""

    status: int
    detail: str
    code: str = ""
    erros: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.detail}"

    @classmethod
    def de_resposta(cls, resposta: httpx.Response) -> ErroApi:
        try:
            corpo = resposta.json()
        except ValueError:
            corpo = {}
        if not isinstance(corpo, dict):
            corpo = {}
        erros: dict[str, str] = {}
        for item in corpo.get("errors") or []:
            campo, mensagem = item.get("campo"), item.get("mensagem")
            if campo and mensagem:
                # Several messages for one field read as one sentence.
                erros[campo] = f"{erros[campo]}; {mensagem}" if campo in erros else mensagem
        tipo = str(corpo.get("type") or "")
        return cls(
            status=resposta.status_code,
            detail=str(corpo.get("detail") or "Não foi possível concluir a operação."),
            code=tipo.rsplit("/", 1)[-1] if "/problemas/" in tipo else "",
            erros=erros,
        )


def multipart(campo: str, nome: str, conteudo: bytes) -> tuple[bytes, str]:
    """One file as a multipart/form-data body in a single chunk, and its Content-Type. Pure.

    (One chunk: the app reads it whole anyway, and the file's name is sanitised here.)
    """
    fronteira = uuid.uuid4().hex
    seguro = nome.replace('"', "").replace("\r", "").replace("\n", "")
    cabeca = (
        f'--{fronteira}\r\nContent-Disposition: form-data; name="{campo}"; filename="{seguro}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return (
        cabeca + conteudo + f"\r\n--{fronteira}--\r\n".encode(),
        f"multipart/form-data; boundary={fronteira}",
    )


def _cliente(app: Litestar) -> httpx.AsyncClient:
    cliente: httpx.AsyncClient | None = app.state.get("ui_api_cliente")
    if cliente is None:
        cliente = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=cast(Any, app)), base_url=BASE, timeout=60
        )
        app.state.ui_api_cliente = cliente
    return cliente


class Api:
    """The API as the current user (one per UI request)."""

    def __init__(self, request: Request[Any, Any, Any]) -> None:
        user = request.scope.get("user")
        if not isinstance(user, CurrentUser):
            raise RuntimeError("Api() needs an authenticated UI request")
        self._app = request.app
        token, _ = issue_access_token(request.app.state.settings.auth, user)
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        request_id = request.scope.get("state", {}).get("request_id")
        if request_id:
            self._headers["X-Request-ID"] = str(request_id)

    async def chamar(
        self,
        metodo: str,
        caminho: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        chave: str | None = None,
        arquivo: tuple[str, str, bytes] | None = None,
        bruto: bytes | None = None,
    ) -> httpx.Response:
        """The raw answer; raises ``ErroApi`` for any 4xx/5xx.

        ``arquivo`` goes as multipart/form-data; ``bruto`` as the body itself (the documents' uploads).
        """
        headers = dict(self._headers)
        if chave:
            headers["Idempotency-Key"] = chave
        limpos = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        conteudo = None
        if arquivo is not None:
            conteudo, headers["Content-Type"] = multipart(*arquivo)
        elif bruto is not None:
            conteudo, headers["Content-Type"] = bruto, "application/octet-stream"
        resposta = await _cliente(self._app).request(
            metodo, caminho, params=limpos, json=json, content=conteudo, headers=headers
        )
        if resposta.status_code >= 400:
            raise ErroApi.de_resposta(resposta)
        return resposta

    async def get(self, caminho: str, **params: Any) -> Any:
        """GET → decoded JSON."""
        return (await self.chamar("GET", caminho, params=params)).json()

    async def post(self, caminho: str, corpo: Any = None, *, chave: str | None = None) -> Any:
        """POST a JSON body → decoded JSON (None for 204)."""
        resposta = await self.chamar("POST", caminho, json=corpo if corpo is not None else {}, chave=chave)
        return resposta.json() if resposta.content else None

    async def patch(self, caminho: str, corpo: Any) -> Any:
        """PATCH a JSON body → decoded JSON."""
        return (await self.chamar("PATCH", caminho, json=corpo)).json()

    async def put(self, caminho: str, corpo: Any) -> Any:
        """PUT a JSON body → decoded JSON."""
        return (await self.chamar("PUT", caminho, json=corpo)).json()

    async def delete(self, caminho: str) -> Any:
        """DELETE → decoded JSON (None for 204)."""
        resposta = await self.chamar("DELETE", caminho)
        return resposta.json() if resposta.content else None
