"""Closing a grupo (Lei 11.795 arts. 31–32) and paying its recursos não procurados (arts. 33–34).

The grupo's page links here. Before the notice the screen offers it; after, it shows the
deadlines and, from the first allowed day, the closing; once closed, the final accounts
reconciled with the ledger. Both steps cannot be undone and move money, so each form carries
an Idempotency-Key (a double submit closes once).
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from tenant_app import calendario
from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formularios import campos, deslocamento, ir_para, nova_chave
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

LIMITE = 50


class EncerramentoController(Controller):
    """``/app/grupos/{id}/encerramento``."""

    path = "/grupos/{grupo_id:uuid}/encerramento"
    guards = [requires(Permission.GRUPOS_READ)]  # noqa: RUF012

    @get("/", name="ui:encerramento")
    async def tela(self, request: Request[Any, Any, Any], grupo_id: FromPath[uuid.UUID]) -> Response[str]:
        """The notice form, or the accounts of the closing (previewed, then final)."""
        return await self._tela(request, grupo_id)

    async def _tela(
        self,
        request: Request[Any, Any, Any],
        grupo_id: uuid.UUID,
        *,
        status: int = 200,
        erro: ErroApi | None = None,
        valores: dict[str, str] | None = None,
    ) -> Response[str]:
        api = Api(request)
        grupo = await api.get(f"/api/grupos/{grupo_id}")
        try:
            encerramento = await api.get(f"/api/grupos/{grupo_id}/encerramento")
        except ErroApi as falha:
            if falha.status != 404:
                raise
            encerramento = None  # no notice yet
        hoje = calendario.hoje().isoformat()
        return pagina(
            request,
            "encerramento/detalhe.html",
            status=status,
            titulo=f"Encerramento do grupo {grupo['codigo']}",
            g=grupo,
            e=encerramento,
            hoje=hoje,
            pode_encerrar=encerramento is not None
            and encerramento["status"] == "comunicado"
            and encerramento["encerrar_a_partir_de"] <= hoje,
            chave=(valores or {}).get("chave") if erro and valores else nova_chave(),
            valores=valores or {},
            erro=erro.detail if erro else None,
            erros=erro.erros if erro else {},
        )

    @post("/comunicacao", name="ui:encerramento-comunicar", guards=[requires(Permission.GRUPOS_WRITE)])
    async def comunicar(
        self, request: Request[Any, Any, Any], grupo_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Record the art. 31 notice (the day it went out to the consorciados)."""
        v = await campos(request)
        corpo = {"data_comunicacao": v.get("data_comunicacao", "")}
        try:
            await Api(request).post(
                f"/api/grupos/{grupo_id}/encerramento/comunicacao", corpo, chave=v.get("chave")
            )
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(request, grupo_id, status=erro.status, erro=erro, valores=v)
        return ir_para(f"/app/grupos/{grupo_id}/encerramento", aviso="encerramento_comunicado")

    @post("/", name="ui:encerramento-encerrar", guards=[requires(Permission.GRUPOS_WRITE)])
    async def encerrar(self, request: Request[Any, Any, Any], grupo_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Close the grupo with its final accounts (art. 32)."""
        v = await campos(request)
        try:
            await Api(request).post(f"/api/grupos/{grupo_id}/encerramento", chave=v.get("chave"))
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(request, grupo_id, status=erro.status, erro=erro, valores=v)
        return ir_para(f"/app/grupos/{grupo_id}/encerramento", aviso="grupo_encerrado")


class NaoProcuradosController(Controller):
    """``/app/recursos-nao-procurados``: what closed grupos keep for consorciados, and paying it."""

    path = "/recursos-nao-procurados"
    guards = [requires(Permission.GRUPOS_READ)]  # noqa: RUF012

    @get("/", name="ui:nao-procurados")
    async def lista(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Oldest closing first, with the day each claim expires and the sum of all."""
        return await self._tela(request)

    async def _tela(
        self, request: Request[Any, Any, Any], *, status: int = 200, erro: ErroApi | None = None
    ) -> Response[str]:
        offset = deslocamento(request)
        dados = await Api(request).get("/api/recursos-nao-procurados", limit=LIMITE, offset=offset)
        return pagina(
            request,
            "encerramento/nao_procurados.html",
            status=status,
            titulo="Recursos não procurados",
            dados=dados,
            limite=LIMITE,
            offset=offset,
            # One key per line: each payment is its own operation.
            chaves={item["id"]: nova_chave() for item in dados["items"]},
            erro=erro.detail if erro else None,
            erros=erro.erros if erro else {},
        )

    @post(
        "/{linha_id:uuid}/pagamento",
        name="ui:nao-procurado-pagar",
        guards=[requires(Permission.PAGAMENTOS_WRITE)],
    )
    async def pagar(self, request: Request[Any, Any, Any], linha_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Pay the amount to the consorciado who claimed it (their PIX key or account on file)."""
        v = await campos(request)
        try:
            await Api(request).post(
                f"/api/recursos-nao-procurados/{linha_id}/pagamento", chave=v.get("chave")
            )
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(request, status=erro.status, erro=erro)
        return ir_para("/app/recursos-nao-procurados", aviso="nao_procurado_pago")
