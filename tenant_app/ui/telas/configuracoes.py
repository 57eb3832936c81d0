"""Configurações: the billing bank accounts, the e-mail sender and reminders, the webhook endpoints.

Each part is shown to the roles the API lets change it (bank accounts: users:manage; e-mail and
webhooks: integracoes:manage — both the admin's). A webhook's secret is shown once, right after it
is created or rotated, as the API returns it only then.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath

from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formatos import apenas_documento
from tenant_app.ui.formularios import campos, ir_para, opcional
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import Guard, requires
from tenant_app.users.roles import Permission, role_can

BANCOS = (("001", "001 — Banco do Brasil"), ("237", "237 — Bradesco"), ("341", "341 — Itaú"))
CONTA_CAMPOS = ("banco", "agencia", "dv_agencia", "conta", "dv_conta", "convenio", "carteira", "cidade")
CONTA_OPCIONAIS = ("chave_pix", "psp", "psp_url", "psp_client_id")


def corpo_conta(v: dict[str, str]) -> dict[str, Any]:
    """The new billing account form as the API's ContaCobrancaIn. Pure."""
    corpo: dict[str, Any] = {c: v.get(c, "") for c in CONTA_CAMPOS}
    corpo["beneficiario_nome"] = v.get("beneficiario_nome", "")
    corpo["beneficiario_documento"] = apenas_documento(v.get("beneficiario_documento", "")).upper()
    corpo["grupo_id"] = opcional(v.get("grupo_id"))
    for c in CONTA_OPCIONAIS:
        corpo[c] = opcional(v.get(c))
    return corpo


def corpo_email(v: dict[str, str]) -> dict[str, Any]:
    """The e-mail settings form as the API's ConfiguracaoIO. Pure."""
    dias = v.get("dias_aviso_vencimento", "")
    return {
        "nome_administradora": v.get("nome_administradora", ""),
        "remetente_nome": v.get("remetente_nome", ""),
        "remetente_email": v.get("remetente_email", ""),
        "responder_para": opcional(v.get("responder_para")),
        "email_alertas": opcional(v.get("email_alertas")),
        "emails_consorciados": v.get("emails_consorciados") == "sim",
        "dias_aviso_vencimento": int(dias) if dias.isdigit() else dias,
    }


def _pode(request: Request[Any, Any, Any], permissao: Permission) -> bool:
    user = request.scope.get("user")
    return user is not None and role_can(user.role, permissao)


