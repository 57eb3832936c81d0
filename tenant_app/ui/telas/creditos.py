"""Crédito: each grupo's cartas de crédito by stage, and a carta's whole file (análise, documents
missing, guarantees and their coverage, the bem and its seller, payouts and their confirmation, history)
with the forms that move it: análise, documents, decision, guarantees, the bem, payouts, closing.

Every crédito action of the API takes an Idempotency-Key: each form carries its own, made when the page
is rendered, so a double submit is applied once (and a payout is never ordered twice).
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formatos import apenas_documento, reais_do_formulario
from tenant_app.ui.formularios import campos, ir_para, nova_chave, opcional
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

TIPOS_DOCUMENTO = (
    ("identidade", "Identidade"),
    ("renda", "Comprovante de renda"),
    ("residencia", "Comprovante de residência"),
    ("outro", "Outro"),
)
TIPOS_GARANTIA = (
    ("alienacao_fiduciaria_veiculo", "Alienação fiduciária de veículo"),
    ("alienacao_fiduciaria_imovel", "Alienação fiduciária de imóvel"),
    ("fiador", "Fiador"),
    ("outra", "Outra"),
)
#: The registration data each guarantee type needs (the API names them ``registro.<campo>``).
REGISTRO_GARANTIA = {
    "alienacao_fiduciaria_veiculo": ("renavam", "chassi", "placa"),
    "alienacao_fiduciaria_imovel": ("matricula", "cartorio"),
    "fiador": ("nome", "cpf", "renda_mensal"),
    "outra": (),
}
TIPOS_BEM = (("veiculo", "Veículo"), ("imovel", "Imóvel"), ("servico", "Serviço"), ("outro", "Outro"))
DESTINOS_DIFERENCA = (
    ("", "Não se aplica (bem igual ou mais caro)"),
    ("despesas", "Despesas do bem"),
    ("amortizacao", "Amortizar parcelas"),
    ("devolucao", "Devolver ao consorciado"),
)
DESTINOS_PAGAMENTO = (
    ("bem", "Ao vendedor do bem"),
    ("despesas", "Despesas do bem"),
    ("devolucao", "Devolução da diferença ao consorciado"),
    ("especie", "Crédito em espécie ao consorciado"),
)
FORMAS_PAGAMENTO = (("ted", "TED"), ("pix", "PIX"))
TIPOS_CHAVE_PIX = (
    ("", "—"),
    ("cpf_cnpj", "CPF/CNPJ"),
    ("email", "E-mail"),
    ("telefone", "Telefone"),
    ("aleatoria", "Aleatória"),
)
FAVORECIDO = ("nome", "documento", "banco", "agencia", "dv_agencia", "conta", "dv_conta", "tipo_chave_pix")
#: The forms of the carta screen (each gets its own Idempotency-Key).
FORMULARIOS = (
    "analise",
    "documento",
    "decisao",
    "garantia",
    "bem",
    "pagamento",
    "amortizacao",
    "encerramento",
)


def corpo_garantia(v: dict[str, str]) -> dict[str, Any]:
    """The guarantee form as the API's GarantiaIn: only the registration data of its type. Pure."""
    tipo = v.get("tipo", "")
    registro = {c: v.get(f"registro.{c}", "") for c in REGISTRO_GARANTIA.get(tipo, ())}
    if "cpf" in registro:
        registro["cpf"] = apenas_documento(registro["cpf"])
    if registro.get("renda_mensal"):
        registro["renda_mensal"] = reais_do_formulario(registro["renda_mensal"])
    return {
        "tipo": tipo,
        "valor": reais_do_formulario(v.get("valor", "")),
        "descricao": v.get("descricao", ""),
        "registro": {k: x for k, x in registro.items() if x},
    }


def corpo_bem(v: dict[str, str]) -> dict[str, Any]:
    """The bem form as the API's BemIn. Pure."""
    corpo: dict[str, Any] = {
        "tipo": v.get("tipo", ""),
        "descricao": v.get("descricao", ""),
        "valor": reais_do_formulario(v.get("valor", "")),
        "documento_fiscal": v.get("documento_fiscal", ""),
        "vendedor_nome": v.get("vendedor_nome", ""),
        "vendedor_documento": apenas_documento(v.get("vendedor_documento", "")),
        "destino_diferenca": opcional(v.get("destino_diferenca")),
    }
    if v.get("motivo"):
        corpo["motivo"] = v["motivo"]
    return corpo


