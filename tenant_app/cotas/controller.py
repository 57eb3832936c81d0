"""Cota routes: ``/api/grupos/{id}/cotas`` and ``/api/cotas/{id}``."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import QueryParameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.auditoria.trail import commit
from tenant_app.auth.guards import requires
from tenant_app.auth.tokens import CurrentUser
from tenant_app.cotas import service
from tenant_app.cotas.models import Cota, StatusCota
from tenant_app.cotas.schemas import AdesaoIn, CessaoIn, CotaOut, ExclusaoIn
from tenant_app.grupos.service import get_grupo
from tenant_app.http.pagination import PageParams, Pagina, paginate_rows, provide_page_params
from tenant_app.http.schemas import to_schema
from tenant_app.users.roles import Permission

READ = [requires(Permission.COTAS_READ)]
WRITE = [requires(Permission.COTAS_WRITE)]


class CotaController(Controller):
    """Selling, transferring, excluding and readmitting cotas."""

    path = "/api"
    tags = ["cotas"]  # noqa: RUF012
    dependencies = {"page": provide_page_params}  # noqa: RUF012

    @get("/grupos/{grupo_id:uuid}/cotas", operation_id="listCotas", name="cotas:list", guards=READ)
    async def list_cotas(
        self,
        grupo_id: uuid.UUID,
        db_session: AsyncSession,
        page: PageParams,
        status: Annotated[StatusCota | None, QueryParameter(name="status")] = None,
        contemplada: Annotated[bool | None, QueryParameter(name="contemplada")] = None,
        consorciado_id: Annotated[uuid.UUID | None, QueryParameter(name="consorciado_id")] = None,
    ) -> Pagina[CotaOut]:
        """The group's cotas by number, with filters."""
        # Column select, not ORM objects: this is the busiest list of the app.
        stmt = select(*(Cota.__table__.c[name] for name in CotaOut.__struct_fields__))
        stmt = stmt.where(Cota.grupo_id == grupo_id).order_by(Cota.numero)
        if status is not None:
            stmt = stmt.where(Cota.status == status)
        if contemplada is not None:
            stmt = stmt.where(Cota.contemplada.is_(contemplada))
        if consorciado_id is not None:
            stmt = stmt.where(Cota.consorciado_id == consorciado_id)
        rows, total = await paginate_rows(db_session, stmt, page)
        if total == 0:
            await get_grupo(db_session, grupo_id)  # 404 for an unknown group, only checked when empty
        fields = CotaOut.__struct_fields__
        items = [CotaOut(**{f: row[f] for f in fields}) for row in rows]
        return Pagina(items=items, total=total, limit=page.limit, offset=page.offset)

    @post("/grupos/{grupo_id:uuid}/cotas", operation_id="adesao", name="cotas:adesao", guards=WRITE)
    async def adesao(
        self,
        grupo_id: uuid.UUID,
        data: AdesaoIn,
        db_session: AsyncSession,
        request: Request[CurrentUser, str, State],
    ) -> CotaOut:
        """A consorciado joins the group (10 % cap checked)."""
        cota = await service.adesao(
            db_session,
            grupo_id,
            data.consorciado_id,
            data.numero,
            data.data_adesao or date.today(),
            request.user.id,
        )
        await commit(db_session)
        return to_schema(CotaOut, cota)

    @get("/cotas/{cota_id:uuid}", operation_id="getCota", name="cotas:get", guards=READ)
    async def get_cota(self, cota_id: uuid.UUID, db_session: AsyncSession) -> CotaOut:
        """One cota."""
        return to_schema(CotaOut, await service.get_cota(db_session, cota_id))

    @post(
        "/cotas/{cota_id:uuid}/cessao",
        operation_id="cessao",
        name="cotas:cessao",
        guards=WRITE,
        status_code=200,
    )
    async def cessao(
        self,
        cota_id: uuid.UUID,
        data: CessaoIn,
        db_session: AsyncSession,
        request: Request[CurrentUser, str, State],
    ) -> CotaOut:
        """Transfer the cota to another consorciado."""
        cota = await service.cessao(db_session, cota_id, data.consorciado_id, data.motivo, request.user.id)
        await commit(db_session)
        return to_schema(CotaOut, cota)

    @post(
        "/cotas/{cota_id:uuid}/exclusao",
        operation_id="exclusao",
        name="cotas:exclusao",
        guards=WRITE,
        status_code=200,
    )
    async def exclusao(
        self,
        cota_id: uuid.UUID,
        data: ExclusaoIn,
        db_session: AsyncSession,
        request: Request[CurrentUser, str, State],
    ) -> CotaOut:
        """Exclude the cota (never a contemplated one)."""
        cota = await service.exclusao(
            db_session, cota_id, data.motivo, date.today(), request.user.id, data.observacao
        )
        await commit(db_session)
        return to_schema(CotaOut, cota)

    @post(
        "/cotas/{cota_id:uuid}/readmissao",
        operation_id="readmissao",
        name="cotas:readmissao",
        guards=WRITE,
        status_code=200,
    )
    async def readmissao(
        self, cota_id: uuid.UUID, db_session: AsyncSession, request: Request[CurrentUser, str, State]
    ) -> CotaOut:
        """Readmit an excluded cota."""
        cota = await service.readmissao(db_session, cota_id, request.user.id)
        await commit(db_session)
        return to_schema(CotaOut, cota)
