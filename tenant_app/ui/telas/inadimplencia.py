"""Inadimplência: who is late, by how much and how to reach them; and the exclusion routine.

The routine excludes the cotas the contract's rules say must go (parcelas vencidas beyond the
grupo's limit, after the notice period). It normally runs every night; the gestor can run it
now, for example after a retorno settled a batch of late parcelas. An exclusion moves the
cota's money to restitution, so the form carries an Idempotency-Key (a double submit runs once).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post

from tenant_app import calendario
from tenant_app.ui.api import Api, ErroApi
from tenant_app.ui.formularios import campos, nova_chave
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission


class InadimplenciaController(Controller):
    """``/app/inadimplencia``."""

    path = "/inadimplencia"
    guards = [requires(Permission.INADIMPLENCIA_READ)]  # noqa: RUF012

    @get("/", name="ui:inadimplencia")
    async def relatorio(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The delinquency report (optionally one grupo, a minimum of late parcelas)."""
        return await self._tela(request)

    async def _tela(
        self,
        request: Request[Any, Any, Any],
        *,
        status: int = 200,
        erro: ErroApi | None = None,
        valores: dict[str, str] | None = None,
        excluidas: list[dict[str, Any]] | None = None,
    ) -> Response[str]:
        grupo_id = request.query_params.get("grupo_id") or None
        minimo = request.query_params.get("minimo_parcelas") or "1"
        api = Api(request)
        dados = await api.get("/api/inadimplencia", grupo_id=grupo_id, minimo_parcelas=minimo)
        grupos = (await api.get("/api/grupos", limit=200))["items"]
        return pagina(
            request,
            "inadimplencia/relatorio.html",
            status=status,
            titulo="Inadimplência",
            dados=dados,
            grupos=grupos,
            grupo_id=grupo_id or "",
            minimo=minimo,
            hoje=calendario.hoje().isoformat(),
            excluidas=excluidas,
            chave=(valores or {}).get("chave") if erro and valores else nova_chave(),
            valores=valores or {},
            erro=erro.detail if erro else None,
            erros=erro.erros if erro else {},
        )

    @post("/exclusoes", name="ui:exclusoes", guards=[requires(Permission.INADIMPLENCIA_RUN)])
    async def excluir(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Run the exclusion routine as of a day (default today) and list the cotas it excluded."""
        v = await campos(request)
        api = Api(request)
        try:
            # The cotas' names come from the report before the run: an excluded cota leaves it.
            antes = await api.get("/api/inadimplencia", data=v.get("data") or None, minimo_parcelas=1)
            resultado = await api.post(
                "/api/inadimplencia/exclusoes", {"data": v.get("data") or None}, chave=v.get("chave")
            )
        except ErroApi as erro:
            if erro.status >= 500 or erro.status in (403, 404):
                raise
            return await self._tela(request, status=erro.status, erro=erro, valores=v)
        return await self._tela(request, excluidas=cotas_excluidas(antes["cotas"], resultado["excluidas"]))


def cotas_excluidas(atrasadas: list[dict[str, Any]], ids: list[str]) -> list[dict[str, Any]]:
    """The excluded cotas with what the report said of them (an id it did not list keeps only
    its id). Pure."""
    por_id = {c["cota_id"]: c for c in atrasadas}
    return [por_id.get(i, {"cota_id": i}) for i in ids]
