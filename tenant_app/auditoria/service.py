"""Reading and verifying the audit trail."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tenant_app.auditoria.chain import GENESIS, HASHED_FIELDS, ChainReport, verify_chain
from tenant_app.auditoria.models import AuditEntry

_BATCH = 5000


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
