"""Consorciados: search by name/CPF/CNPJ, registration, detail with cotas, consent, export, anonymisation."""

from __future__ import annotations

import json
import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import MediaType
from litestar.params import FromPath
from litestar.response import Redirect

from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formatos import apenas_documento
from tenant_app.ui.formularios import campos, deslocamento, ir_para, nova_chave, opcional
from tenant_app.ui.paginas import pagina
from tenant_app.ui.telas.documentos import CATEGORIAS, TAMANHO_MAXIMO, enviar_documento
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

LIMITE = 20
FINALIDADES = (
    ("comunicacao_marketing", "Comunicações de marketing"),
    ("compartilhamento_parceiros", "Compartilhamento com parceiros"),
    ("analise_credito", "Análise de crédito"),
)


def _pagina_params(request: Request[Any, Any, Any]) -> tuple[int, int]:
    offset = deslocamento(request)
    return LIMITE, offset


async def cotas_do_consorciado(api: Api, consorciado_id: str) -> list[dict[str, Any]]:
    """The member's cotas in every grupo (with the grupo's code)."""
    grupos = (await api.get("/api/grupos", limit=200))["items"]
    cotas: list[dict[str, Any]] = []
    for g in grupos:
        pagina_cotas = await api.get(f"/api/grupos/{g['id']}/cotas", consorciado_id=consorciado_id, limit=200)
        cotas += [{**c, "grupo_codigo": g["codigo"]} for c in pagina_cotas["items"]]
    return cotas


