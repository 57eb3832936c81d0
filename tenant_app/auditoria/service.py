"""Reading and verifying the audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.assembleias.sigilo import CAMPOS_SELADOS, lances_selados
from tenant_app.audit_log.chain import GENESIS, HASHED_FIELDS, ChainReport, verify_chain
from tenant_app.audit_log.models import AuditEntry
from tenant_app.http.pagination import PageParams, paginate

_BATCH = 5000


async def listar_entradas(
    session: AsyncSession,
    page: PageParams,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    actor_id: uuid.UUID | None = None,
    action: str | None = None,
    desde: datetime | None = None,
    ate: datetime | None = None,
) -> tuple[list[AuditEntry], int]:
    """One page of the trail, newest first, with filters, and the total."""
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
    return await paginate(session, stmt, page)


async def campos_selados(session: AsyncSession, entries: list[AuditEntry]) -> dict[int, frozenset[str]]:
    """seq -> the columns of that entry that must not be shown yet (a lance's amount before the apuração).

    The trail keeps the values (the chain stays whole and verifiable); once the
    assembleia is apurada the same entries are shown in full.
    """
    candidatas = [e for e in entries if e.entity in CAMPOS_SELADOS]
    if not candidatas:
        return {}
    selados = await lances_selados(session, {e.entity_id or "" for e in candidatas})
    return {e.seq: CAMPOS_SELADOS[e.entity] for e in candidatas if (e.entity_id or "") in selados}


async def verify(session: AsyncSession) -> ChainReport:
    """Walk the whole chain in batches; the first broken link is reported."""
    prev, next_seq, checked = GENESIS, 1, 0
    columns = [getattr(AuditEntry, f) for f in (*HASHED_FIELDS, "prev_hash", "hash")]
    while True:
        rows = (
            (
                await session.execute(
                    select(*columns).where(AuditEntry.seq >= next_seq).order_by(AuditEntry.seq).limit(_BATCH)
                )
            )
            .mappings()
            .all()
        )
        if not rows:
            return ChainReport(True, checked)
        report = verify_chain([dict(r) for r in rows], start_prev=prev, start_seq=next_seq)
        if not report.ok:
            return ChainReport(False, checked + report.checked, report.first_broken_seq, report.reason)
        checked += report.checked
        prev, next_seq = rows[-1]["hash"], rows[-1]["seq"] + 1
