"""``/api/grupos``."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.params import QueryParameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.auditoria.trail import commit
from tenant_app.auth.guards import requires
from tenant_app.grupos import service
from tenant_app.grupos.models import Grupo, StatusGrupo, TipoBem
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
from tenant_app.http.pagination import PageParams, Pagina, paginate, provide_page_params
from tenant_app.http.schemas import to_schema
from tenant_app.ledger.service import reconcile
from tenant_app.parcelas.schedule import first_parcela_breakdown
from tenant_app.parcelas.service import plano_of
from tenant_app.users.roles import Permission

READ = [requires(Permission.GRUPOS_READ)]
WRITE = [requires(Permission.GRUPOS_WRITE)]


class GrupoController(Controller):
    """Groups and their lifecycle."""

    path = "/api/grupos"
    tags = ["grupos"]  # noqa: RUF012
    dependencies = {"page": provide_page_params}  # noqa: RUF012

    @get("/", operation_id="listGrupos", name="grupos:list", guards=READ)
    async def list_grupos(
        self,
        db_session: AsyncSession,
        page: PageParams,
        status: Annotated[StatusGrupo | None, QueryParameter(name="status")] = None,
        tipo_bem: Annotated[TipoBem | None, QueryParameter(name="tipo_bem")] = None,
    ) -> Pagina[GrupoOut]:
        """Groups, filtered by status and kind of good."""
        stmt = select(Grupo).order_by(Grupo.codigo)
        if status is not None:
            stmt = stmt.where(Grupo.status == status)
        if tipo_bem is not None:
            stmt = stmt.where(Grupo.tipo_bem == tipo_bem)
        rows, total = await paginate(db_session, stmt, page)
        return Pagina(
            items=[to_schema(GrupoOut, g) for g in rows], total=total, limit=page.limit, offset=page.offset
        )

    @post("/", operation_id="createGrupo", name="grupos:create", guards=WRITE)
    async def create_grupo(self, data: GrupoCreate, db_session: AsyncSession) -> GrupoOut:
        """A new group em formação."""
        grupo = await service.create_grupo(db_session, data)
        await commit(db_session)
        return to_schema(GrupoOut, grupo)

    @get("/{grupo_id:uuid}", operation_id="getGrupo", name="grupos:get", guards=READ)
    async def get_grupo(self, grupo_id: uuid.UUID, db_session: AsyncSession) -> GrupoOut:
        """One group."""
        return to_schema(GrupoOut, await service.get_grupo(db_session, grupo_id))

    @patch("/{grupo_id:uuid}", operation_id="updateGrupo", name="grupos:update", guards=WRITE)
    async def update_grupo(
        self, grupo_id: uuid.UUID, data: GrupoUpdate, db_session: AsyncSession
    ) -> GrupoOut:
        """Change contract parameters (em formação only)."""
        grupo = await service.update_grupo(db_session, grupo_id, data)
        await commit(db_session)
        return to_schema(GrupoOut, grupo)

    @post(
        "/{grupo_id:uuid}/inicio",
        operation_id="startGrupo",
        name="grupos:start",
        guards=WRITE,
        status_code=200,
    )
    async def start(self, grupo_id: uuid.UUID, data: InicioIn, db_session: AsyncSession) -> GrupoOut:
        """em formação → em andamento; generates the schedules of all active cotas."""
        grupo, _ = await service.start_grupo(db_session, grupo_id, data.data_inicio)
        await commit(db_session)
        return to_schema(GrupoOut, grupo)

    @post(
        "/{grupo_id:uuid}/encerramento",
        operation_id="closeGrupo",
        name="grupos:close",
        guards=WRITE,
        status_code=200,
    )
    async def close(self, grupo_id: uuid.UUID, db_session: AsyncSession) -> GrupoOut:
        """em andamento → encerrado, when every active cota is contemplated and paid."""
        grupo = await service.close_grupo(db_session, grupo_id, date.today())
        await commit(db_session)
        return to_schema(GrupoOut, grupo)

    @post(
        "/{grupo_id:uuid}/correcao",
        operation_id="correctGrupo",
        name="grupos:correct",
        guards=WRITE,
        status_code=200,
    )
    async def correct(self, grupo_id: uuid.UUID, data: CorrecaoIn, db_session: AsyncSession) -> GrupoOut:
        """Apply the contract's index to the credit and the remaining parcelas."""
        grupo, _ = await service.correct_grupo(db_session, grupo_id, data)
        await commit(db_session)
        return to_schema(GrupoOut, grupo)

    @get("/{grupo_id:uuid}/fundos", operation_id="grupoFundos", name="grupos:fundos", guards=READ)
    async def fundos(self, grupo_id: uuid.UUID, db_session: AsyncSession) -> Reconciliacao:
        """Fundo comum / fundo de reserva balances reconciled with ledger and payments."""
        await service.get_grupo(db_session, grupo_id)
        return Reconciliacao(**(await reconcile(db_session, grupo_id)))  # type: ignore[arg-type]

    @get("/{grupo_id:uuid}/plano", operation_id="grupoPlano", name="grupos:plano", guards=READ)
    async def plano(self, grupo_id: uuid.UUID, db_session: AsyncSession) -> PlanoOut:
        """The first parcela broken down in R$ and % of the credit."""
        grupo = await service.get_grupo(db_session, grupo_id)
        breakdown = first_parcela_breakdown(plano_of(grupo), grupo.prazo_meses)
        return PlanoOut(
            prazo_meses=grupo.prazo_meses,
            valor_credito=grupo.valor_credito,
            primeira_parcela={k: ComponentePlano(v["valor"], v["percentual"]) for k, v in breakdown.items()},
        )