class ConsorciadosController(Controller):
    """``/app/consorciados``."""

    path = "/consorciados"
    guards = [requires(Permission.CONSORCIADOS_READ)]  # noqa: RUF012

    @get("/", name="ui:consorciados")
    async def lista(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Search (as you type with htmx: only the results are swapped)."""
        q = request.query_params.get("q", "").strip()
        limite, offset = _pagina_params(request)
        busca = (
            apenas_documento(q)
            if q and any(ch.isdigit() for ch in q) and len(apenas_documento(q)) >= 3
            else q
        )
        dados = await Api(request).get("/api/consorciados", q=busca or None, limit=limite, offset=offset)
        template = (
            "consorciados/_resultados.html" if request.headers.get("hx-target") == "resultados" else None
        )
        return pagina(
            request,
            template or "consorciados/lista.html",
            titulo="Consorciados",
            q=q,
            dados=dados,
            limite=limite,
            offset=offset,
        )

    @get("/novo", name="ui:consorciado-novo", guards=[requires(Permission.CONSORCIADOS_WRITE)])
    async def novo(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The registration form."""
        return pagina(
            request, "consorciados/novo.html", titulo="Novo consorciado", valores={}, erro=None, erros={}
        )

    @post("/novo", name="ui:consorciado-criar", guards=[requires(Permission.CONSORCIADOS_WRITE)])
    async def criar(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """Register; the API's errors come back next to their fields."""
        v = await campos(request)
        corpo: dict[str, Any] = {
            "tipo_pessoa": v.get("tipo_pessoa", "PF"),
            "documento": v.get("documento", ""),
            "nome": v.get("nome", ""),
            "email": opcional(v.get("email")),
            "telefone": opcional(v.get("telefone")),
            "data_nascimento": opcional(v.get("data_nascimento")),
            "cpf_conjuge": opcional(v.get("cpf_conjuge")),
        }
        if v.get("consentimento_comunicacao"):
            corpo["consentimentos"] = [
                {"finalidade": "comunicacao_marketing", "concedido": True, "canal": "presencial"}
            ]
        try:
            criado = await Api(request).post("/api/consorciados", corpo)
        except ErroApi as erro:
            return pagina(
                request,
                "consorciados/novo.html",
                status=erro.status,
                titulo="Novo consorciado",
                valores=v,
                erro=erro.detail,
                erros=erro.erros,
            )
        return ir_para(f"/app/consorciados/{criado['id']}", aviso="consorciado_criado")

    @get("/{consorciado_id:uuid}", name="ui:consorciado")
    async def detalhe(
        self, request: Request[Any, Any, Any], consorciado_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """Data, contacts, addresses, cotas, consents and the LGPD actions."""
        return await self._tela(request, consorciado_id)

    async def _tela(
        self,
        request: Request[Any, Any, Any],
        consorciado_id: uuid.UUID,
        *,
        status: int = 200,
        form: str = "",
        erro: ErroApi | None = None,
        valores: dict[str, str] | None = None,
    ) -> Response[str]:
        api = Api(request)
        c = await api.get(f"/api/consorciados/{consorciado_id}")
        consentimentos = await api.get(f"/api/consorciados/{consorciado_id}/consentimentos")
        cotas = await cotas_do_consorciado(api, str(consorciado_id))
        documentos = (await api.get("/api/documentos", consorciado_id=str(consorciado_id), limit=100))[
            "items"
        ]
        grupos = [
            g
            for g in (await api.get("/api/grupos", limit=200))["items"]
            if g["status"] in ("em_formacao", "em_andamento")
        ]
        return pagina(
            request,
            "consorciados/detalhe.html",
            status=status,
            titulo=c["nome"],
            c=c,
            cotas=cotas,
            documentos=documentos,
            grupos=grupos,
            consentimentos=consentimentos,
            finalidades=FINALIDADES,
            categorias_documento=CATEGORIAS["consorciado"],
            chave=nova_chave(),
            form=form,
            valores=valores or {},
            erro=erro.detail if erro else None,
            erros=erro.erros if erro else {},
        )

    @post(
        "/{consorciado_id:uuid}/documentos",
        name="ui:consorciado-documento",
        guards=[requires(Permission.CONSORCIADOS_WRITE)],
        request_max_body_size=TAMANHO_MAXIMO,
    )
    async def enviar_documento(
        self, request: Request[Any, Any, Any], consorciado_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Upload an identity, address or income document (type checked by the API from the bytes)."""
        erro, v = await enviar_documento(request, "consorciado", str(consorciado_id))
        if erro is not None:
            return await self._tela(
                request, consorciado_id, status=erro.status, form="documento", erro=erro, valores=v
            )
        return ir_para(f"/app/consorciados/{consorciado_id}", aviso="documento_enviado")

    @post("/{consorciado_id:uuid}/cotas", name="ui:adesao", guards=[requires(Permission.COTAS_WRITE)])
    async def aderir(
        self, request: Request[Any, Any, Any], consorciado_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Sell a cota of the chosen grupo to this consorciado (the API checks the 10 % cap and the grupo)."""
        v = await campos(request)
        try:
            grupo_id = uuid.UUID(v.get("grupo_id", ""))
        except ValueError:
            return ir_para(f"/app/consorciados/{consorciado_id}")
        cota = await Api(request).post(
            f"/api/grupos/{grupo_id}/cotas", {"consorciado_id": str(consorciado_id)}
        )
        return ir_para(f"/app/cotas/{cota['id']}", aviso="cota_criada")

    @post(
        "/{consorciado_id:uuid}/consentimentos",
        name="ui:consentimento",
        guards=[requires(Permission.CONSORCIADOS_WRITE)],
    )
    async def consentimento(
        self, request: Request[Any, Any, Any], consorciado_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Record a consent decision."""
        v = await campos(request)
        corpo = {
            "finalidade": v.get("finalidade", ""),
            "concedido": v.get("concedido") == "sim",
            "canal": v.get("canal") or "presencial",
            "observacao": opcional(v.get("observacao")),
        }
        await Api(request).post(f"/api/consorciados/{consorciado_id}/consentimentos", corpo)
        return ir_para(f"/app/consorciados/{consorciado_id}", aviso="consentimento_registrado")

    @get(
        "/{consorciado_id:uuid}/exportacao",
        name="ui:consorciado-exportacao",
        guards=[requires(Permission.LGPD_MANAGE)],
    )
    async def exportacao(
        self, request: Request[Any, Any, Any], consorciado_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        """LGPD portability: the API's export as a JSON file download."""
        dados = await Api(request).get(f"/api/consorciados/{consorciado_id}/exportacao")
        return Response(
            json.dumps(dados, ensure_ascii=False, indent=2).encode(),
            media_type=MediaType.JSON,
            headers={
                "Content-Disposition": f'attachment; filename="consorciado-{consorciado_id}.json"',
                "Cache-Control": "no-store",
            },
        )

    @get("/documentos/{documento_id:uuid}", name="ui:documento-baixar")
    async def documento(self, request: Request[Any, Any, Any], documento_id: FromPath[uuid.UUID]) -> Redirect:
        """To the document's short-lived download link in the tenant's bucket (the API audits it)."""
        link = await Api(request).get(f"/api/documentos/{documento_id}/download")
        return Redirect(link["url"], status_code=303)

    @post(
        "/{consorciado_id:uuid}/anonimizacao",
        name="ui:consorciado-anonimizar",
        guards=[requires(Permission.LGPD_MANAGE)],
    )
    async def anonimizar(
        self, request: Request[Any, Any, Any], consorciado_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Erase personal data (irreversible: the form's Idempotency-Key makes a repeat harmless)."""
        v = await campos(request)
        await Api(request).post(f"/api/consorciados/{consorciado_id}/anonimizacao", chave=v.get("chave"))
        return ir_para(f"/app/consorciados/{consorciado_id}", aviso="anonimizado")