def alguma(*permissoes: Permission) -> Guard:
    """A guard for a page with parts for several permissions: the role needs at least one."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = connection.scope.get("user")
        if not any(user is not None and role_can(user.role, p) for p in permissoes):
            raise PermissionDeniedException(permissoes[0].value)

    return guard


class ConfiguracoesController(Controller):
    """``/app/configuracoes``."""

    path = "/configuracoes"

    async def _tela(
        self,
        request: Request[Any, Any, Any],
        *,
        status: int = 200,
        form: str = "",
        erro: ErroApi | None = None,
        valores: dict[str, Any] | None = None,
        segredo: str | None = None,
        webhook_pix: dict[str, Any] | None = None,
    ) -> Response[str]:
        api = Api(request)
        contas = grupos = endpoints = tipos = falhas = []
        email = None
        if _pode(request, Permission.USERS_MANAGE):
            contas = await api.get("/api/cobranca/contas/")
            grupos = (await api.get("/api/grupos", limit=200))["items"]
        if _pode(request, Permission.INTEGRACOES_MANAGE):
            email = await api.get("/api/notificacoes/configuracao")
            endpoints = await api.get("/api/webhooks/endpoints")
            tipos = await api.get("/api/webhooks/tipos")
            falhas = (await api.get("/api/webhooks/entregas", status="falhou", limit=20))["items"]
        return pagina(
            request,
            "configuracoes/painel.html",
            status=status,
            titulo="Configurações",
            contas=contas,
            grupos=grupos,
            bancos=BANCOS,
            email=email,
            endpoints=endpoints,
            tipos=tipos,
            falhas=falhas,
            segredo=segredo,
            webhook_pix=webhook_pix,
            form=form,
            erro=erro.detail if erro else None,
            erros=erro.erros if erro else {},
            valores=valores or {},
        )

    async def _recusa(
        self, request: Request[Any, Any, Any], erro: ErroApi, form: str, valores: dict[str, Any]
    ) -> Response[str]:
        if erro.status >= 500 or erro.status in (403, 404):
            raise erro
        return await self._tela(request, status=erro.status, form=form, erro=erro, valores=valores)

    @get(
        "/",
        name="ui:configuracoes",
        guards=[alguma(Permission.USERS_MANAGE, Permission.INTEGRACOES_MANAGE)],
    )
    async def painel(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Bank accounts, e-mail and webhooks (each for the roles that may change it)."""
        return await self._tela(request)

    @post("/contas", name="ui:conta-criar", guards=[requires(Permission.USERS_MANAGE)])
    async def criar_conta(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """A billing account for a grupo, or the administradora's default."""
        v = await campos(request)
        try:
            await Api(request).post("/api/cobranca/contas/", corpo_conta(v))
        except ErroApi as erro:
            return await self._recusa(request, erro, "conta", v)
        return ir_para("/app/configuracoes", aviso="conta_salva")

    @post("/contas/{conta_id:uuid}", name="ui:conta-alterar", guards=[requires(Permission.USERS_MANAGE)])
    async def alterar_conta(
        self, request: Request[Any, Any, Any], conta_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """The beneficiário's name, city, PIX key and PSP (the bank identity is fixed)."""
        v = await campos(request)
        corpo: dict[str, str | None] = {k: v.get(k, "") for k in ("beneficiario_nome", "cidade")}
        corpo |= {k: opcional(v.get(k)) for k in CONTA_OPCIONAIS if k in v}
        corpo = {k: x for k, x in corpo.items() if x is not None}
        try:
            await Api(request).patch(f"/api/cobranca/contas/{conta_id}", corpo)
        except ErroApi as erro:
            return await self._recusa(request, erro, f"conta-{conta_id}", v)
        return ir_para("/app/configuracoes", aviso="conta_salva")

    @post(
        "/contas/{conta_id:uuid}/psp-segredo",
        name="ui:conta-psp-segredo",
        guards=[requires(Permission.USERS_MANAGE)],
    )
    async def segredo_psp(
        self, request: Request[Any, Any, Any], conta_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """The PSP's client secret, written to the tenant's Vault by the API (never shown again)."""
        v = await campos(request)
        try:
            await Api(request).put(
                f"/api/cobranca/contas/{conta_id}/psp-segredo", {"client_secret": v.get("client_secret", "")}
            )
        except ErroApi as erro:
            if erro.status == 503:
                erro.erros = {"client_secret": erro.detail}
                return await self._tela(request, status=503, form=f"conta-{conta_id}", erro=erro, valores={})
            return await self._recusa(request, erro, f"conta-{conta_id}", {})
        return ir_para("/app/configuracoes", aviso="configuracao_salva")

    @post(
        "/contas/{conta_id:uuid}/webhook-pix/psp",
        name="ui:conta-webhook-pix-psp",
        guards=[requires(Permission.USERS_MANAGE)],
    )
    async def webhook_pix_no_psp(
        self, request: Request[Any, Any, Any], conta_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Register a new secret PIX webhook address at the account's PSP (kept only if the PSP took it)."""
        try:
            r = await Api(request).put(f"/api/cobranca/contas/{conta_id}/webhook-pix/psp", {})
        except ErroApi as erro:
            if erro.status in (422, 503):
                return await self._tela(request, status=erro.status, form=f"conta-{conta_id}", erro=erro)
            raise
        return await self._tela(request, webhook_pix={**r, "no_psp": True})

    @post(
        "/contas/{conta_id:uuid}/webhook-pix",
        name="ui:conta-webhook-pix",
        guards=[requires(Permission.USERS_MANAGE)],
    )
    async def webhook_pix_manual(
        self, request: Request[Any, Any, Any], conta_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """A new secret address to register at the PSP by hand (shown once; the previous one stops)."""
        r = await Api(request).post(f"/api/cobranca/contas/{conta_id}/webhook-pix")
        return await self._tela(request, status=201, webhook_pix={**r, "no_psp": False})

    @post("/email", name="ui:email-salvar", guards=[requires(Permission.INTEGRACOES_MANAGE)])
    async def salvar_email(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """The sender and the reminders."""
        v = await campos(request)
        try:
            await Api(request).put("/api/notificacoes/configuracao", corpo_email(v))
        except ErroApi as erro:
            return await self._recusa(request, erro, "email", v)
        return ir_para("/app/configuracoes", aviso="configuracao_salva")

    @post("/webhooks", name="ui:webhook-criar", guards=[requires(Permission.INTEGRACOES_MANAGE)])
    async def criar_webhook(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """Register an endpoint; its secret is shown on this answer only."""
        form = await request.form()
        v = await campos(request)
        tipos = [t for t in form.getall("tipos") if isinstance(t, str)] if "tipos" in form else []
        corpo = {"url": v.get("url", ""), "descricao": opcional(v.get("descricao")), "tipos": tipos}
        try:
            criado = await Api(request).post("/api/webhooks/endpoints", corpo)
        except ErroApi as erro:
            return await self._recusa(request, erro, "webhook", {**v, "tipos": tipos})
        return await self._tela(request, status=201, segredo=criado["segredo"])

    @post(
        "/webhooks/{endpoint_id:uuid}/ativo",
        name="ui:webhook-ativo",
        guards=[requires(Permission.INTEGRACOES_MANAGE)],
    )
    async def ativar(
        self, request: Request[Any, Any, Any], endpoint_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Turn an endpoint on (also after it was disabled by failures) or off."""
        v = await campos(request)
        try:
            await Api(request).patch(
                f"/api/webhooks/endpoints/{endpoint_id}", {"ativo": v.get("ativo") == "sim"}
            )
        except ErroApi as erro:
            return await self._recusa(request, erro, f"webhook-{endpoint_id}", v)
        return ir_para("/app/configuracoes", aviso="webhook_atualizado")

    @post(
        "/webhooks/{endpoint_id:uuid}/rotacao",
        name="ui:webhook-rotacao",
        guards=[requires(Permission.INTEGRACOES_MANAGE)],
    )
    async def rotacionar(
        self, request: Request[Any, Any, Any], endpoint_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """A new secret (the old one keeps signing for the overlap); shown on this answer only."""
        v = await campos(request)
        horas = v.get("sobreposicao_horas", "24")
        corpo = {"sobreposicao_horas": int(horas) if horas.isdigit() else horas}
        try:
            r = await Api(request).post(f"/api/webhooks/endpoints/{endpoint_id}/rotacao", corpo)
        except ErroApi as erro:
            return await self._recusa(request, erro, f"webhook-{endpoint_id}", v)
        return await self._tela(request, segredo=r["segredo"])

    @post(
        "/webhooks/{endpoint_id:uuid}/reenvio",
        name="ui:webhook-reenvio",
        guards=[requires(Permission.INTEGRACOES_MANAGE)],
    )
    async def reenviar_falhas(
        self, request: Request[Any, Any, Any], endpoint_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Replay every failed delivery of the endpoint (same webhook-id: receivers deduplicate)."""
        await Api(request).post(f"/api/webhooks/endpoints/{endpoint_id}/reenvio")
        return ir_para("/app/configuracoes", aviso="webhook_reenviado")

    @post(
        "/webhooks/entregas/{entrega_id:uuid}/reenvio",
        name="ui:webhook-entrega-reenvio",
        guards=[requires(Permission.INTEGRACOES_MANAGE)],
    )
    async def reenviar_entrega(
        self, request: Request[Any, Any, Any], entrega_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Replay one failed delivery now."""
        await Api(request).post(f"/api/webhooks/entregas/{entrega_id}/reenvio")
        return ir_para("/app/configuracoes", aviso="webhook_reenviado")

    @post(
        "/webhooks/{endpoint_id:uuid}/exclusao",
        name="ui:webhook-excluir",
        guards=[requires(Permission.INTEGRACOES_MANAGE)],
    )
    async def excluir(
        self, request: Request[Any, Any, Any], endpoint_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Remove an endpoint."""
        await Api(request).delete(f"/api/webhooks/endpoints/{endpoint_id}")
        return ir_para("/app/configuracoes", aviso="webhook_removido")
