"""Cobrança reports: per day, and per grupo (arrecadação vs expected)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from tenant_app.cobranca import relatorios
from tenant_app.cobranca.controller.comum import LER
from tenant_app.cobranca.schemas import ArrecadacaoOut, DiaCobrancaOut
from tenant_app.http.schemas import to_schema
from tenant_app.unit_of_work import UnitOfWork

Desde = Annotated[date, QueryParameter(name="desde", description="AAAA-MM-DD, inclusive")]
Ate = Annotated[date, QueryParameter(name="ate", description="AAAA-MM-DD, inclusive (até 370 dias)")]


class RelatorioCobrancaController(Controller):
    path = "/api/cobranca/relatorios"
    tags = ["cobrança"]  # noqa: RUF012

    @get("/diario", operation_id="cobrancaDaily", summary="Cobrança por dia", guards=LER)
    async def diario(self, uow: NamedDependency[UnitOfWork], desde: Desde, ate: Ate) -> list[DiaCobrancaOut]:
        """Per day (Brasília dates) with any movement: títulos issued (count, value), registered by the
        bank, settled (count, value paid), rejected by the bank, and money to identify (count, value)."""
        return [to_schema(DiaCobrancaOut, d) for d in await relatorios.diario(uow, desde, ate)]

    @get(
        "/grupos/{grupo_id:uuid}",
        operation_id="cobrancaGrupo",
        summary="Arrecadação do grupo vs esperado",
        guards=LER,
    )
    async def grupo(
        self, grupo_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork], desde: Desde, ate: Ate
    ) -> ArrecadacaoOut:
        """What the grupo's parcelas due in the period add up to (``esperado``), what was received in it
        (``arrecadado``, per forma; lances excluded), what of the expected is still open, and the ratio."""
        a = await relatorios.arrecadacao_do_grupo(uow, grupo_id, desde, ate)
        return to_schema(ArrecadacaoOut, a, percentual=a.percentual)
