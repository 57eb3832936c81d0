"""Usuários e papéis: list, create, change role/active, unlock; the permission table shown as it is."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formularios import campos, ir_para
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import requires
from tenant_app.users.roles import ROLE_PERMISSIONS, SEGUNDO_FATOR, Permission, Role

PAPEIS = (
    ("operador", "Operador (atendimento)"),
    ("gestor", "Gestor (grupos e assembleias)"),
    ("financeiro", "Financeiro (pagamentos)"),
    ("auditor", "Auditor (somente leitura + auditoria)"),
    ("admin", "Administrador"),
)


def tabela_de_permissoes() -> list[tuple[str, list[bool]]]:
    """Rows permission × columns role, straight from ``ROLE_PERMISSIONS``. Pure."""
    return [(p.value, [p in ROLE_PERMISSIONS[r] for r in Role]) for p in Permission]


class UsuariosController(Controller):
    """``/app/usuarios`` (admins only, like ``/api/usuarios``)."""

    path = "/usuarios"
    guards = [requires(Permission.USERS_MANAGE)]  # noqa: RUF012

    async def _tela(
        self,
        request: Request[Any, Any, Any],
        *,
        status: int = 200,
        erro: ErroApi | None = None,
        valores: dict[str, str] | None = None,
    ) -> Response[str]:
        dados = await Api(request).get("/api/usuarios", limit=200)
        return pagina(
            request,
            "usuarios/lista.html",
            status=status,
            titulo="Usuários",
            dados=dados,
            papeis=PAPEIS,
            roles=[r.value for r in Role],
            permissoes=tabela_de_permissoes(),
            segundo_fator=sorted(r.value for r in SEGUNDO_FATOR),
            erro=erro.detail if erro else None,
            erros=erro.erros if erro else {},
            valores=valores or {},
        )

    @get("/", name="ui:usuarios")
    async def lista(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Users and the role table."""
        return await self._tela(request)

    @post("/", name="ui:usuario-criar")
    async def criar(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """A new staff user (first login enrols the second factor when the role needs it)."""
        v = await campos(request)
        senha = (await request.form()).get("password", "")
        corpo = {
            "email": v.get("email", ""),
            "nome": v.get("nome", ""),
            "role": v.get("role", ""),
            "password": senha,
        }
        try:
            await Api(request).post("/api/usuarios", corpo)
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(request, status=erro.status, erro=erro, valores=v)
        return ir_para("/app/usuarios", aviso="usuario_criado")

    @post("/{user_id:uuid}", name="ui:usuario-atualizar")
    async def atualizar(self, request: Request[Any, Any, Any], user_id: FromPath[uuid.UUID]) -> Response[Any]:
        """Change role or active flag."""
        v = await campos(request)
        corpo: dict[str, Any] = {}
        if v.get("role"):
            corpo["role"] = v["role"]
        if v.get("active") in ("sim", "nao"):
            corpo["active"] = v["active"] == "sim"
        await Api(request).patch(f"/api/usuarios/{user_id}", corpo)
        return ir_para("/app/usuarios", aviso="usuario_atualizado")

    @post("/{user_id:uuid}/desbloqueio", name="ui:usuario-desbloquear")
    async def desbloquear(
        self, request: Request[Any, Any, Any], user_id: FromPath[uuid.UUID]
    ) -> Response[Any]:
        """Lift a lockout."""
        await Api(request).post(f"/api/usuarios/{user_id}/desbloqueio")
        return ir_para("/app/usuarios", aviso="usuario_desbloqueado")
