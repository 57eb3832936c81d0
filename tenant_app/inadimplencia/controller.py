"""``/api/inadimplencia``: report and the exclusion routine."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from tenant_app import calendario
from tenant_app.erros import RegraVioladaError
from tenant_app.http.idempotencia import ChaveIdempotencia, uma_vez
from tenant_app.inadimplencia import service
from tenant_app.inadimplencia.schemas import ExclusaoAutomaticaIn, ExclusaoAutomaticaOut, RelatorioOut
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission


class InadimplenciaController(Controller):
    """Delinquency."""

    path = "/api/inadimplencia"
    tags = ["inadimplencia"]  # noqa: RUF012

    @get(
        "/",
        operation_id="delinquencyReport",
        name="inadimplencia:report",
        guards=[requires(Permission.INADIMPLENCIA_READ)],
    )
    async def report(
        self,
        uow: NamedDependency[UnitOfWork],
        grupo_id: Annotated[uuid.UUID | None, QueryParameter(name="grupo_id")] = None,
        ref_date: Annotated[date | None, QueryParameter(name="data")] = None,
        minimo_parcelas: Annotated[int, QueryParameter(name="minimo_parcelas", ge=1, le=600)] = 1,
    ) -> RelatorioOut:
        """Cotas in arrears with multa and juros as of ``data`` (default today)."""
        ref = ref_date or calendario.hoje()
        items, total = await service.relatorio(uow.session, ref, grupo_id, minimo_parcelas)
        return RelatorioOut(data_referencia=ref, cotas=items, total_cotas=len(items), total_devido=total)

    @post(
        "/exclusoes",
        operation_id="runDefaultExclusions",
        name="inadimplencia:exclusions",
        guards=[requires(Permission.INADIMPLENCIA_RUN)],
        status_code=200,
    )
    async def run_exclusions(
        self,
        data: JSONBody[ExclusaoAutomaticaIn],
        uow: NamedDependency[UnitOfWork],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[ExclusaoAutomaticaOut]:
        """Run the daily default-exclusion routine now, as of ``data`` (today or a past day; default
        today). Requires Idempotency-Key (428 without it)."""
        hoje = calendario.hoje()
        ref = data.data or hoje
        if ref > hoje:
            # A future day counts parcelas that are not yet due as late and would exclude early.
            raise RegraVioladaError(
                "A data de referência não pode ser futura: parcelas ainda não vencidas contariam como "
                "atrasadas.",
                campo="data",
                code="data_futura",
            )

        async def trabalho() -> ExclusaoAutomaticaOut:
            excluded = await service.run_automatic_exclusions(uow, ref)
            return ExclusaoAutomaticaOut(data_referencia=ref, excluidas=excluded)

        return await uma_vez(uow, "exclusoes_automaticas", idempotency_key, (ref.isoformat(),), trabalho)
