"""``/api/auditoria``: the trail and its verification (auditor and admin)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.auditoria import service
from tenant_app.auditoria.models import AuditEntry
from tenant_app.auditoria.schemas import AuditEntryOut, VerificacaoOut
from tenant_app.auth.guards import requires
from tenant_app.http.pagination import PageParams, Pagina, paginate, provide_page_params
from tenant_app.http.schemas import to_schema
from tenant_app.users.roles import Permission


class AuditoriaController(Controller):
    """Read-only."""

    path = "/api/auditoria"
    tags = ["auditoria"]  # noqa: RUF012
    guards = [requires(Permission.AUDITORIA_READ)]  # noqa: RUF012
    dependencies = {"page": provide_page_params}  # noqa: RUF012

    @get("/", operation_id="listAudit", name="auditoria:list")
    async def list_entries(
        self,
        db_session: AsyncSession,
        page: PageParams,
        entity: Annotated[str | None, QueryParameter(name="entidade", max_length=60)] = None,
        entity_id: Annotated[str | None, QueryParameter(name="entidade_id", max_length=64)] = None,
        actor_id: Annotated[uuid.UUID | None, QueryParameter(name="autor_id")] = None,
        action: Annotated[str | None, QueryParameter(name="acao", max_length=40)] = None,
        desde: Annotated[datetime | None, QueryParameter(name="desde")] = None,
        ate: Annotated[datetime | None, QueryParameter(name="ate")] = None,
    ) -> Pagina[AuditEntryOut]:
        """Newest first, with filters."""
        stmt = select(AuditEntry).order_by(AuditEntry.seq.desc())
        if entity:
            stmt = stmt.where(AuditEntry.entity == entity)
        if entity_id:
            stmt = stmt.where(AuditEntry.entity_id == entity_id)
        if actor_id:
            stmt = stmt.where(AuditEntry.actor_id == actor_id)
        if action:
            stmt = stmt.where(AuditEntry.action == action)
        if desde:
            stmt = stmt.where(AuditEntry.occurred_at >= desde)
        if ate:
            stmt = stmt.where(AuditEntry.occurred_at <= ate)
        rows, total = await paginate(db_session, stmt, page)
        return Pagina(
            items=[to_schema(AuditEntryOut, e) for e in rows],
            total=total,
            limit=page.limit,
            offset=page.offset,
        )

    @get("/verificacao", operation_id="verifyAudit", name="auditoria:verify")
    async def verify(self, db_session: AsyncSession) -> VerificacaoOut:
        """Recompute the hash chain and report the first broken link."""
        report = await service.verify(db_session)
        return VerificacaoOut(
            integra=report.ok,
            entradas_verificadas=report.checked,
            primeira_quebra_seq=report.first_broken_seq,
            motivo=report.reason,
        )
