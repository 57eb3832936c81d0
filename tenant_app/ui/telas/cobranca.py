"""Cobrança: the cota's boletos/PIX and carnê (PDF), retorno upload with the result line by line,
remessas and valores a identificar."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath

from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formularios import campos, ir_para, nova_chave
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

#: The API's limit for a retorno (100,000 títulos ≈ 48 MB).
TAMANHO_MAXIMO = 64 * 1024 * 1024


class CobrancaController(Controller):
    """``/app/cobranca`` and the cota's carnê."""

    path = "/"
    guards = [requires(Permission.PAGAMENTOS_READ)]  # noqa: RUF012

    @get("/cobranca", name="ui:cobranca")
    async def painel(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Retornos received (upload form), remessas, valores a identificar."""
        return await self._tela(request)

    async def _tela(
        self, request: Request[Any, Any, Any], *, status: int = 200, erro: ErroApi | None = None
    ) -> Response[str]:
        api = Api(request)
        retornos = await api.get("/api/cobranca/retornos", limit=20)
        remessas = await api.get("/api/cobranca/remessas")
        valores = await api.get("/api/cobranca/valores-a-identificar", status="pendente", limit=20)
        return pagina(
            request, "cobranca/painel.html", status=status, titulo="Cobrança", retornos=retornos,
            remessas=remessas[:20], valores=valores, chave=nova_chave(), erro=erro.detail if erro else None,
            erros=erro.erros if erro else {},
        )  # fmt: skip

    @post(
        "/cobranca/retornos",
        name="ui:retorno-importar",
        guards=[requires(Permission.PAGAMENTOS_WRITE)],
        request_max_body_size=TAMANHO_MAXIMO,
    )
    async def importar(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """Send the bank's CNAB 240 file to the API (Idempotency-Key from the form) and show its result."""
        form = await request.form()
        arquivo = form.get("arquivo")
        if not isinstance(arquivo, UploadFile) or not arquivo.filename:
            erro = ErroApi(400, "Escolha o arquivo de retorno.", erros={"arquivo": "obrigatório"})
            return await self._tela(request, status=400, erro=erro)
        conteudo = await arquivo.read()
        try:
            resposta = await Api(request).chamar(
                "POST",
                "/api/cobranca/retornos",
                arquivo=("arquivo", arquivo.filename, conteudo),
                chave=str(form.get("chave") or nova_chave()),
            )
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403,):
                raise
            return await self._tela(request, status=erro.status, erro=erro)
        return ir_para(f"/app/cobranca/retornos/{resposta.json()['id']}")

    @get("/cobranca/retornos/{retorno_id:uuid}", name="ui:retorno")
    async def retorno(
        self, request: Request[Any, Any, Any], retorno_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """One retorno: totals and every ocorrência as it was applied."""
        api = Api(request)
        todos = (await api.get("/api/cobranca/retornos", limit=200))["items"]
        retorno = next((r for r in todos if r["id"] == str(retorno_id)), None)
        ocorrencias = await api.get(f"/api/cobranca/retornos/{retorno_id}/ocorrencias")
        return pagina(
            request, "cobranca/retorno.html", titulo="Retorno", retorno=retorno, ocorrencias=ocorrencias
        )

    @post("/cotas/{cota_id:uuid}/carne", name="ui:carne", guards=[requires(Permission.PAGAMENTOS_WRITE)])
    async def carne(self, request: Request[Any, Any, Any], cota_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Issue the next parcelas' títulos (those with a live título keep it)."""
        v = await campos(request)
        quantidade = int(v["quantidade"]) if v.get("quantidade", "").isdigit() else v.get("quantidade")
        await Api(request).post(f"/api/cotas/{cota_id}/carne", {"quantidade": quantidade})
        return ir_para(f"/app/cotas/{cota_id}", aviso="carne_emitido")

    @get("/cotas/{cota_id:uuid}/carne.pdf", name="ui:carne-pdf")
    async def carne_pdf(
        self, request: Request[Any, Any, Any], cota_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        """The carnê as the API renders it (PDF)."""
        resposta = await Api(request).chamar("GET", f"/api/cotas/{cota_id}/carne.pdf")
        return Response(
            resposta.content,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'inline; filename="carne-{cota_id}.pdf"',
                "Cache-Control": "no-store",
            },
        )
