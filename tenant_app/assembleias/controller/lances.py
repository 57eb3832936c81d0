"""Routes: an assembleia's sealed lances."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.assembleias import apuracao_service, lances_service
from tenant_app.assembleias.controller.respostas import (
    READ,
    WRITE,
    com_motivo,
    lance_out,
    motivos_dos_lances,
)
from tenant_app.assembleias.schemas import (
    LanceCreate,
    LanceOut,
    MotivoLanceOut,
)
from tenant_app.erros import NaoEncontrado
from tenant_app.unit_of_work import UnitOfWork


class LancesController(Controller):
    """An assembleia's lances: registered sealed, listed and withdrawn before the cut-off."""

    path = "/api/assembleias/{assembleia_id:uuid}"
    tags = ["assembleias"]  # noqa: RUF012

    @post("/lances", operation_id="registrarLance", name="assembleias:lance", guards=WRITE)
    async def registrar_lance(
        self,
        uow: NamedDependency[UnitOfWork],
        assembleia_id: FromPath[uuid.UUID],
        data: JSONBody[LanceCreate],
    ) -> LanceOut:
        """Register a sealed bid; the receipt is the only place it shows before the apuração."""
        row, numero = await lances_service.registrar_lance(uow, assembleia_id, data, uow.actor.user_id)
        return lance_out(row, numero)

    @get("/lances", operation_id="listLances", name="assembleias:lances", guards=READ)
    async def list_lances(
        self, uow: NamedDependency[UnitOfWork], assembleia_id: FromPath[uuid.UUID]
    ) -> list[LanceOut]:
        """Every lance, only after the apuração (sealed until then), each with the apuração's reason."""
        lances = await lances_service.listar_lances(uow.session, assembleia_id)
        motivos = await _motivos(uow.session, assembleia_id)
        return [com_motivo(lance_out(r, n), motivos) for r, n in lances]

    @get("/lances/{lance_id:uuid}", operation_id="getLance", name="assembleias:lance-get", guards=WRITE)
    async def get_lance(
        self,
        uow: NamedDependency[UnitOfWork],
        assembleia_id: FromPath[uuid.UUID],
        lance_id: FromPath[uuid.UUID],
    ) -> LanceOut:
        """One lance; its percentages stay sealed (null) until the apuração."""
        row, numero, selado = await lances_service.consultar_lance(uow.session, assembleia_id, lance_id)
        lance = lance_out(row, numero, selado=selado)
        return lance if selado else com_motivo(lance, await _motivos(uow.session, assembleia_id))

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


async def _motivos(session: AsyncSession, assembleia_id: uuid.UUID) -> dict[int, MotivoLanceOut]:
    """The reasons of the assembleia's latest apuração, by cota (none before it)."""
    try:
        apuracao, _ = await apuracao_service.get_apuracao(session, assembleia_id)
    except NaoEncontrado:
        return {}
    return motivos_dos_lances(apuracao)
