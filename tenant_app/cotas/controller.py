"""Cota routes: ``/api/grupos/{id}/cotas`` and ``/api/cotas/{id}``."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from tenant_app import calendario
from tenant_app.cotas import service
from tenant_app.cotas.models import StatusCota
from tenant_app.cotas.schemas import AdesaoIn, CessaoIn, CotaOut, ExclusaoIn
from tenant_app.http.idempotencia import ChaveIdempotencia, uma_vez
from tenant_app.http.pagination import DEFAULT_LIMIT, PAGE_DEPENDENCY, Limit, Offset, PageParams, Pagina
from tenant_app.http.schemas import to_schema
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

READ = [requires(Permission.COTAS_READ)]
WRITE = [requires(Permission.COTAS_WRITE)]


class CotaController(Controller):
    """Selling, transferring, excluding and readmitting cotas."""

    path = "/api"
    tags = ["cotas"]  # noqa: RUF012
    dependencies = PAGE_DEPENDENCY

    @get("/grupos/{grupo_id:uuid}/cotas", operation_id="listCotas", name="cotas:list", guards=READ)
    async def list_cotas(
        self,
        grupo_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
        status: Annotated[StatusCota | None, QueryParameter(name="status")] = None,
        contemplada: Annotated[bool | None, QueryParameter(name="contemplada")] = None,
        consorciado_id: Annotated[uuid.UUID | None, QueryParameter(name="consorciado_id")] = None,
    ) -> Pagina[CotaOut]:
        """The group's cotas by number, with filters."""
        # The page's query parameters taken here, not through the ``page`` dependency: a
        # second dependency makes Litestar resolve both in an anyio task group (~0.4 ms CPU
        # per request on the busiest read).
        page = PageParams(limit=limit, offset=offset)
        fields = CotaOut.__struct_fields__
        rows, total = await service.listar_cotas(
            uow.session,
            grupo_id,
            fields,
            page,
            status=status,
            contemplada=contemplada,
            consorciado_id=consorciado_id,
        )
        items = [CotaOut(**{f: row[f] for f in fields}) for row in rows]
        return Pagina(items=items, total=total, limit=page.limit, offset=page.offset)

    @post("/grupos/{grupo_id:uuid}/cotas", operation_id="adesao", name="cotas:adesao", guards=WRITE)
    async def adesao(
        self,
        grupo_id: FromPath[uuid.UUID],
        data: JSONBody[AdesaoIn],
        uow: NamedDependency[UnitOfWork],
    ) -> CotaOut:
        """A consorciado joins the group (10 % cap checked)."""
        cota = await service.adesao(
            uow,
            grupo_id,
            data.consorciado_id,
            data.numero,
            data.data_adesao or calendario.hoje(),
        )
        return to_schema(CotaOut, cota)

    @get("/cotas/{cota_id:uuid}", operation_id="getCota", name="cotas:get", guards=READ)
    async def get_cota(self, cota_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]) -> CotaOut:
        """One cota."""
        return to_schema(CotaOut, await service.get_cota(uow.session, cota_id))

    @post(
        "/cotas/{cota_id:uuid}/cessao",
        operation_id="cessao",
        name="cotas:cessao",
        guards=WRITE,
        status_code=200,
    )
    async def cessao(
        self,
        cota_id: FromPath[uuid.UUID],
        data: JSONBody[CessaoIn],
        uow: NamedDependency[UnitOfWork],
    ) -> CotaOut:
        """Transfer the cota to another consorciado."""
        cota = await service.cessao(uow, cota_id, data.consorciado_id, data.motivo)
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
        cota_id: FromPath[uuid.UUID],
        data: JSONBody[ExclusaoIn],
        uow: NamedDependency[UnitOfWork],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[CotaOut]:
        """Exclude the cota (never a contemplated one). Requires Idempotency-Key (428 without it)."""

        async def trabalho() -> CotaOut:
            cota = await service.exclusao(uow, cota_id, data.motivo, calendario.hoje(), data.observacao)
            return to_schema(CotaOut, cota)

        return await uma_vez(
            uow, "exclusao_cota", idempotency_key, (str(cota_id), msgspec.json.encode(data)), trabalho
        )

    @post(
        "/cotas/{cota_id:uuid}/readmissao",
        operation_id="readmissao",
        name="cotas:readmissao",
        guards=WRITE,
        status_code=200,
    )
    async def readmissao(
        self,
        cota_id: FromPath[uuid.UUID],
        uow: NamedDependency[UnitOfWork],
    ) -> CotaOut:
        """Readmit an excluded cota."""
        return to_schema(CotaOut, await service.readmissao(uow, cota_id))
