"""Auditoria: the hash-chained trail, filtered, and its verification."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get

from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formularios import deslocamento
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

LIMITE = 50
FILTROS = ("entidade", "entidade_id", "acao", "desde", "ate")


class AuditoriaController(Controller):
    """``/app/auditoria`` (auditor and admin, like ``/api/auditoria``)."""

    path = "/auditoria"
    guards = [requires(Permission.AUDITORIA_READ)]  # noqa: RUF012

    @get("/", name="ui:auditoria")
    async def trilha(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The trail, newest first, with the chain's verification on request."""
        filtros = {k: request.query_params.get(k, "") for k in FILTROS}
        offset = deslocamento(request)
        api = Api(request)
        erro = None
        try:
            dados = await api.get("/api/auditoria", **filtros, limit=LIMITE, offset=offset)
        except ErroApi as exc:
            if exc.status != 400:
                raise
            erro, dados = exc, {"items": [], "total": 0}
        verificacao = None
        if request.query_params.get("verificar"):
            verificacao = await api.get("/api/auditoria/verificacao")
        extra = "".join(f"&{k}={v}" for k, v in filtros.items() if v)
        return pagina(
            request, "auditoria/trilha.html", titulo="Auditoria", dados=dados, filtros=filtros, limite=LIMITE,
            offset=offset, extra=extra, verificacao=verificacao, erro=erro.detail if erro else None,
            erros=erro.erros if erro else {},
        )  # fmt: skip
