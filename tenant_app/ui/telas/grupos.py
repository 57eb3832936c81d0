"""Grupos: list, creation with the contract parameters, detail (parameters, funds, plan, cotas)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formatos import percentual_do_formulario, reais_do_formulario
from tenant_app.ui.formularios import campos, deslocamento, ir_para, nova_chave
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

LIMITE_COTAS = 50
TIPOS_BEM = (
    ("automovel", "Automóvel"),
    ("imovel", "Imóvel"),
    ("motocicleta", "Motocicleta"),
    ("pesados", "Pesados"),
    ("outros_moveis", "Outros bens móveis"),
    ("servicos", "Serviços"),
)
INDICES = (("nenhum", "Nenhum"), ("INCC", "INCC"), ("IPCA", "IPCA"), ("INPC", "INPC"), ("IGP-M", "IGP-M"))
#: Form field → how the API wants it ("reais", "pct" or "int").
PARAMETROS = {
    "valor_credito": "reais",
    "prazo_meses": "int",
    "numero_cotas": "int",
    "taxa_administracao_pct": "pct",
    "taxa_antecipada_pct": "pct",
    "fundo_reserva_pct": "pct",
    "seguro_pct": "pct",
    "dia_assembleia": "int",
    "dia_vencimento": "int",
    "multa_pct": "pct",
    "juros_mensal_pct": "pct",
    "encargos_fundo_comum_pct": "pct",
    "parcelas_para_exclusao": "int",
    "clausula_penal_pct": "pct",
    "despesas_relacionadas_pct": "pct",
}


def corpo_do_grupo(v: dict[str, str]) -> dict[str, Any]:
    """The form as the API's GrupoCreate (empty optional fields left to the API's defaults). Pure."""
    corpo: dict[str, Any] = {
        "codigo": v.get("codigo", ""),
        "tipo_bem": v.get("tipo_bem", ""),
        "indice_correcao": v.get("indice_correcao") or "nenhum",
    }
    for nome, tipo in PARAMETROS.items():
        texto = v.get(nome, "")
        if texto == "":
            continue
        if tipo == "reais":
            corpo[nome] = reais_do_formulario(texto)
        elif tipo == "pct":
            corpo[nome] = percentual_do_formulario(texto)
        else:
            corpo[nome] = int(texto) if texto.lstrip("-").isdigit() else texto
    return corpo


class GruposController(Controller):
    """``/app/grupos``."""

    path = "/grupos"
    guards = [requires(Permission.GRUPOS_READ)]  # noqa: RUF012

    @get("/", name="ui:grupos")
    async def lista(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Every grupo with its situation and funds."""
        status = request.query_params.get("status") or None
        dados = await Api(request).get("/api/grupos", status=status, limit=200)
        return pagina(request, "grupos/lista.html", titulo="Grupos", dados=dados, situacao=status or "")

    @get("/novo", name="ui:grupo-novo", guards=[requires(Permission.GRUPOS_WRITE)])
    async def novo(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The contract parameters form (regulatory defaults pre-filled)."""
        padrao = {
            "multa_pct": "2",
            "juros_mensal_pct": "1",
            "encargos_fundo_comum_pct": "100",
            "parcelas_para_exclusao": "3",
            "despesas_relacionadas_pct": "10",
        }
        return pagina(
            request,
            "grupos/novo.html",
            titulo="Novo grupo",
            valores=padrao,
            erro=None,
            erros={},
            tipos_bem=TIPOS_BEM,
            indices=INDICES,
        )

    @post("/novo", name="ui:grupo-criar", guards=[requires(Permission.GRUPOS_WRITE)])
    async def criar(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """Create; each refused parameter is named next to its field."""
        v = await campos(request)
        try:
            grupo = await Api(request).post("/api/grupos", corpo_do_grupo(v))
        except ErroApi as erro:
            return pagina(
                request,
                "grupos/novo.html",
                status=erro.status,
                titulo="Novo grupo",
                valores=v,
                erro=erro.detail,
                erros=erro.erros,
                tipos_bem=TIPOS_BEM,
                indices=INDICES,
            )
        return ir_para(f"/app/grupos/{grupo['id']}", aviso="grupo_criado")

    @get("/{grupo_id:uuid}", name="ui:grupo")
    async def detalhe(self, request: Request[Any, Any, Any], grupo_id: FromPath[uuid.UUID]) -> Response[str]:
        """Parameters, funds (reconciled), the plan's first parcela, cotas, assembleias, yields."""
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
        offset = deslocamento(request)
        g = await api.get(f"/api/grupos/{grupo_id}")
        fundos = await api.get(f"/api/grupos/{grupo_id}/fundos")
        plano = await api.get(f"/api/grupos/{grupo_id}/plano")
        cotas = await api.get(f"/api/grupos/{grupo_id}/cotas", limit=LIMITE_COTAS, offset=offset)
        assembleias = await api.get(f"/api/grupos/{grupo_id}/assembleias")
        rendimentos = await api.get(f"/api/grupos/{grupo_id}/rendimentos")
        return pagina(
            request,
            "grupos/detalhe.html",
            status=status,
            titulo=f"Grupo {g['codigo']}",
            rendimentos=rendimentos[-12:],
            chave=(valores or {}).get("chave") if erro and valores else nova_chave(),
            valores=valores or {},
            g=g,
            fundos=fundos,
            plano=plano,
            cotas=cotas,
            assembleias=assembleias,
            limite=LIMITE_COTAS,
            offset=offset,
            erro=erro.detail if erro else None,
            erros=erro.erros if erro else {},
        )

    @post(
        "/{grupo_id:uuid}/rendimentos",
        name="ui:rendimento-registrar",
        guards=[requires(Permission.PAGAMENTOS_WRITE)],
    )
    async def rendimento(
        self, request: Request[Any, Any, Any], grupo_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """A period's net yield of the group's investments into the fundo comum (Idempotency-Key)."""
        v = await campos(request)
        corpo = {
            "inicio": v.get("inicio", ""),
            "fim": v.get("fim", ""),
            "valor": reais_do_formulario(v.get("valor", "")),
            "saldo_base": reais_do_formulario(v["saldo_base"]) if v.get("saldo_base") else None,
        }
        try:
            await Api(request).post(f"/api/grupos/{grupo_id}/rendimentos", corpo, chave=v.get("chave"))
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(request, grupo_id, status=erro.status, erro=erro, valores=v)
        return ir_para(f"/app/grupos/{grupo_id}", aviso="rendimento_registrado")

    @post("/{grupo_id:uuid}/inicio", name="ui:grupo-iniciar", guards=[requires(Permission.GRUPOS_WRITE)])
    async def iniciar(self, request: Request[Any, Any, Any], grupo_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Start the grupo (first parcela due the following month)."""
        v = await campos(request)
        await Api(request).post(f"/api/grupos/{grupo_id}/inicio", {"data_inicio": v.get("data_inicio", "")})
        return ir_para(f"/app/grupos/{grupo_id}", aviso="grupo_iniciado")
