"""``/api/grupos``: parse, call one service, shape the answer."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from tenant_app.grupos import service
from tenant_app.grupos.models import StatusGrupo, TipoBem
from tenant_app.grupos.schemas import (
    ComponentePlano,
    CorrecaoIn,
    GrupoCreate,
    GrupoOut,
    GrupoUpdate,
    InicioIn,
    PlanoOut,
    Reconciliacao,
)
from tenant_app.http.idempotencia import ChaveIdempotencia, uma_vez
from tenant_app.http.pagination import PAGE_DEPENDENCY, PageParams, Pagina
from tenant_app.http.schemas import to_schema
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

READ = [requires(Permission.GRUPOS_READ)]
WRITE = [requires(Permission.GRUPOS_WRITE)]


class GrupoController(Controller):
    """Groups and their lifecycle."""

    path = "/api/grupos"
    tags = ["grupos"]  # noqa: RUF012
    dependencies = PAGE_DEPENDENCY

    @get("/", operation_id="listGrupos", name="grupos:list", guards=READ)
    async def list_grupos(
        self,
        uow: NamedDependency[UnitOfWork],
        page: NamedDependency[PageParams],
        status: Annotated[StatusGrupo | None, QueryParameter(name="status")] = None,
        tipo_bem: Annotated[TipoBem | None, QueryParameter(name="tipo_bem")] = None,
    ) -> Pagina[GrupoOut]:
        """Groups, filtered by status and kind of good."""
        rows, total = await service.listar_grupos(uow.session, page, status=status, tipo_bem=tipo_bem)
        return Pagina(
            items=[to_schema(GrupoOut, g) for g in rows], total=total, limit=page.limit, offset=page.offset
        )

    @post("/", operation_id="createGrupo", name="grupos:create", guards=WRITE)
    async def create_grupo(self, data: JSONBody[GrupoCreate], uow: NamedDependency[UnitOfWork]) -> GrupoOut:
        """A new group em formação."""
        return to_schema(GrupoOut, await service.create_grupo(uow, data))

    @get("/{grupo_id:uuid}", operation_id="getGrupo", name="grupos:get", guards=READ)
    async def get_grupo(self, grupo_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]) -> GrupoOut:
        """One group."""
        return to_schema(GrupoOut, await service.get_grupo(uow.session, grupo_id))

    @patch("/{grupo_id:uuid}", operation_id="updateGrupo", name="grupos:update", guards=WRITE)
    async def update_grupo(
        self, grupo_id: FromPath[uuid.UUID], data: JSONBody[GrupoUpdate], uow: NamedDependency[UnitOfWork]
    ) -> GrupoOut:
        """Change contract parameters (em formação only)."""
        return to_schema(GrupoOut, await service.update_grupo(uow, grupo_id, data))

    @post(
        "/{grupo_id:uuid}/inicio",
        operation_id="startGrupo",
        name="grupos:start",
        guards=WRITE,
        status_code=200,
    )
    async def start(
        self, grupo_id: FromPath[uuid.UUID], data: JSONBody[InicioIn], uow: NamedDependency[UnitOfWork]
    ) -> GrupoOut:
        """em formação → em andamento; generates the schedules of all active cotas."""
        grupo, _ = await service.start_grupo(uow, grupo_id, data.data_inicio)
        return to_schema(GrupoOut, grupo)

    @post(
        "/{grupo_id:uuid}/correcao",
        operation_id="correctGrupo",
        name="grupos:correct",
        guards=WRITE,
        status_code=200,
    )
    async def correct(
        self,
        grupo_id: FromPath[uuid.UUID],
        data: JSONBody[CorrecaoIn],
        uow: NamedDependency[UnitOfWork],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[GrupoOut]:
        """Apply the contract's index to the credit and the remaining parcelas.

        Changes what every cota owes: requires Idempotency-Key (428 without it).
        """

        async def trabalho() -> GrupoOut:
            grupo, _ = await service.correct_grupo(uow, grupo_id, data)
            return to_schema(GrupoOut, grupo)

        return await uma_vez(
            uow, "correcao_grupo", idempotency_key, (str(grupo_id), msgspec.json.encode(data)), trabalho
        )

    @get("/{grupo_id:uuid}/fundos", operation_id="grupoFundos", name="grupos:fundos", guards=READ)
    async def fundos(self, grupo_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]) -> Reconciliacao:
        """Fundo comum / fundo de reserva balances reconciled with ledger and payments."""
        return Reconciliacao(**(await service.conciliar(uow.session, grupo_id)))  # type: ignore[arg-type]

    @get("/{grupo_id:uuid}/plano", operation_id="grupoPlano", name="grupos:plano", guards=READ)
    async def plano(self, grupo_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]) -> PlanoOut:
        """The first parcela broken down in R$ and % of the credit."""
        grupo, breakdown = await service.plano(uow.session, grupo_id)
        return PlanoOut(
            prazo_meses=grupo.prazo_meses,
            valor_credito=grupo.valor_credito,
            primeira_parcela={k: ComponentePlano(v["valor"], v["percentual"]) for k, v in breakdown.items()},
        )
