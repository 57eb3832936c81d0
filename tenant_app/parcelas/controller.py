"""``/api/cotas/{id}/parcelas`` and the cota's balance."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from tenant_app import calendario
from tenant_app.parcelas import consultas
from tenant_app.parcelas.models import StatusParcela
from tenant_app.parcelas.schemas import ParcelaOut, SaldoCotaOut
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

READ = [requires(Permission.COTAS_READ)]


class ParcelaController(Controller):
    """The schedule of a cota."""

    path = "/api/cotas"
    tags = ["parcelas"]  # noqa: RUF012

    @get("/{cota_id:uuid}/parcelas", operation_id="listParcelas", name="parcelas:list", guards=READ)
    async def list_parcelas(
        self,
        cota_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
        status: Annotated[StatusParcela | None, QueryParameter(name="status")] = None,
        ref_date: Annotated[
            date | None, QueryParameter(name="data", description="Data de referência dos encargos")
        ] = None,
    ) -> list[ParcelaOut]:
        """The whole schedule (at most ``prazo`` rows), late charges as of ``data`` (default today)."""
        return await consultas.cronograma(uow.session, cota_id, ref_date or calendario.hoje(), status)

    @get("/{cota_id:uuid}/saldo", operation_id="saldoCota", name="parcelas:saldo", guards=READ)
    async def saldo(
        self,
        cota_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
        ref_date: Annotated[date | None, QueryParameter(name="data")] = None,
    ) -> SaldoCotaOut:
        """Outstanding principal and late charges on ``data`` (default today)."""
        return await consultas.saldo(uow.session, cota_id, ref_date or calendario.hoje())
