"""Relatórios: request one, follow its progress live (htmx polls the row until it is ready), download."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formularios import campos, ir_para, opcional
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

TIPOS = (
    ("posicao_grupos", "Posição dos grupos"),
    ("arrecadacao", "Arrecadação"),
    ("inadimplencia", "Inadimplência"),
    ("contemplacoes", "Contemplações"),
    ("extrato_cota", "Extrato de uma cota"),
    ("doc_2080", "Documento 2080 (BCB)"),
)
FORMATOS = (("csv", "CSV"), ("xlsx", "Planilha (XLSX)"), ("pdf", "PDF"), ("json", "JSON (Doc 2080)"))
PARAMETROS = ("grupo_id", "cota_id", "mes", "data_referencia", "desde", "ate")


class RelatoriosController(Controller):
    """``/app/relatorios``."""

    path = "/relatorios"
    guards = [requires(Permission.PAGAMENTOS_READ)]  # noqa: RUF012

    async def _tela(
        self, request: Request[Any, Any, Any], *, status: int = 200, erro: ErroApi | None = None,
        valores: dict[str, str] | None = None,
    ) -> Response[str]:  # fmt: skip
        dados = await Api(request).get("/api/relatorios", limit=20)
        return pagina(
            request, "relatorios/lista.html", status=status, titulo="Relatórios", dados=dados, tipos=TIPOS,
            formatos=FORMATOS, valores=valores or {}, erro=erro.detail if erro else None,
            erros=erro.erros if erro else {},
        )  # fmt: skip

    @get("/", name="ui:relatorios")
    async def lista(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The request form and the latest reports (pending rows update themselves)."""
        return await self._tela(request)

    @post("/", name="ui:relatorio-pedir")
    async def pedir(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """Ask the worker for a report; the API's refusals are shown next to the fields."""
        v = await campos(request)
        parametros = {k: v[k] for k in PARAMETROS if opcional(v.get(k))}
        corpo = {"tipo": v.get("tipo", ""), "formato": v.get("formato", ""), "parametros": parametros}
        try:
            await Api(request).post("/api/relatorios", corpo)
        except ErroApi as erro:
            if erro.status >= 500 or erro.status == 403:
                raise
            erro.erros = {k.removeprefix("parametros."): m for k, m in erro.erros.items()}
            return await self._tela(request, status=erro.status, erro=erro, valores=v)
        return ir_para("/app/relatorios", aviso="relatorio_pedido")

    @get("/{relatorio_id:uuid}/linha", name="ui:relatorio-linha")
    async def linha(
        self, request: Request[Any, Any, Any], relatorio_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """One report's row (htmx swaps it in every second while it is being generated)."""
        r = await Api(request).get(f"/api/relatorios/{relatorio_id}")
        return pagina(request, "relatorios/_linha.html", r=r)

    @get("/{relatorio_id:uuid}/arquivo", name="ui:relatorio-baixar")
    async def baixar(self, request: Request[Any, Any, Any], relatorio_id: FromPath[uuid.UUID]) -> Redirect:
        """To the file's short-lived link in the tenant's bucket."""
        link = await Api(request).get(f"/api/relatorios/{relatorio_id}/download")
        return Redirect(link["url"], status_code=303)
