"""The cota: holder, balance, extrato (parcelas), payments (entry and estorno), lance, cessão, extrato CSV,
its títulos (reemissão, baixa, PIX para pagar hoje)."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from tenant_app import calendario
from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formatos import apenas_documento, percentual_do_formulario, qr_do_pix, reais_do_formulario
from tenant_app.ui.formularios import campos, ir_para, nova_chave, opcional
from tenant_app.ui.paginas import pagina
from tenant_app.ui.telas.documentos import CATEGORIAS, TAMANHO_MAXIMO, enviar_documento
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission, role_can

FORMAS = (("pix", "PIX"), ("boleto", "Boleto"), ("ted", "TED"), ("dinheiro", "Dinheiro"))
TIPOS_LANCE = (("livre", "Livre"), ("fixo", "Fixo"), ("embutido", "Embutido"))
MOTIVOS_EXCLUSAO = (("solicitacao", "A pedido do consorciado"), ("inadimplencia", "Inadimplência"))


async def dados_da_cota(request: Request[Any, Any, Any], cota_id: FromPath[uuid.UUID]) -> dict[str, Any]:
    """Everything the cota screen shows (each part only when the role may read it)."""
    api = Api(request)
    cota = await api.get(f"/api/cotas/{cota_id}")
    grupo = await api.get(f"/api/grupos/{cota['grupo_id']}")
    consorciado = await api.get(f"/api/consorciados/{cota['consorciado_id']}")
    parcelas = await api.get(f"/api/cotas/{cota_id}/parcelas")
    saldo = await api.get(f"/api/cotas/{cota_id}/saldo")
    pagamentos = await api.get(f"/api/cotas/{cota_id}/pagamentos", limit=100)
    assembleias = await api.get(f"/api/grupos/{cota['grupo_id']}/assembleias")
    abertas = [a for a in assembleias if a["status"] == "recebendo_lances"]
    titulos = (await api.get("/api/cobranca/titulos", cota_id=str(cota_id), limit=60))["items"]
    documentos = (await api.get("/api/documentos", entidade_tipo="cota", entidade_id=str(cota_id), limit=50))[
        "items"
    ]
    carta_id = None
    if cota.get("contemplada"):
        try:
            carta_id = (await api.get(f"/api/cotas/{cota_id}/credito"))["carta"]["id"]
        except ErroApi as erro:
            if erro.status != 404:  # a restitution (excluded cota) has no carta
                raise
    return {
        "titulos": titulos,
        "documentos": documentos,
        "carta_id": carta_id,
        "cota": cota,
        "grupo": grupo,
        "consorciado": consorciado,
        "parcelas": parcelas,
        "saldo": saldo,
        "pagamentos": pagamentos["items"],
        "assembleias_abertas": abertas,
    }


class CotasController(Controller):
    """``/app/cotas/{id}`` and its forms."""

    path = "/cotas"
    guards = [requires(Permission.COTAS_READ)]  # noqa: RUF012

    async def _tela(
        self,
        request: Request[Any, Any, Any],
        cota_id: FromPath[uuid.UUID],
        *,
        status: int = 200,
        form: str = "",
        erro: ErroApi | None = None,
        valores: dict[str, str] | None = None,
    ) -> Response[str]:
        dados = await dados_da_cota(request, cota_id)
        return pagina(
            request,
            "cotas/detalhe.html",
            status=status,
            titulo=f"Cota {dados['cota']['numero']} — grupo {dados['grupo']['codigo']}",
            **dados,
            formas=FORMAS,
            tipos_lance=TIPOS_LANCE,
            motivos_exclusao=MOTIVOS_EXCLUSAO,
            categorias_documento=CATEGORIAS["cota"],
            hoje=calendario.hoje().isoformat(),
            chave=nova_chave() if erro is None else (valores or {}).get("chave", nova_chave()),
            form=form,
            erro=erro.detail if erro else None,
            erros=erro.erros if erro else {},
            valores=valores or {},
        )

    @get("/{cota_id:uuid}", name="ui:cota")
    async def detalhe(self, request: Request[Any, Any, Any], cota_id: FromPath[uuid.UUID]) -> Response[str]:
        """The cota screen."""
        return await self._tela(request, cota_id)

    @post(
        "/{cota_id:uuid}/pagamentos",
        name="ui:pagamento-registrar",
        guards=[requires(Permission.PAGAMENTOS_WRITE)],
    )
    async def pagar(self, request: Request[Any, Any, Any], cota_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Manual payment entry. The hidden Idempotency-Key makes a double submit one payment."""
        v = await campos(request)
        corpo = {
            "valor": reais_do_formulario(v.get("valor", "")),
            "data_pagamento": opcional(v.get("data_pagamento")),
            "forma": v.get("forma", "pix"),
            "referencia": opcional(v.get("referencia")),
        }
        try:
            await Api(request).post(f"/api/cotas/{cota_id}/pagamentos", corpo, chave=v.get("chave"))
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(
                request, cota_id, status=erro.status, form="pagamento", erro=erro, valores=v
            )
        return ir_para(f"/app/cotas/{cota_id}", aviso="pagamento_registrado")

    @post(
        "/{cota_id:uuid}/lances", name="ui:lance-registrar", guards=[requires(Permission.ASSEMBLEIAS_WRITE)]
    )
    async def lance(self, request: Request[Any, Any, Any], cota_id: FromPath[uuid.UUID]) -> Response[Any]:
        """A sealed lance for this cota in an assembleia receiving lances."""
        v = await campos(request)
        api = Api(request)
        cota = await api.get(f"/api/cotas/{cota_id}")
        corpo = {
            "cota_numero": cota["numero"],
            "tipo": v.get("tipo", "livre"),
            "percentual": percentual_do_formulario(v.get("percentual", "")),
            "percentual_embutido": percentual_do_formulario(v.get("percentual_embutido") or "0"),
        }
        try:
            await api.post(f"/api/assembleias/{v.get('assembleia_id', '')}/lances", corpo)
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(request, cota_id, status=erro.status, form="lance", erro=erro, valores=v)
        return ir_para(f"/app/cotas/{cota_id}", aviso="lance_registrado")

    @post("/{cota_id:uuid}/cessao", name="ui:cessao", guards=[requires(Permission.COTAS_WRITE)])
    async def cessao(self, request: Request[Any, Any, Any], cota_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Transfer to the consorciado with the CPF/CNPJ typed in."""
        v = await campos(request)
        api = Api(request)
        documento = apenas_documento(v.get("documento", ""))
        achados = (await api.get("/api/consorciados", q=documento or "-", limit=2))["items"]
        exatos = [c for c in achados if c.get("documento") == documento]
        if len(exatos) != 1:
            erro = ErroApi(
                422, "Informe o CPF/CNPJ de um consorciado cadastrado.", erros={"documento": "não encontrado"}
            )
            return await self._tela(request, cota_id, status=422, form="cessao", erro=erro, valores=v)
        try:
            await api.post(
                f"/api/cotas/{cota_id}/cessao",
                {"consorciado_id": exatos[0]["id"], "motivo": opcional(v.get("motivo"))},
            )
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(request, cota_id, status=erro.status, form="cessao", erro=erro, valores=v)
        return ir_para(f"/app/cotas/{cota_id}", aviso="cota_cedida")

    async def _enviar(
        self,
        request: Request[Any, Any, Any],
        cota_id: uuid.UUID,
        form: str,
        v: dict[str, str],
        caminho: str,
        corpo: dict[str, Any],
        aviso: str,
    ) -> Response[Any]:
        """POST ``corpo`` (with the form's key, if any), then the cota; a refusal is shown on the form."""
        try:
            await Api(request).post(caminho, corpo, chave=v.get("chave") or None)
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(request, cota_id, status=erro.status, form=form, erro=erro, valores=v)
        return ir_para(f"/app/cotas/{cota_id}", aviso=aviso)

    @post("/{cota_id:uuid}/exclusao", name="ui:cota-exclusao", guards=[requires(Permission.COTAS_WRITE)])
    async def exclusao(self, request: Request[Any, Any, Any], cota_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Exclude a non-contemplated cota (Idempotency-Key: the restitution is computed once)."""
        v = await campos(request)
        corpo = {"motivo": v.get("motivo", ""), "observacao": opcional(v.get("observacao"))}
        caminho = f"/api/cotas/{cota_id}/exclusao"
        return await self._enviar(request, cota_id, "exclusao", v, caminho, corpo, "cota_excluida")

    @post("/{cota_id:uuid}/readmissao", name="ui:cota-readmissao", guards=[requires(Permission.COTAS_WRITE)])
    async def readmissao(
        self, request: Request[Any, Any, Any], cota_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Readmit an excluded cota."""
        v = await campos(request)
        caminho = f"/api/cotas/{cota_id}/readmissao"
        return await self._enviar(request, cota_id, "readmissao", v, caminho, {}, "cota_readmitida")

    @post(
        "/{cota_id:uuid}/titulos/{titulo_id:uuid}/reemissao",
        name="ui:titulo-reemissao",
        guards=[requires(Permission.PAGAMENTOS_WRITE)],
    )
    async def reemissao(
        self, request: Request[Any, Any, Any], cota_id: FromPath[uuid.UUID], titulo_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """A new título for the same parcela with a new due date (the old one is baixado)."""
        v = await campos(request)
        caminho = f"/api/cobranca/titulos/{titulo_id}/reemissao"
        corpo = {"vencimento": v.get("vencimento", "")}
        return await self._enviar(
            request, cota_id, f"reemissao-{titulo_id}", v, caminho, corpo, "titulo_reemitido"
        )

    @post(
        "/{cota_id:uuid}/titulos/{titulo_id:uuid}/baixa",
        name="ui:titulo-baixa",
        guards=[requires(Permission.PAGAMENTOS_WRITE)],
    )
    async def baixa(
        self, request: Request[Any, Any, Any], cota_id: FromPath[uuid.UUID], titulo_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Cancel a live título, with the reason (the next remessa asks the bank for the baixa)."""
        v = await campos(request)
        caminho = f"/api/cobranca/titulos/{titulo_id}/baixa"
        corpo = {"motivo": v.get("motivo", "")}
        return await self._enviar(request, cota_id, f"baixa-{titulo_id}", v, caminho, corpo, "titulo_baixado")

    @post(
        "/{cota_id:uuid}/titulos/{titulo_id:uuid}/pix-imediato",
        name="ui:titulo-pix-imediato",
        guards=[requires(Permission.PAGAMENTOS_WRITE)],
    )
    async def pix_imediato(
        self, request: Request[Any, Any, Any], cota_id: FromPath[uuid.UUID], titulo_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """PIX para pagar hoje: an immediate charge at the PSP for today's amount, shown with its QR code and
        copia e cola (the form's Idempotency-Key: a double submit shows the same charge). A refusal (no
        PSP, PSP down) is shown on the cota screen."""
        v = await campos(request)
        caminho = f"/api/cobranca/titulos/{titulo_id}/pix-imediato"
        try:
            pix = await Api(request).post(caminho, chave=v.get("chave") or None)
        except ErroApi as erro:
            if erro.status in (403, 404) or (erro.status >= 500 and erro.status != 503):
                raise
            # The message says what to do; its field (psp, webhook) is not a field of this form.
            erro = dataclasses.replace(erro, erros={})
            return await self._tela(request, cota_id, status=erro.status, form=f"pix-{titulo_id}", erro=erro)
        return pagina(
            request,
            "cotas/pix_imediato.html",
            titulo=f"PIX para pagar hoje — parcela {pix['parcela_numero']}",
            pix=pix,
            cota_id=cota_id,
            qr=qr_do_pix(pix["brcode"], escala=4),
        )

    @post("/{cota_id:uuid}/contrato", name="ui:cota-contrato", guards=[requires(Permission.COTAS_WRITE)])
    async def contrato(self, request: Request[Any, Any, Any], cota_id: FromPath[uuid.UUID]) -> Response[Any]:
        """The contrato de adesão as a PDF, from the grupo's parameters and the template's current
        version, kept as a new version of the cota's ``contrato_adesao`` document."""
        v = await campos(request)
        caminho = f"/api/contratos/cotas/{cota_id}"
        return await self._enviar(request, cota_id, "contrato", v, caminho, {}, "contrato_gerado")

    @post(
        "/{cota_id:uuid}/documentos",
        name="ui:cota-documento",
        guards=[requires(Permission.CONSORCIADOS_WRITE)],
        request_max_body_size=TAMANHO_MAXIMO,
    )
    async def documento(self, request: Request[Any, Any, Any], cota_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Upload a document of the cota (e.g. the signed contract)."""
        erro, v = await enviar_documento(request, "cota", str(cota_id))
        if erro is not None:
            return await self._tela(
                request, cota_id, status=erro.status, form="documento", erro=erro, valores=v
            )
        return ir_para(f"/app/cotas/{cota_id}", aviso="documento_enviado")

    @get("/{cota_id:uuid}/extrato.csv", name="ui:extrato-csv")
    async def extrato_csv(
        self, request: Request[Any, Any, Any], cota_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        """The extrato for a pt-BR spreadsheet (``;``, decimal comma, UTF-8 BOM)."""
        dados = await dados_da_cota(request, cota_id)
        linhas = ["\ufeffparcela;vencimento;valor;pago;saldo;situacao;paga_em"]
        for p in dados["parcelas"]:
            linhas.append(
                ";".join(
                    [
                        str(p["numero"]),
                        p["vencimento"],
                        p["valor_total"].replace(".", ","),
                        p["valor_pago"].replace(".", ","),
                        p["saldo"].replace(".", ","),
                        p["status"],
                        p["paga_em"] or "",
                    ]
                )
            )
        nome = f"extrato-{dados['grupo']['codigo']}-cota-{dados['cota']['numero']}.csv"
        return Response(
            ("\r\n".join(linhas) + "\r\n").encode(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{nome}"', "Cache-Control": "no-store"},
        )


def pode(request: Request[Any, Any, Any], permissao: Permission) -> bool:
    """The current user's role grants ``permissao``."""
    user = request.scope.get("user")
    return user is not None and role_can(user.role, permissao)
