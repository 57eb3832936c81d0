"""``/api/cobranca/valores-a-identificar``: the money no título could take, and its resolution."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from tenant_app.cobranca import identificacao
from tenant_app.cobranca.controller.comum import ESCREVER, LER
from tenant_app.cobranca.models import StatusValor
from tenant_app.cobranca.schemas import AplicacaoIn, DevolucaoIn, ValorAIdentificarOut
from tenant_app.http.idempotencia import ChaveIdempotencia, uma_vez
from tenant_app.http.pagination import PAGE_DEPENDENCY, PageParams, Pagina
from tenant_app.http.schemas import to_schema
from tenant_app.unit_of_work import UnitOfWork


class ValoresAIdentificarController(Controller):
    path = "/api/cobranca/valores-a-identificar"
    tags = ["cobrança"]  # noqa: RUF012
    dependencies = PAGE_DEPENDENCY

    @get("/", operation_id="listValoresAIdentificar", summary="Valores a identificar", guards=LER)
    async def listar(
        self,
        uow: NamedDependency[UnitOfWork],
        page: NamedDependency[PageParams],
        status: Annotated[StatusValor | None, QueryParameter(name="status")] = None,
        desde: Annotated[
            date | None, QueryParameter(name="desde", description="Data do crédito, AAAA-MM-DD")
        ] = None,
        ate: Annotated[
            date | None, QueryParameter(name="ate", description="Data do crédito, AAAA-MM-DD")
        ] = None,
    ) -> Pagina[ValorAIdentificarOut]:
        """Money received that no título took as it came (unknown nosso número or txid, paid less than
        the título, more than the cota owed, título no longer live), by credit date."""
        itens, total = await identificacao.listar(uow, status, desde, ate, page.limit, page.offset)
        return Pagina(
            items=[to_schema(ValorAIdentificarOut, i) for i in itens],
            total=total,
            limit=page.limit,
            offset=page.offset,
        )

    @post(
        "/{item_id:uuid}/aplicacao",
        operation_id="applyValorAIdentificar",
        summary="Aplicar valor a uma cota",
        guards=ESCREVER,
        status_code=200,
    )
    async def aplicar(
        self,
        item_id: FromPath[uuid.UUID],
        data: JSONBody[AplicacaoIn],
        uow: NamedDependency[UnitOfWork],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[ValorAIdentificarOut]:
        """Pay the whole amount into the cota (payment path: oldest parcelas first, the credit date;
        422 ``valor_excedente`` when it owes less). Once per item (409 afterwards).
        Requires Idempotency-Key."""

        async def trabalho() -> ValorAIdentificarOut:
            return to_schema(
                ValorAIdentificarOut, await identificacao.aplicar(uow, item_id, data.cota_id, data.observacao)
            )

        return await uma_vez(
            uow, "valor-aplicacao", idempotency_key, (str(item_id), msgspec.json.encode(data)), trabalho
        )

    @post(
        "/{item_id:uuid}/devolucao",
        operation_id="returnValorAIdentificar",
        summary="Registrar devolução ao pagador",
        guards=ESCREVER,
        status_code=200,
    )
    async def devolver(
        self,
        item_id: FromPath[uuid.UUID],
        data: JSONBody[DevolucaoIn],
        uow: NamedDependency[UnitOfWork],
        idempotency_key: ChaveIdempotencia = None,
    ) -> Response[ValorAIdentificarOut]:
        """Record that the money was returned to the payer (how, in ``observacao``); no parcela changes.
        Once per item. Requires Idempotency-Key."""

        async def trabalho() -> ValorAIdentificarOut:
            return to_schema(
                ValorAIdentificarOut, await identificacao.devolver(uow, item_id, data.observacao)
            )

        return await uma_vez(
            uow, "valor-devolucao", idempotency_key, (str(item_id), msgspec.json.encode(data)), trabalho
        )
