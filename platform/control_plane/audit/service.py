"""Recording and reading the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.audit.models import AuditEvent


@dataclass(frozen=True)
class ActionContext:
    """Who did something, and from where; attached to every audit event."""

    actor: str
    actor_role: str
    request_id: str | None = None
    source_ip: str | None = None

    @classmethod
    def system(cls, name: str) -> ActionContext:
        return cls(actor=f"system:{name}", actor_role="system")


class AuditService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def record(
        self,
        ctx: ActionContext,
        action: str,
        target_type: str,
        target_id: str,
        details: dict[str, Any] | None = None,
    ) -> AuditEvent:
        """Add an event to the current transaction: it commits or rolls back with the action."""
        event = AuditEvent(
            actor=ctx.actor,
            actor_role=ctx.actor_role,
            action=action,
            target_type=target_type,
            target_id=target_id,
            details=details or {},
            request_id=ctx.request_id,
            source_ip=ctx.source_ip,
        )
        self.session.add(event)
        return event

    async def search(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        target_type: str | None = None,
        target_id: str | None = None,
        since: datetime | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> Sequence[AuditEvent]:
        """Newest first; page with ``before_id`` (the last id of the previous page)."""
        query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
        if actor:
            query = query.where(AuditEvent.actor == actor)
        if action:
            query = query.where(AuditEvent.action == action)
        if target_type:
            query = query.where(AuditEvent.target_type == target_type)
        if target_id:
            query = query.where(AuditEvent.target_id == target_id)
        if since:
            query = query.where(AuditEvent.at >= since)
        if before_id:
            query = query.where(AuditEvent.id < before_id)
        return (await self.session.scalars(query)).all()
