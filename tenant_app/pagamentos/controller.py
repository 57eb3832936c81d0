"""Payment routes: ``POST /api/cotas/{id}/pagamentos`` (Idempotency-Key), estorno, listings."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.params import HeaderParameter, QueryParameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.auditoria.trail import commit
from tenant_app.auth.guards import requires
from tenant_app.auth.tokens import CurrentUser
from tenant_app.cotas.service import get_cota
from tenant_app.http.pagination import PageParams, Pagina, paginate, provide_page_params
from tenant_app.http.schemas import to_schema
from tenant_app.pagamentos import service
from tenant_app.pagamentos.idempotency import fingerprint, run_once, validate_key
from tenant_app.pagamentos.models import Pagamento, StatusPagamento
from tenant_app.pagamentos.schemas import AlocacaoOut, EstornoIn, PagamentoIn, PagamentoOut
from tenant_app.users.roles import Permission

READ = [requires(Permission.PAGAMENTOS_READ)]
WRITE = [requires(Permission.PAGAMENTOS_WRITE)]
ESTORNO = [requires(Permission.PAGAMENTOS_ESTORNO)]


def to_out(p: Pagamento) -> PagamentoOut:
    """Response body."""
    return to_schema(PagamentoOut, p, alocacoes=[to_schema(AlocacaoOut, a) for a in p.alocacoes])


def _replay_response(status: int, body: dict[str, Any], replayed: bool) -> Response[Any]:
    return Response(
        body, status_code=status, headers={"Idempotent-Replayed": "true" if replayed else "false"}
    )


class PagamentoController(Controller):
    """Money in and its reversal."""

    path = "/api"
    tags = ["pagamentos"]  # noqa: RUF012
    dependencies = {"page": provide_page_params}  # noqa: RUF012

    @post(
        "/cotas/{cota_id:uuid}/pagamentos",
        operation_id="registerPayment",
        name="pagamentos:create",
        guards=WRITE,
        status_code=201,
    )
    async def register(
        self,
        cota_id: uuid.UUID,
        data: PagamentoIn,
        db_session: AsyncSession,
        request: Request[CurrentUser, str, State],
        idempotency_key: Annotated[str | None, HeaderParameter(name="Idempotency-Key")] = None,
    ) -> Response[Any]:
        """Record a payment. A repeat with the same Idempotency-Key returns the first result."""
        key = validate_key(idempotency_key)
        today = date.today()
        data.validate(today)
        digest = fingerprint(str(cota_id), msgspec.json.encode(data))

        async def work() -> tuple[int, dict[str, Any]]:
            pagamento = await service.register_payment(
                db_session,
                cota_id,
                data.valor,
                data.data_pagamento or today,
                data.forma,
                data.referencia,
                request.user.id,
            )
            await db_session.flush()
            return 201, msgspec.to_builtins(to_out(pagamento))

        return _replay_response(*(await run_once(db_session, "pagamento", key, digest, work)))

    @post(
        "/pagamentos/{pagamento_id:uuid}/estorno",
        operation_id="reversePayment",
        name="pagamentos:estorno",
        guards=ESTORNO,
        status_code=200,
    )
    async def estorno(
        self,
        pagamento_id: uuid.UUID,
        data: EstornoIn,
        db_session: AsyncSession,
        request: Request[CurrentUser, str, State],
        idempotency_key: Annotated[str | None, HeaderParameter(name="Idempotency-Key")] = None,
    ) -> Response[Any]:
        """Reverse a payment with a reason (once)."""

        async def work() -> tuple[int, dict[str, Any]]:
            pagamento = await service.reverse_payment(db_session, pagamento_id, data.motivo, request.user.id)
            await db_session.flush()
            return 200, msgspec.to_builtins(to_out(pagamento))

        if idempotency_key is None:
            status, body = await work()
            await commit(db_session)
            return _replay_response(status, body, False)
        key = validate_key(idempotency_key)
        digest = fingerprint(str(pagamento_id), msgspec.json.encode(data))
        return _replay_response(*(await run_once(db_session, "estorno", key, digest, work)))

    @get("/pagamentos/{pagamento_id:uuid}", operation_id="getPayment", name="pagamentos:get", guards=READ)
    async def get_one(self, pagamento_id: uuid.UUID, db_session: AsyncSession) -> PagamentoOut:
        """One payment with its allocation."""
        return to_out(await service.get_pagamento(db_session, pagamento_id))

    @get("/cotas/{cota_id:uuid}/pagamentos", operation_id="listPayments", name="pagamentos:list", guards=READ)
    async def list_for_cota(
        self,
        cota_id: uuid.UUID,
        db_session: AsyncSession,
        page: PageParams,
        status: Annotated[StatusPagamento | None, QueryParameter(name="status")] = None,
        desde: Annotated[date | None, QueryParameter(name="desde")] = None,
        ate: Annotated[date | None, QueryParameter(name="ate")] = None,
    ) -> Pagina[PagamentoOut]:
        """Payments of a cota, newest first, with status and date filters."""
        await get_cota(db_session, cota_id)
        stmt = (
            select(Pagamento)
            .where(Pagamento.cota_id == cota_id)
            .order_by(Pagamento.data_pagamento.desc(), Pagamento.registrado_em.desc())
        )
        if status is not None:
            stmt = stmt.where(Pagamento.status == status)
        if desde is not None:
            stmt = stmt.where(Pagamento.data_pagamento >= desde)
        if ate is not None:
            stmt = stmt.where(Pagamento.data_pagamento <= ate)
        rows, total = await paginate(db_session, stmt, page)
        return Pagina(items=[to_out(p) for p in rows], total=total, limit=page.limit, offset=page.offset)
