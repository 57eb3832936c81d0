"""Movimento da cobrança: per day, what was issued, registered, settled, rejected and left to
identify; and, for one grupo, the arrecadação against what fell due (the financeiro's daily
reconciliation and the diretor's question "quanto do previsto entrou?")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, Response, get

from tenant_app import calendario
from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

SOMADOS = ("emitidos", "registrados", "liquidados", "rejeitados", "a_identificar")
VALORES = ("valor_emitido", "valor_liquidado", "valor_a_identificar")


def totais(dias: list[dict[str, Any]]) -> dict[str, Any]:
    """The period's line: counts and amounts summed (amounts as Decimal, never float). Pure."""
    linha: dict[str, Any] = {k: sum(int(d[k]) for d in dias) for k in SOMADOS}
    linha |= {k: sum((Decimal(d[k]) for d in dias), Decimal("0.00")) for k in VALORES}
    return linha


class MovimentoCobrancaController(Controller):
    """``/app/cobranca/movimento`` (pagamentos:read, like ``/api/cobranca/relatorios``)."""

    path = "/cobranca/movimento"
    guards = [requires(Permission.PAGAMENTOS_READ)]  # noqa: RUF012

    @get("/", name="ui:cobranca-movimento")
    async def tela(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The period (default: this month to today) day by day, and a grupo's arrecadação if chosen."""
        hoje = calendario.hoje()
        desde = request.query_params.get("desde") or hoje.replace(day=1).isoformat()
        ate = request.query_params.get("ate") or hoje.isoformat()
        grupo_id = request.query_params.get("grupo_id") or ""
        api = Api(request)
        grupos = (await api.get("/api/grupos", limit=200))["items"]
        dias: list[dict[str, Any]] = []
        arrecadacao = None
        erro = None
        try:
            dias = await api.get("/api/cobranca/relatorios/diario", desde=desde, ate=ate)
            if grupo_id:
                arrecadacao = await api.get(
                    f"/api/cobranca/relatorios/grupos/{grupo_id}", desde=desde, ate=ate
                )
        except ErroApi as falha:
            if falha.status not in (400, 422):
                raise
            erro = falha
        return pagina(
            request,
            "cobranca/movimento.html",
            status=erro.status if erro else 200,
            titulo="Movimento da cobrança",
            dias=dias,
            total=totais(dias),
            arrecadacao=arrecadacao,
            grupos=grupos,
            filtros={"desde": desde, "ate": ate, "grupo_id": grupo_id},
            hoje=date.isoformat(hoje),
            erro=erro.detail if erro else None,
            erros=erro.erros if erro else {},
        )
