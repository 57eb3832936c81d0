"""Cobrança: the cota's boletos/PIX and carnê (PDF), retorno upload with the result line by line,
remessas and valores a identificar."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath

from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formularios import campos, deslocamento, ir_para, nova_chave, opcional
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

#: Ocorrências listed on a retorno's screen; the totals above them count all.
OCORRENCIAS_POR_PAGINA = 200  # the API's largest page
#: The API's limit for a retorno (100,000 títulos ≈ 48 MB).
TAMANHO_MAXIMO = 64 * 1024 * 1024


def _uuid(texto: str | None) -> str:
    """A form's id as the API's path segment (anything else becomes the nil UUID: a 404 there)."""
    try:
        return str(uuid.UUID(texto or ""))
    except ValueError:
        return str(uuid.UUID(int=0))


def rotulo_conta(conta: dict[str, Any], grupos: list[dict[str, Any]]) -> str:
    """``Banco 001 · ag. 1234-5 · conta 98765-0 (padrão)``: how a billing account is named in a list. Pure."""
    codigos = {g["id"]: g["codigo"] for g in grupos}
    dono = codigos.get(conta.get("grupo_id"), "grupo") if conta.get("grupo_id") else "padrão"
    agencia = "-".join(x for x in (conta["agencia"], conta.get("dv_agencia")) if x)
    numero = "-".join(x for x in (conta["conta"], conta.get("dv_conta")) if x)
    return f"Banco {conta['banco']} · ag. {agencia} · conta {numero} ({dono})"


async def cota_por_numero(api: Api, grupo_id: str, numero: str) -> str | None:
    """The id of cota ``numero`` of the grupo, or None (cotas come by number, 200 a page)."""
    if not numero.isdigit():
        return None
    alvo, offset = int(numero), 0
    while True:
        try:
            pagina_ = await api.get(f"/api/grupos/{_uuid(grupo_id)}/cotas", limit=200, offset=offset)
        except ErroApi as erro:
            if erro.status == 404:
                return None
            raise
        for cota in pagina_["items"]:
            if cota["numero"] == alvo:
                return str(cota["id"])
            if cota["numero"] > alvo:
                return None
        offset += 200
        if offset >= pagina_["total"]:
            return None


class CobrancaController(Controller):
    """``/app/cobranca`` and the cota's carnê."""

    path = "/"
    guards = [requires(Permission.PAGAMENTOS_READ)]  # noqa: RUF012

    @get("/cobranca", name="ui:cobranca")
    async def painel(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Retornos received (upload form), remessas, valores a identificar."""
        return await self._tela(request)

    async def _tela(
        self,
        request: Request[Any, Any, Any],
        *,
        status: int = 200,
        erro: ErroApi | None = None,
        form: str = "",
        valores_form: dict[str, str] | None = None,
    ) -> Response[str]:
        api = Api(request)
        retornos = await api.get("/api/cobranca/retornos", limit=20)
        remessas = await api.get("/api/cobranca/remessas")
        valores = await api.get("/api/cobranca/valores-a-identificar", status="pendente", limit=20)
        grupos = (await api.get("/api/grupos", limit=200))["items"]
        contas = [(c["id"], rotulo_conta(c, grupos)) for c in await api.get("/api/cobranca/contas/")]
        vv = valores_form or {}
        return pagina(
            request, "cobranca/painel.html", status=status, titulo="Cobrança", retornos=retornos,
            remessas=remessas[:20], valores=valores, contas=contas, grupos=grupos, chave=nova_chave(),
            chave_reenvio=vv.get("chave", "") if erro else "", form=form, vv=vv,
            erro=erro.detail if erro else None, erros=erro.erros if erro else {},
        )  # fmt: skip

    @post("/cobranca/remessas", name="ui:remessa-gerar", guards=[requires(Permission.PAGAMENTOS_WRITE)])
    async def gerar_remessa(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """The account's next CNAB 240 remessa (títulos issued and not sent yet, and the baixas)."""
        v = await campos(request)
        try:
            await Api(request).post(f"/api/cobranca/contas/{_uuid(v.get('conta_id'))}/remessas")
        except ErroApi as erro:
            if erro.status >= 500 or erro.status == 403:
                raise
            return await self._tela(request, status=erro.status, erro=erro, form="remessa", valores_form=v)
        return ir_para("/app/cobranca", aviso="remessa_gerada")

    @get("/cobranca/remessas/{remessa_id:uuid}/arquivo", name="ui:remessa-arquivo")
    async def remessa_arquivo(
        self, request: Request[Any, Any, Any], remessa_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        """The remessa file exactly as generated, as a download."""
        resposta = await Api(request).chamar("GET", f"/api/cobranca/remessas/{remessa_id}/arquivo")
        return Response(
            resposta.content,
            media_type="text/plain; charset=ascii",
            headers={
                "Content-Disposition": f'attachment; filename="remessa-{remessa_id}.rem"',
                "Cache-Control": "no-store",
            },
        )

    @post(
        "/cobranca/valores/{item_id:uuid}/aplicacao",
        name="ui:valor-aplicar",
        guards=[requires(Permission.PAGAMENTOS_WRITE)],
    )
    async def aplicar(self, request: Request[Any, Any, Any], item_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Pay an unidentified amount into the cota named by grupo and número (Idempotency-Key)."""
        v = await campos(request)
        api = Api(request)
        form = f"aplicar-{item_id}"
        cota_id = await cota_por_numero(api, v.get("grupo_id", ""), v.get("cota_numero", ""))
        if cota_id is None:
            erro = ErroApi(
                422, "Informe uma cota existente do grupo.", erros={"cota_numero": "cota não encontrada"}
            )
            return await self._tela(request, status=422, erro=erro, form=form, valores_form=v)
        corpo = {"cota_id": cota_id, "observacao": opcional(v.get("observacao"))}
        try:
            await api.post(
                f"/api/cobranca/valores-a-identificar/{item_id}/aplicacao", corpo, chave=v.get("chave")
            )
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(request, status=erro.status, erro=erro, form=form, valores_form=v)
        return ir_para("/app/cobranca", aviso="valor_aplicado")

    @post(
        "/cobranca/valores/{item_id:uuid}/devolucao",
        name="ui:valor-devolver",
        guards=[requires(Permission.PAGAMENTOS_WRITE)],
    )
    async def devolver(self, request: Request[Any, Any, Any], item_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Record that the money went back to the payer (how, in the observação)."""
        v = await campos(request)
        corpo = {"observacao": v.get("observacao", "")}
        try:
            await Api(request).post(
                f"/api/cobranca/valores-a-identificar/{item_id}/devolucao", corpo, chave=v.get("chave")
            )
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(
                request, status=erro.status, erro=erro, form=f"devolver-{item_id}", valores_form=v
            )
        return ir_para("/app/cobranca", aviso="valor_devolvido")

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
        """One retorno: its status and totals, and its ocorrências as they were applied, a page of
        ``OCORRENCIAS_POR_PAGINA`` at a time (``?offset=``: a bank's file may hold 100,000)."""
        api = Api(request)
        retorno = await api.get(f"/api/cobranca/retornos/{retorno_id}")
        offset = deslocamento(request)
        ocorrencias = await api.get(
            f"/api/cobranca/retornos/{retorno_id}/ocorrencias", limit=OCORRENCIAS_POR_PAGINA, offset=offset
        )
        return pagina(
            request,
            "cobranca/retorno.html",
            titulo="Retorno",
            retorno=retorno,
            ocorrencias=ocorrencias,
            limite=OCORRENCIAS_POR_PAGINA,
            offset=offset,
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
