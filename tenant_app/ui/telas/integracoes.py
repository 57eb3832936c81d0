"""Integrações: the administradora's API clients (OAuth 2.0 client credentials or API keys).

An ERP or a bank robot gets its own client, bounded by a staff profile and, optionally, a subset
of its permissions; never a staff password. The key is shown once, right after it is created or
rotated (the server keeps only its SHA-256). Rotation keeps the old keys valid for an overlap so
the integrated system can switch without downtime; revocation takes effect on the next request.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formularios import campos, ir_para, opcional
from tenant_app.ui.paginas import pagina
from tenant_app.ui.telas.usuarios import PAPEIS
from tenant_app.users.guards import requires
from tenant_app.users.roles import ROLE_PERMISSIONS, Permission, Role

#: The profiles a client may have (never admin), as the users screen names them.
PERFIS = tuple((valor, rotulo) for valor, rotulo in PAPEIS if valor != Role.ADMIN.value)
#: Every permission some profile has: the checkboxes of the scope.
PERMISSOES = tuple(p.value for p in Permission if any(p in ROLE_PERMISSIONS[Role(v)] for v, _ in PERFIS))
SOBREPOSICOES = (("24", "24 horas"), ("72", "3 dias"), ("168", "7 dias"), ("0", "nenhuma (a antiga para já)"))


def corpo_cliente(v: dict[str, str], permissoes: list[str]) -> dict[str, Any]:
    """The new client form as the API's ClienteApiIn. Pure."""
    limite = v.get("limite_por_minuto", "")
    return {
        "nome": v.get("nome", ""),
        "perfil": v.get("perfil", ""),
        "descricao": opcional(v.get("descricao")),
        "permissoes": permissoes,
        "limite_por_minuto": (int(limite) if limite.isdigit() else limite) if limite else None,
    }


class IntegracoesController(Controller):
    """``/app/integracoes`` (admins, like ``/api/clientes-api``)."""

    path = "/integracoes"
    guards = [requires(Permission.USERS_MANAGE)]  # noqa: RUF012

    @get("/", name="ui:integracoes")
    async def lista(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The clients with their keys (prefix, validity, last use) and the form for a new one."""
        return await self._tela(request)

    async def _tela(
        self,
        request: Request[Any, Any, Any],
        *,
        status: int = 200,
        erro: ErroApi | None = None,
        valores: dict[str, Any] | None = None,
        chave: dict[str, Any] | None = None,
    ) -> Response[str]:
        dados = await Api(request).get("/api/clientes-api", limit=200)
        return pagina(
            request,
            "integracoes/lista.html",
            status=status,
            titulo="Integrações",
            dados=dados,
            perfis=PERFIS,
            permissoes=PERMISSOES,
            sobreposicoes=SOBREPOSICOES,
            chave=chave,
            valores=valores or {},
            erro=erro.detail if erro else None,
            erros=erro.erros if erro else {},
        )

    @post("/", name="ui:integracao-criar")
    async def criar(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Register a client; its first key is shown on this answer only."""
        form = await request.form()
        v = await campos(request)
        permissoes = (
            [p for p in form.getall("permissoes") if isinstance(p, str)] if "permissoes" in form else []
        )
        try:
            criado = await Api(request).post("/api/clientes-api", corpo_cliente(v, permissoes))
        except ErroApi as erro:
            if erro.status >= 500 or erro.status == 403:
                raise
            return await self._tela(
                request, status=erro.status, erro=erro, valores={**v, "permissoes": permissoes}
            )
        return await self._tela(
            request, status=201, chave={**criado["chave"], "nome": criado["cliente"]["nome"]}
        )

    @post("/{cliente_id:uuid}/rotacao", name="ui:integracao-rotacao")
    async def rotacionar(
        self, request: Request[Any, Any, Any], cliente_id: FromPath[uuid.UUID]
    ) -> Response[str]:
        """A new key; the previous ones stay valid for the chosen overlap."""
        v = await campos(request)
        horas = v.get("sobreposicao_horas", "24")
        corpo = {"sobreposicao_horas": int(horas) if horas.isdigit() else horas}
        api = Api(request)
        try:
            nova = await api.post(f"/api/clientes-api/{cliente_id}/rotacao", corpo)
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(request, status=erro.status, erro=erro)
        cliente = await api.get(f"/api/clientes-api/{cliente_id}")
        return await self._tela(request, status=201, chave={**nova, "nome": cliente["nome"]})

    @post("/{cliente_id:uuid}/revogacao", name="ui:integracao-revogar")
    async def revogar(
        self, request: Request[Any, Any, Any], cliente_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Revoke the client and every key it has, from the next request on."""
        await Api(request).post(f"/api/clientes-api/{cliente_id}/revogacao")
        return ir_para("/app/integracoes", aviso="integracao_revogada")

    @post("/{cliente_id:uuid}/chaves/{chave_id:uuid}/revogacao", name="ui:integracao-revogar-chave")
    async def revogar_chave(
        self, request: Request[Any, Any, Any], cliente_id: FromPath[uuid.UUID], chave_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Revoke one key (the old one, after a rotation, or a leaked one) at once."""
        await Api(request).delete(f"/api/clientes-api/{cliente_id}/chaves/{chave_id}")
        return ir_para("/app/integracoes", aviso="chave_revogada")
