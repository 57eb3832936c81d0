"""Reading the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.api_schema import ResponseBody
from control_plane.audit.service import AuditService
from control_plane.auth.guards import admin_guard
from control_plane.auth.roles import Permission


class AuditEventView(ResponseBody):
    id: int
    at: datetime
    actor: str
    actor_role: str
    action: str
    target_type: str
    target_id: str
    details: dict[str, Any]
    request_id: str | None
    source_ip: str | None


class AuditController(Controller):
    path = "/api/audit-events"
    tags = ("audit",)
    guards = (admin_guard,)

    @get("/", operation_id="listAuditEvents", name="audit:list", opt={"permission": Permission.AUDIT_READ})
    async def list_events(
        self,
        db_session: NamedDependency[AsyncSession],
        actor: FromQuery[str | None] = None,
        action: FromQuery[str | None] = None,
        target_type: Annotated[str | None, QueryParameter(name="targetType")] = None,
        target_id: Annotated[str | None, QueryParameter(name="targetId")] = None,
        since: FromQuery[datetime | None] = None,
        before_id: Annotated[int | None, QueryParameter(name="beforeId")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
    ) -> list[AuditEventView]:
        """Newest first; page with ``beforeId`` = the last id of the previous page."""
        events = await AuditService(db_session).search(
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=target_id,
            since=since,
            before_id=before_id,
            limit=limit,
        )
        return [
            AuditEventView(
                id=e.id,
                at=e.at,
                actor=e.actor,
                actor_role=e.actor_role,
                action=e.action,
                target_type=e.target_type,
                target_id=e.target_id,
                details=e.details,
                request_id=e.request_id,
                source_ip=e.source_ip,
            )
            for e in events
        ]
