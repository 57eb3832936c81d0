"""Routes: regras-assembleia and assembleias under a grupo; one assembleia's lifecycle."""

from __future__ import annotations

import uuid

from litestar import Controller, get, patch, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from tenant_app.assembleias import service
from tenant_app.assembleias.controller.respostas import (
    READ,
    WRITE,
    regras_out,
)
from tenant_app.assembleias.models import (
    StatusAssembleia,
)
from tenant_app.assembleias.schemas import (
    AssembleiaCancelamentoIn,
    AssembleiaCreate,
    AssembleiaOut,
    AssembleiaUpdate,
    RegrasAssembleiaIn,
    RegrasAssembleiaOut,
)
from tenant_app.http.schemas import to_schema
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission


class RegrasAssembleiaController(Controller):
    """The group contract's assembleia parameters."""

    path = "/api/grupos/{grupo_id:uuid}/regras-assembleia"
    tags = ["assembleias"]  # noqa: RUF012

    @get("/", operation_id="getRegrasAssembleia", name="assembleias:regras", guards=READ)
    async def get_regras(
        self, uow: NamedDependency[UnitOfWork], grupo_id: FromPath[uuid.UUID]
    ) -> RegrasAssembleiaOut:
        """The stored rules (404 until entered)."""
        return regras_out(await service.get_regras(uow.session, grupo_id))

    @put(
        "/",
        operation_id="putRegrasAssembleia",
        name="assembleias:regras-definir",
        guards=[requires(Permission.GRUPOS_WRITE)],
    )
    async def put_regras(
        self,
        uow: NamedDependency[UnitOfWork],
        grupo_id: FromPath[uuid.UUID],
        data: JSONBody[RegrasAssembleiaIn],
    ) -> RegrasAssembleiaOut:
        """Enter or replace the rules; fixed once an assembleia was apurada."""
        row = await service.definir_regras(uow, grupo_id, data)
        return regras_out(row)


class AssembleiasDoGrupoController(Controller):
    """Assembleias of one group."""

    path = "/api/grupos/{grupo_id:uuid}/assembleias"
    tags = ["assembleias"]  # noqa: RUF012

    @post("/", operation_id="createAssembleia", name="assembleias:create", guards=WRITE)
    async def create(
        self,
        state: State,
        uow: NamedDependency[UnitOfWork],
        grupo_id: FromPath[uuid.UUID],
        data: JSONBody[AssembleiaCreate],
    ) -> AssembleiaOut:
        """Schedule an AGO: the cut-off (with time zone) in the future and on or before the date (422
        ``datas_invalidas`` otherwise). Requires the group's regras de assembleia only to open lances."""
        assembleia = await service.criar_assembleia(uow, grupo_id, data, state.settings.time_zone)
        return to_schema(AssembleiaOut, assembleia)

    @get("/", operation_id="listAssembleias", name="assembleias:list", guards=READ)
    async def list_assembleias(
        self, uow: NamedDependency[UnitOfWork], grupo_id: FromPath[uuid.UUID]
    ) -> list[AssembleiaOut]:
        """Every assembleia of the group, by number."""
        return [to_schema(AssembleiaOut, a) for a in await service.listar_assembleias(uow.session, grupo_id)]


class AssembleiaController(Controller):
    """One assembleia: read, correct, cancel, move through its lifecycle."""

    path = "/api/assembleias/{assembleia_id:uuid}"
    tags = ["assembleias"]  # noqa: RUF012

    @get("/", operation_id="getAssembleia", name="assembleias:get", guards=READ)
    async def get_assembleia(
        self, uow: NamedDependency[UnitOfWork], assembleia_id: FromPath[uuid.UUID]
    ) -> AssembleiaOut:
        """The assembleia."""
        return to_schema(AssembleiaOut, await service.get_assembleia(uow.session, assembleia_id))

    @patch("/", operation_id="corrigirAssembleia", name="assembleias:corrigir", guards=WRITE)
    async def corrigir(
        self,
        state: State,
        uow: NamedDependency[UnitOfWork],
        assembleia_id: FromPath[uuid.UUID],
        data: JSONBody[AssembleiaUpdate],
    ) -> AssembleiaOut:
        """Correct the date or the cut-off while agendada (409 once the lance window opened; audited)."""
        assembleia = await service.corrigir_assembleia(uow, assembleia_id, data, state.settings.time_zone)
        return to_schema(AssembleiaOut, assembleia)

    @post(
        "/cancelamento",
        operation_id="cancelarAssembleia",
        name="assembleias:cancelar",
        guards=WRITE,
        status_code=200,
    )
    async def cancelar(
        self,
        uow: NamedDependency[UnitOfWork],
        assembleia_id: FromPath[uuid.UUID],
        data: JSONBody[AssembleiaCancelamentoIn],
    ) -> AssembleiaOut:
        """Call off an agendada assembleia (409 once the lance window opened); the reason is audited."""
        assembleia = await service.cancelar_assembleia(uow, assembleia_id, data.motivo)
        return to_schema(AssembleiaOut, assembleia)

    @post(
        "/abertura-lances",
        operation_id="abrirLances",
        name="assembleias:abrir",
        guards=WRITE,
        status_code=200,
    )
    async def abrir(
        self, uow: NamedDependency[UnitOfWork], assembleia_id: FromPath[uuid.UUID]
    ) -> AssembleiaOut:
        """agendada → recebendo lances."""
        assembleia = await service.avancar(uow, assembleia_id, StatusAssembleia.RECEBENDO_LANCES)
        return to_schema(AssembleiaOut, assembleia)

    @post(
        "/encerramento",
        operation_id="encerrarAssembleia",
        name="assembleias:encerrar",
        guards=WRITE,
        status_code=200,
    )
    async def encerrar(
        self, uow: NamedDependency[UnitOfWork], assembleia_id: FromPath[uuid.UUID]
    ) -> AssembleiaOut:
        """apurada → encerrada."""
        assembleia = await service.avancar(uow, assembleia_id, StatusAssembleia.ENCERRADA)
        return to_schema(AssembleiaOut, assembleia)
