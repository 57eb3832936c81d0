"""Routes: an assembleia's sealed lances."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from tenant_app.assembleias import lances_service
from tenant_app.assembleias.controller.respostas import (
    READ,
    WRITE,
    lance_out,
)
from tenant_app.assembleias.schemas import (
    LanceCreate,
    LanceOut,
)
from tenant_app.unit_of_work import UnitOfWork


class LancesController(Controller):
    """An assembleia's lances: registered sealed, listed and withdrawn before the cut-off."""

    path = "/api/assembleias/{assembleia_id:uuid}"
    tags = ["assembleias"]  # noqa: RUF012

    @post("/lances", operation_id="registrarLance", name="assembleias:lance", guards=WRITE)
    async def registrar_lance(
        self,
        state: State,
        uow: NamedDependency[UnitOfWork],
        assembleia_id: FromPath[uuid.UUID],
        data: JSONBody[LanceCreate],
    ) -> LanceOut:
        """Register a sealed bid; the receipt is the only place it shows before the apuração."""
        row, numero = await lances_service.registrar_lance(
            uow, assembleia_id, data, uow.actor.user_id, state.settings.time_zone
        )
        return lance_out(row, numero)

    @get("/lances", operation_id="listLances", name="assembleias:lances", guards=READ)
    async def list_lances(
        self, uow: NamedDependency[UnitOfWork], assembleia_id: FromPath[uuid.UUID]
    ) -> list[LanceOut]:
        """Every lance, only after the apuração (sealed until then)."""
        return [lance_out(r, n) for r, n in await lances_service.listar_lances(uow.session, assembleia_id)]

    @get("/lances/{lance_id:uuid}", operation_id="getLance", name="assembleias:lance-get", guards=WRITE)
    async def get_lance(
        self,
        uow: NamedDependency[UnitOfWork],
        assembleia_id: FromPath[uuid.UUID],
        lance_id: FromPath[uuid.UUID],
    ) -> LanceOut:
        """One lance; its percentages stay sealed (null) until the apuração."""
        row, numero, selado = await lances_service.consultar_lance(uow.session, assembleia_id, lance_id)
        return lance_out(row, numero, selado=selado)

    @delete(
        "/lances/{lance_id:uuid}",
        operation_id="cancelarLance",
        name="assembleias:lance-cancelar",
        guards=WRITE,
        status_code=200,
    )
    async def cancelar_lance(
        self,
        uow: NamedDependency[UnitOfWork],
        assembleia_id: FromPath[uuid.UUID],
        lance_id: FromPath[uuid.UUID],
    ) -> LanceOut:
        """Withdraw a bid before the cut-off (the answer keeps its percentages sealed)."""
        row, numero = await lances_service.cancelar_lance(uow, assembleia_id, lance_id)
        return lance_out(row, numero, selado=True)
