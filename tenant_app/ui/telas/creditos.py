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
from litestar.datastructures import UploadFile
from litestar.params import FromPath

from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formatos import apenas_documento, reais_do_formulario
from tenant_app.ui.formularios import campos, ir_para, nova_chave, opcional
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission, role_can

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
    "especie",
)


#: The paying account's fields (header of the payouts file).
CONTA_PAGADORA = (
    "banco", "nome_banco", "inscricao", "nome", "convenio", "agencia", "dv_agencia", "conta", "dv_conta",
)  # fmt: skip
NOMES_BANCO = {"001": "BANCO DO BRASIL", "237": "BRADESCO", "341": "ITAU"}
#: A payouts retorno is small (a few lines per payout); 50 MB is the API's own ceiling.
TAMANHO_RETORNO = 51 * 1024 * 1024


def conta_pagadora(conta: dict[str, Any]) -> dict[str, str]:
    """The billing account as the paying account's pre-filled fields (the administradora pays from the
    account it bills in, unless changed). Pure."""
    return {
        "banco": conta["banco"],
        "nome_banco": NOMES_BANCO.get(conta["banco"], ""),
        "inscricao": conta["beneficiario_documento"],
        "nome": conta["beneficiario_nome"][:30],
        "convenio": conta["convenio"],
        "agencia": conta["agencia"],
        "dv_agencia": conta.get("dv_agencia") or "",
        "conta": conta["conta"],
        "dv_conta": conta.get("dv_conta") or "",
    }


def _pode(request: Request[Any, Any, Any], permissao: Permission) -> bool:
    user = request.scope.get("user")
    return user is not None and role_can(user.role, permissao)


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
        """The cartas of every grupo, newest contemplação first; the payouts' bank files."""
        return await self._lista(request)

    async def _lista(
        self,
        request: Request[Any, Any, Any],
        *,
        status: int = 200,
        form: str = "",
        erro: ErroApi | None = None,
        valores: dict[str, str] | None = None,
        remessa: dict[str, Any] | None = None,
        retorno: dict[str, Any] | None = None,
    ) -> Response[str]:
        api = Api(request)
        cartas: list[dict[str, Any]] = []
        grupos = (await api.get("/api/grupos", limit=200))["items"]
        for g in grupos:
            cartas += [
                {**c, "grupo_codigo": g["codigo"]} for c in await api.get(f"/api/grupos/{g['id']}/creditos")
            ]
        cartas.sort(key=lambda c: (c["contemplada_em"], c["grupo_codigo"], c["cota_numero"]), reverse=True)
        pagadora: dict[str, str] = {}
        if _pode(request, Permission.PAGAMENTOS_WRITE):
            contas = await api.get("/api/cobranca/contas/")
            padrao = next((c for c in contas if c["grupo_id"] is None), contas[0] if contas else None)
            pagadora = conta_pagadora(padrao) if padrao else {}
        chave = (valores or {}).get("chave") if erro else None
        return pagina(
            request, "creditos/lista.html", status=status, titulo="Créditos", cartas=cartas,
            grupos=[(g["id"], g["codigo"]) for g in grupos], pagadora=pagadora, form=form,
            valores=valores or {}, remessa=remessa, retorno=retorno,
            chave_remessa=chave if form == "remessa" and chave else nova_chave(),
            chave_retorno=chave if form == "retorno" and chave else nova_chave(),
            erro=erro.detail if erro else None, erros=erro.erros if erro else {},
        )  # fmt: skip

    @post("/remessas", name="ui:credito-remessa", guards=[requires(Permission.PAGAMENTOS_WRITE)])
    async def gerar_remessa(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """The grupo's pending payouts of one forma in a CNAB 240 file (Idempotency-Key from the form)."""
        v = await campos(request)
        conta = {c: v.get(f"conta.{c}", "") for c in CONTA_PAGADORA}
        conta["inscricao"] = apenas_documento(conta["inscricao"])
        corpo = {"forma": v.get("forma", "ted"), "conta": conta}
        try:
            grupo_id = uuid.UUID(v.get("grupo_id", ""))
            gerada = await Api(request).post(
                f"/api/grupos/{grupo_id}/creditos/remessas", corpo, chave=v.get("chave")
            )
        except ValueError:
            erro = ErroApi(422, "Escolha o grupo.", erros={"grupo_id": "obrigatório"})
            return await self._lista(request, status=422, form="remessa", erro=erro, valores=v)
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._lista(request, status=erro.status, form="remessa", erro=erro, valores=v)
        return await self._lista(request, status=201, remessa=gerada)

    @get("/remessas/{remessa_id:uuid}/arquivo", name="ui:credito-remessa-arquivo")
    async def remessa_arquivo(
        self, request: Request[Any, Any, Any], remessa_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        """The payouts' CNAB 240 file exactly as generated."""
        resposta = await Api(request).chamar("GET", f"/api/creditos/remessas/{remessa_id}/arquivo")
        return Response(
            resposta.content,
            media_type="text/plain; charset=ascii",
            headers={
                "Content-Disposition": f'attachment; filename="pagamentos-credito-{remessa_id}.rem"',
                "Cache-Control": "no-store",
            },
        )

    @post(
        "/retornos",
        name="ui:credito-retorno",
        guards=[requires(Permission.PAGAMENTOS_WRITE)],
        request_max_body_size=TAMANHO_RETORNO,
    )
    async def importar_retorno(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """The bank's answer to a payouts file: confirmed payments leave the carta, rejected ones are
        free again; the result line by line."""
        form = await request.form()
        v = {k: x for k, x in form.items() if isinstance(x, str) and k != "csrf"}
        arquivo = form.get("arquivo")
        if not isinstance(arquivo, UploadFile) or not arquivo.filename:
            erro = ErroApi(400, "Escolha o arquivo de retorno.", erros={"arquivo": "obrigatório"})
            return await self._lista(request, status=400, form="retorno", erro=erro, valores=v)
        texto = (await arquivo.read()).decode("latin-1")
        try:
            resultado = await Api(request).post(
                "/api/creditos/retornos", {"conteudo": texto}, chave=v.get("chave")
            )
        except ErroApi as erro:
            if erro.status >= 500 or erro.status == 403:
                raise
            if "conteudo" in erro.erros:
                erro.erros["arquivo"] = erro.erros.pop("conteudo")
            return await self._lista(request, status=erro.status, form="retorno", erro=erro, valores=v)
        return await self._lista(request, retorno=resultado)

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
        "/{carta_id:uuid}/conversao-especie",
        name="ui:credito-especie",
        guards=[requires(Permission.ASSEMBLEIAS_WRITE)],
    )
    async def especie(self, request: Request[Any, Any, Any], carta_id: FromPath[uuid.UUID]) -> Response[Any]:
        """An unused crédito converted into cash (180 days after the contemplação, saldo devedor paid)."""
        v = await campos(request)
        corpo = {"motivo": v.get("motivo", "")}
        return await self._enviar(
            request, carta_id, "especie", v, "conversao-especie", corpo, "credito_convertido"
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
