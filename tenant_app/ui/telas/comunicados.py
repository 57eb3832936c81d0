"""Comunicados: a marketing e-mail to the consorciados who consented, and what went out.

The API sends only to consorciados whose latest ``marketing`` consent is granted, each with an
unsubscribe link (LGPD art. 7 I, art. 8 §5). A sent e-mail cannot be recalled, so the form
carries an Idempotency-Key: a double submit queues the comunicado once.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, Request, Response, get, post

from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formularios import campos, deslocamento, nova_chave
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

LIMITE = 50
_LINHA_EM_BRANCO = re.compile(r"\n\s*\n")


def paragrafos(texto: str) -> list[str]:
    """The message as the API's paragraphs: split at blank lines, each trimmed, none empty. Pure."""
    texto = texto.replace("\r\n", "\n")
    return [p.strip() for p in _LINHA_EM_BRANCO.split(texto) if p.strip()]


class ComunicadosController(Controller):
    """``/app/comunicados`` (integracoes:manage, like ``/api/notificacoes``)."""

    path = "/comunicados"
    guards = [requires(Permission.INTEGRACOES_MANAGE)]  # noqa: RUF012

    @get("/", name="ui:comunicados")
    async def tela(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The form and the latest marketing e-mails with their delivery status."""
        return await self._tela(request)

    async def _tela(
        self,
        request: Request[Any, Any, Any],
        *,
        status: int = 200,
        erro: ErroApi | None = None,
        valores: dict[str, str] | None = None,
        enfileirados: int | None = None,
    ) -> Response[str]:
        offset = deslocamento(request)
        api = Api(request)
        enviados = await api.get(
            "/api/notificacoes/emails", categoria="marketing", limit=LIMITE, offset=offset
        )
        config = await api.get("/api/notificacoes/configuracao")
        return pagina(
            request,
            "comunicados/tela.html",
            status=status,
            titulo="Comunicados",
            enviados=enviados,
            config=config,
            limite=LIMITE,
            offset=offset,
            enfileirados=enfileirados,
            # After a refusal the same key goes back, so a corrected resend is still one comunicado.
            chave=(valores or {}).get("chave") if erro and valores else nova_chave(),
            valores=valores or {},
            erro=erro.detail if erro else None,
            erros=erro.erros if erro else {},
        )

    @post("/", name="ui:comunicado-enviar")
    async def enviar(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Queue the comunicado; the page answers how many e-mails went to the queue."""
        v = await campos(request)
        corpo = {"assunto": v.get("assunto", ""), "paragrafos": paragrafos(v.get("mensagem", ""))}
        try:
            resposta = await Api(request).post("/api/notificacoes/comunicados", corpo, chave=v.get("chave"))
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            for campo in [c for c in erro.erros if c.startswith("paragrafos")]:  # the form's "mensagem"
                erro.erros["mensagem"] = erro.erros.pop(campo)
            return await self._tela(request, status=erro.status, erro=erro, valores=v)
        return await self._tela(request, status=202, enfileirados=resposta["enfileirados"])
