"""Auditoria (the hash-chained trail, filtered, and its verification) and the inadimplência report."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get

from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

LIMITE = 50
FILTROS = ("entidade", "entidade_id", "acao", "desde", "ate")


def _offset(request: Request[Any, Any, Any]) -> int:
    try:
        return max(int(request.query_params.get("offset", 0)), 0)
    except ValueError:
        return 0


class AuditoriaController(Controller):
    """``/app/auditoria`` (auditor and admin, like ``/api/auditoria``)."""

    path = "/auditoria"
    guards = [requires(Permission.AUDITORIA_READ)]  # noqa: RUF012

    @get("/", name="ui:auditoria")
    async def trilha(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The trail, newest first, with the chain's verification on request."""
        filtros = {k: request.query_params.get(k, "") for k in FILTROS}
        offset = _offset(request)
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


class InadimplenciaController(Controller):
    """``/app/inadimplencia``: who is late, by how much, and how to reach them."""

    path = "/inadimplencia"
    guards = [requires(Permission.INADIMPLENCIA_READ)]  # noqa: RUF012

    @get("/", name="ui:inadimplencia")
    async def relatorio(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The delinquency report (optionally one grupo, a minimum of late parcelas)."""
        grupo_id = request.query_params.get("grupo_id") or None
        minimo = request.query_params.get("minimo_parcelas") or "1"
        api = Api(request)
        dados = await api.get("/api/inadimplencia", grupo_id=grupo_id, minimo_parcelas=minimo)
        grupos = (await api.get("/api/grupos", limit=200))["items"]
        return pagina(
            request, "inadimplencia/relatorio.html", titulo="Inadimplência", dados=dados, grupos=grupos,
            grupo_id=grupo_id or "", minimo=minimo,
        )  # fmt: skip
