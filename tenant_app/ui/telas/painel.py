"""The dashboard: arrecadação do mês vs previsto, inadimplência, cotas, próximas assembleias, charts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, Response, get

from tenant_app.ui.api import Api
from tenant_app.ui.formatos import dinheiro
from tenant_app.ui.graficos import Serie, barras_agrupadas, proporcao
from tenant_app.ui.paginas import pagina
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

MESES = ("jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez")


def _mes_curto(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{MESES[d.month - 1]}/{d.year % 100:02d}"


def _reais_curto(valor: Decimal) -> str:
    """Axis labels: ``R$ 12 mil``, ``R$ 1,5 mi``."""
    if valor >= 1_000_000:
        return "R$ " + f"{valor / 1_000_000:.1f}".replace(".", ",") + " mi"
    if valor >= 1_000:
        return f"R$ {valor / 1000:.0f} mil"
    return dinheiro(valor)


class PainelController(Controller):
    """``/app/``."""

    path = "/"
    guards = [requires(Permission.GRUPOS_READ), requires(Permission.PAGAMENTOS_READ)]  # noqa: RUF012

    @get("/", name="ui:painel")
    async def painel(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The diretor's numbers."""
        dados = await Api(request).get("/api/painel")
        meses = dados["meses"]
        grafico = barras_agrupadas(
            "Arrecadação mensal: previsto e arrecadado",
            [_mes_curto(m["mes"]) for m in meses],
            [
                Serie("Previsto", [Decimal(m["previsto"]) for m in meses]),
                Serie("Arrecadado", [Decimal(m["arrecadado"]) for m in meses]),
            ],
            _reais_curto,
        )
        em_dia = dados["cotas_ativas"] - dados["cotas_inadimplentes"]
        barra_cotas = proporcao(
            "Cotas ativas", [("Em dia", em_dia), ("Inadimplentes", dados["cotas_inadimplentes"])]
        )
        previsto = Decimal(dados["previsto_mes"])
        realizado = (Decimal(dados["arrecadado_mes"]) * 100 / previsto) if previsto else None
        return pagina(
            request,
            "painel.html",
            titulo="Painel",
            dados=dados,
            grafico=grafico,
            barra_cotas=barra_cotas,
            realizado=realizado,
            mes_curto=_mes_curto,
        )
