"""``/api/auditoria``: the trail and its verification (auditor and admin)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from consorcio_contract.feature_flags import AUDITORIA_VERIFICACAO
from tenant_app.audit_log.models import AuditEntry
from tenant_app.auditoria import service
from tenant_app.auditoria.schemas import AuditEntryOut, VerificacaoOut
from tenant_app.http.pagination import PAGE_DEPENDENCY, PageParams, Pagina
from tenant_app.http.schemas import to_schema
from tenant_app.unit_of_work import UnitOfWork
from tenant_app.users.guards import requires
from tenant_app.users.roles import Permission


def _entry_out(entry: AuditEntry, selados: frozenset[str]) -> AuditEntryOut:
    if not selados:
        return to_schema(AuditEntryOut, entry, sigilosos=[])

    def velar(valores: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if valores is None else {k: None if k in selados else v for k, v in valores.items()}

    return to_schema(
        AuditEntryOut,
        entry,
        before=velar(entry.before),
        after=velar(entry.after),
        hash=None,
        sigilosos=sorted(selados),
    )


class AuditoriaController(Controller):
    """Read-only."""

    path = "/api/auditoria"
    tags = ["auditoria"]  # noqa: RUF012
    guards = [requires(Permission.AUDITORIA_READ)]  # noqa: RUF012
    dependencies = PAGE_DEPENDENCY

    @get("/", operation_id="listAudit", name="auditoria:list")
    async def list_entries(
        self,
        uow: NamedDependency[UnitOfWork],
        page: NamedDependency[PageParams],
        entity: Annotated[str | None, QueryParameter(name="entidade", max_length=60)] = None,
        entity_id: Annotated[str | None, QueryParameter(name="entidade_id", max_length=64)] = None,
        actor_id: Annotated[uuid.UUID | None, QueryParameter(name="autor_id")] = None,
        action: Annotated[str | None, QueryParameter(name="acao", max_length=40)] = None,
        desde: Annotated[datetime | None, QueryParameter(name="desde")] = None,
        ate: Annotated[datetime | None, QueryParameter(name="ate")] = None,
    ) -> Pagina[AuditEntryOut]:
        """Newest first, with filters. A lance's percentages are null (listed in ``sigilosos``) until its
        assembleia is apurada."""
        rows, total = await service.listar_entradas(
            uow.session,
            page,
            entity=entity,
            entity_id=entity_id,
            actor_id=actor_id,
            action=action,
            desde=desde,
            ate=ate,
        )
        selados = await service.campos_selados(uow.session, rows)
        return Pagina(
            items=[_entry_out(e, selados.get(e.seq, frozenset())) for e in rows],
            total=total,
            limit=page.limit,
            offset=page.offset,
        )

    @get(
        "/verificacao",
        operation_id="verifyAudit",
        name="auditoria:verify",
        opt={"feature_flag": AUDITORIA_VERIFICACAO.key},  # sold with some plans only
    )
    async def verify(self, uow: NamedDependency[UnitOfWork]) -> VerificacaoOut:
        """Recompute the hash chain and report the first broken link."""
        report = await service.verify(uow.session)
        return VerificacaoOut(
            integra=report.ok,
            entradas_verificadas=report.checked,
            primeira_quebra_seq=report.first_broken_seq,
            motivo=report.reason,
        )
