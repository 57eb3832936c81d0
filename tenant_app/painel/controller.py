"""``GET /api/painel``: the dashboard's numbers (anyone who reads grupos and payments)."""

from __future__ import annotations

from decimal import Decimal

from litestar import Controller, get
from litestar.datastructures import State
from litestar.di import NamedDependency

from tenant_app import calendario
from tenant_app.painel import consultas
from tenant_app.painel.schemas import MesOut, PainelOut, ProximaAssembleiaOut
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

DUAS = Decimal("0.01")
QUATRO = Decimal("0.0001")


class PainelController(Controller):
    """Read-only."""

    path = "/api/painel"
    tags = ["painel"]  # noqa: RUF012
    guards = [requires(Permission.GRUPOS_READ), requires(Permission.PAGAMENTOS_READ)]  # noqa: RUF012

    @get("/", operation_id="getPainel", name="painel:get")
    async def get_painel(self, uow: NamedDependency[UnitOfWork], state: State) -> PainelOut:
        """Arrecadação of the last six months vs previsto, inadimplência, cotas, next assembleias."""
        hoje = calendario.hoje()
        p = await consultas.painel(uow.session, hoje)
        return PainelOut(
            hoje=p.hoje,
            meses=[
                MesOut(
                    mes=m.inicio, previsto=m.previsto.quantize(DUAS), arrecadado=m.arrecadado.quantize(DUAS)
                )
                for m in p.meses
            ],
            arrecadado_mes=p.mes_atual.arrecadado.quantize(DUAS),
            previsto_mes=p.mes_atual.previsto.quantize(DUAS),
            cotas_ativas=p.cotas_ativas,
            cotas_contempladas=p.cotas_contempladas,
            cotas_inadimplentes=p.cotas_inadimplentes,
            inadimplencia_pct=p.inadimplencia_pct.quantize(QUATRO),
            grupos_em_andamento=p.grupos_em_andamento,
            proximas_assembleias=[
                ProximaAssembleiaOut(
                    id=a.id,
                    grupo_codigo=a.grupo_codigo,
                    numero=a.numero,
                    data_assembleia=a.data_assembleia,
                    status=a.status,
                )
                for a in p.proximas_assembleias
            ],
        )
