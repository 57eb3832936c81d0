"""Modelos de e-mail: the administradora's own wording of each event e-mail (Configurações).

Each e-mail shows what it says now, filled with example values, and a form with the fields it
may use. A template is refused with the text it concerns (a field the e-mail does not have);
"Voltar ao padrão" brings the app's wording back.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formularios import campos, ir_para
from tenant_app.ui.paginas import pagina
from tenant_app.ui.telas.comunicados import paragrafos
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission


def erros_no_formulario(erros: dict[str, str]) -> dict[str, str]:
    """The API's ``paragrafos[i]`` errors on the form's one ``mensagem`` box (numbered). Pure."""
    saida: dict[str, str] = {}
    for campo, mensagem in erros.items():
        if campo.startswith("paragrafos["):
            n = int(campo[len("paragrafos[") : -1]) + 1 if campo.endswith("]") else 0
            texto = f"{n}º parágrafo: {mensagem}" if n else mensagem
            saida["mensagem"] = f"{saida['mensagem']}; {texto}" if "mensagem" in saida else texto
        elif campo == "paragrafos":
            saida["mensagem"] = mensagem
        else:
            saida[campo] = mensagem
    return saida


class TelaModelosEmailController(Controller):
    """``/app/configuracoes/modelos`` (integracoes:manage, like the API)."""

    path = "/configuracoes/modelos"
    guards = [requires(Permission.INTEGRACOES_MANAGE)]  # noqa: RUF012

    @get("/", name="ui:modelos-email")
    async def tela(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Every event e-mail with its wording in use and an example."""
        return await self._tela(request)

    async def _tela(
        self,
        request: Request[Any, Any, Any],
        *,
        status: int = 200,
        tipo: str = "",
        erro: ErroApi | None = None,
        valores: dict[str, str] | None = None,
    ) -> Response[str]:
        return pagina(
            request,
            "configuracoes/modelos.html",
            status=status,
            titulo="Modelos de e-mail",
            modelos=await Api(request).get("/api/notificacoes/modelos"),
            form=tipo,
            valores=valores or {},
            erro=erro.detail if erro else None,
            erros=erros_no_formulario(erro.erros) if erro else {},
        )

    @post("/{tipo:str}", name="ui:modelo-email-salvar")
    async def salvar(self, request: Request[Any, Any, Any], tipo: FromPath[str]) -> Response[Any]:
        """Save the administradora's wording of one e-mail."""
        v = await campos(request)
        corpo = {"assunto": v.get("assunto", ""), "paragrafos": paragrafos(v.get("mensagem", ""))}
        try:
            await Api(request).put(f"/api/notificacoes/modelos/{tipo}", corpo)
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(request, status=erro.status, tipo=tipo, erro=erro, valores=v)
        return ir_para("/app/configuracoes/modelos", aviso="modelo_salvo")

    @post("/{tipo:str}/padrao", name="ui:modelo-email-padrao")
    async def padrao(self, request: Request[Any, Any, Any], tipo: FromPath[str]) -> Response[Any]:
        """Back to the app's wording."""
        await Api(request).delete(f"/api/notificacoes/modelos/{tipo}")
        return ir_para("/app/configuracoes/modelos", aviso="modelo_restaurado")
