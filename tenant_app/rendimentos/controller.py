"""``/api/grupos/{id}/rendimentos``: the group's net investment yield per period."""

from __future__ import annotations

import uuid

import msgspec
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from tenant_app.http.idempotencia import ChaveIdempotencia, uma_vez
from tenant_app.http.schemas import to_schema
from tenant_app.rendimentos import service
from tenant_app.rendimentos.schemas import RendimentoIn, RendimentoOut
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission

READ = [requires(Permission.GRUPOS_READ)]
WRITE = [requires(Permission.PAGAMENTOS_WRITE)]


class RendimentoController(Controller):
    """Recording the yield of the group's invested money (it enters the fundo comum)."""

    path = "/api/grupos/{grupo_id:uuid}/rendimentos"
    tags = ["rendimentos"]  # noqa: RUF012

    @get("/", operation_id="listRendimentos", name="rendimentos:list", guards=READ)
    async def listar(
        self, grupo_id: FromPath[uuid.UUID], uow: NamedDependency[UnitOfWork]
    ) -> list[RendimentoOut]:
        """The recorded periods, oldest first."""
        return [to_schema(RendimentoOut, r) for r in await service.listar_rendimentos(uow.session, grupo_id)]

    @post("/", operation_id="registrarRendimento", name="rendimentos:create", guards=WRITE)
    async def registrar(
        self,
        grupo_id: FromPath[uuid.UUID],
        data: JSONBody[RendimentoIn],
        uow: NamedDependency[UnitOfWork],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[RendimentoOut]:
        """Record a period's net yield; it is posted to the fundo comum (Lei 11.795 art. 25 § único).

        Moves money: requires Idempotency-Key (428 without it).
        """

        async def trabalho() -> RendimentoOut:
            return to_schema(RendimentoOut, await service.registrar_rendimento(uow, grupo_id, data))

        return await uma_vez(
            uow,
            "rendimento_grupo",
            idempotency_key,
            (str(grupo_id), msgspec.json.encode(data)),
            trabalho,
            status=201,
        )