def corpo_pagamento(v: dict[str, str]) -> dict[str, Any]:
    """The payout form as the API's PagamentoCreditoIn (TED account or PIX key of the favorecido). Pure."""
    favorecido: dict[str, Any] = {c: opcional(v.get(f"favorecido.{c}")) for c in FAVORECIDO}
    favorecido["nome"] = v.get("favorecido.nome", "")
    favorecido["documento"] = apenas_documento(v.get("favorecido.documento", ""))
    if v.get("forma") == "pix":
        favorecido["chave_pix"] = opcional(v.get("favorecido.chave_pix"))
        for c in ("banco", "agencia", "dv_agencia", "conta", "dv_conta"):
            favorecido[c] = None
    else:
        favorecido["tipo_chave_pix"] = None
    return {
        "destino": v.get("destino", ""),
        "valor": reais_do_formulario(v.get("valor", "")),
        "forma": v.get("forma", "ted"),
        "favorecido": {k: x for k, x in favorecido.items() if x is not None},
    }


class CreditosController(Controller):
    """``/app/creditos``: the list, a carta's file and its forms."""

    path = "/creditos"
    guards = [requires(Permission.COTAS_READ)]  # noqa: RUF012

    @get("/", name="ui:creditos")
    async def lista(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The cartas of every grupo, newest contemplação first."""
        api = Api(request)
        cartas: list[dict[str, Any]] = []
        for g in (await api.get("/api/grupos", limit=200))["items"]:
            cartas += [
                {**c, "grupo_codigo": g["codigo"]} for c in await api.get(f"/api/grupos/{g['id']}/creditos")
            ]
        cartas.sort(key=lambda c: (c["contemplada_em"], c["grupo_codigo"], c["cota_numero"]), reverse=True)
        return pagina(request, "creditos/lista.html", titulo="Créditos", cartas=cartas)

    async def _tela(
        self,
        request: Request[Any, Any, Any],
        carta_id: uuid.UUID,
        *,
        status: int = 200,
        form: str = "",
        erro: ErroApi | None = None,
        valores: dict[str, str] | None = None,
    ) -> Response[str]:
        d = await Api(request).get(f"/api/creditos/{carta_id}")
        chaves = {f: nova_chave() for f in FORMULARIOS}
        if erro is not None and valores and valores.get("chave"):
            # The same key again: what was typed is fixed and sent, and the API applies it once.
            chaves[form] = valores["chave"]
        return pagina(
            request,
            "creditos/detalhe.html",
            status=status,
            titulo=f"Carta da cota {d['carta']['cota_numero']}",
            d=d,
            chaves=chaves,
            form=form,
            erro=erro.detail if erro else None,
            erros=erro.erros if erro else {},
            valores=valores or {},
            tipos_documento=TIPOS_DOCUMENTO,
            tipos_garantia=TIPOS_GARANTIA,
            tipos_bem=TIPOS_BEM,
            destinos_diferenca=DESTINOS_DIFERENCA,
            destinos_pagamento=DESTINOS_PAGAMENTO,
            formas_pagamento=FORMAS_PAGAMENTO,
            tipos_chave_pix=TIPOS_CHAVE_PIX,
        )

    async def _enviar(
        self,
        request: Request[Any, Any, Any],
        carta_id: uuid.UUID,
        form: str,
        v: dict[str, str],
        acao: str,
        corpo: dict[str, Any],
        aviso: str,
    ) -> Response[Any]:
        """POST the action with the form's key; a refusal comes back next to the fields."""
        try:
            await Api(request).post(f"/api/creditos/{carta_id}/{acao}", corpo, chave=v.get("chave"))
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(request, carta_id, status=erro.status, form=form, erro=erro, valores=v)
        return ir_para(f"/app/creditos/{carta_id}", aviso=aviso)

    @get("/{carta_id:uuid}", name="ui:credito")
    async def detalhe(self, request: Request[Any, Any, Any], carta_id: FromPath[uuid.UUID]) -> Response[str]:
        """The carta's file and the forms its status and the user's role allow."""
        return await self._tela(request, carta_id)

    @post(
        "/{carta_id:uuid}/analise", name="ui:credito-analise", guards=[requires(Permission.ASSEMBLEIAS_WRITE)]
    )
    async def analise(self, request: Request[Any, Any, Any], carta_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Start (or restart, after a refusal) the análise."""
        v = await campos(request)
        corpo = {"motivo": v.get("motivo", "")}
        return await self._enviar(request, carta_id, "analise", v, "analise", corpo, "analise_iniciada")

    @post(
        "/{carta_id:uuid}/documentos",
        name="ui:credito-documento",
        guards=[requires(Permission.ASSEMBLEIAS_WRITE)],
    )
    async def documento(
        self, request: Request[Any, Any, Any], carta_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """A document received for the análise."""
        v = await campos(request)
        corpo = {
            "tipo": v.get("tipo", ""),
            "referencia": v.get("referencia", ""),
            "descricao": opcional(v.get("descricao")),
        }
        return await self._enviar(
            request, carta_id, "documento", v, "documentos", corpo, "documento_credito_registrado"
        )

    @post(
        "/{carta_id:uuid}/decisao", name="ui:credito-decisao", guards=[requires(Permission.ASSEMBLEIAS_WRITE)]
    )
    async def decisao(self, request: Request[Any, Any, Any], carta_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Approve or refuse, with the reason."""
        v = await campos(request)
        corpo = {"aprovada": v.get("aprovada") == "sim", "motivo": v.get("motivo", "")}
        aviso = "credito_aprovado" if corpo["aprovada"] else "credito_recusado"
        return await self._enviar(request, carta_id, "decisao", v, "decisao", corpo, aviso)

    @post(
        "/{carta_id:uuid}/garantias",
        name="ui:credito-garantia",
        guards=[requires(Permission.ASSEMBLEIAS_WRITE)],
    )
    async def garantia(self, request: Request[Any, Any, Any], carta_id: FromPath[uuid.UUID]) -> Response[Any]:
        """A guarantee with its registration data."""
        v = await campos(request)
        return await self._enviar(
            request, carta_id, "garantia", v, "garantias", corpo_garantia(v), "garantia_registrada"
        )

    @post("/{carta_id:uuid}/bem", name="ui:credito-bem", guards=[requires(Permission.ASSEMBLEIAS_WRITE)])
    async def bem(self, request: Request[Any, Any, Any], carta_id: FromPath[uuid.UUID]) -> Response[Any]:
        """The bem chosen and its seller."""
        v = await campos(request)
        return await self._enviar(request, carta_id, "bem", v, "bem", corpo_bem(v), "bem_indicado")

    @post(
        "/{carta_id:uuid}/pagamentos",
        name="ui:credito-pagamento",
        guards=[requires(Permission.PAGAMENTOS_WRITE)],
    )
    async def pagamento(
        self, request: Request[Any, Any, Any], carta_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Order a payout (reserved until the bank confirms it in the retorno)."""
        v = await campos(request)
        return await self._enviar(
            request, carta_id, "pagamento", v, "pagamentos", corpo_pagamento(v), "pagamento_credito_ordenado"
        )

    @post(
        "/{carta_id:uuid}/amortizacao",
        name="ui:credito-amortizacao",
        guards=[requires(Permission.PAGAMENTOS_WRITE)],
    )
    async def amortizacao(
        self, request: Request[Any, Any, Any], carta_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """The cheaper bem's difference paying the cota's parcelas."""
        v = await campos(request)
        corpo = {"valor": reais_do_formulario(v.get("valor", ""))}
        return await self._enviar(
            request, carta_id, "amortizacao", v, "amortizacao", corpo, "amortizacao_registrada"
        )

    @post(
        "/{carta_id:uuid}/encerramento",
        name="ui:credito-encerrar",
        guards=[requires(Permission.ASSEMBLEIAS_WRITE)],
    )
    async def encerrar(self, request: Request[Any, Any, Any], carta_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Close a paid carta."""
        v = await campos(request)
        corpo = {"motivo": v.get("motivo", "")}
        return await self._enviar(
            request, carta_id, "encerramento", v, "encerramento", corpo, "carta_encerrada"
        )
