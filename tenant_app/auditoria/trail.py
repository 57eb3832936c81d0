"""Capture every ORM change and append it, hash-chained, to audit_log at commit.

Services end their unit of work with ``await commit(session)`` instead of
``session.commit()``: the changes collected by the ``before_flush`` listener
are written under an advisory lock (one chain, one writer at a time) in the
same transaction as the change itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from tenant_app.auditoria.chain import GENESIS, PII_PLACEHOLDER, entry_hash, jsonable
from tenant_app.auditoria.models import AuditEntry

_PENDING = "audit_pending"
#: Arbitrary constant: the advisory lock that serializes appends to the chain.
_CHAIN_LOCK = 7_240_311_795
_SKIP_ON_UPDATE = frozenset({"updated_at"})


def set_actor(
    session: AsyncSession, actor_id: uuid.UUID | None, actor_email: str | None, request_id: str | None
):
    """Who is acting in this session (set once per request or task)."""
    session.info["actor"] = (actor_id, actor_email)
    session.info["request_id"] = request_id


def _is_audited(obj: Any) -> bool:
    return bool(getattr(type(obj), "__audited__", True)) and not isinstance(obj, AuditEntry)


def _value(obj: Any, key: str, value: Any) -> Any:
    if value is not None and key in getattr(type(obj), "__audit_pii__", ()):
        return PII_PLACEHOLDER
    return jsonable(value)


def _columns(obj: Any) -> list[str]:
    excluded: frozenset[str] = getattr(type(obj), "__audit_exclude__", frozenset())
    return [c.key for c in inspect(obj).mapper.column_attrs if c.key not in excluded]


def _snapshot(obj: Any) -> dict[str, Any]:
    return {k: _value(obj, k, getattr(obj, k)) for k in _columns(obj)}


def _entity_id(obj: Any) -> str | None:
    identity = inspect(obj).identity
    if identity:
        return ",".join(str(v) for v in identity)
    pk = getattr(obj, "id", None)
    return str(pk) if pk is not None else None


def _collect(session: Session, _flush_context: Any, _instances: Any) -> None:
    pending: list[dict[str, Any]] = session.info.setdefault(_PENDING, [])
    for obj in session.new:
        if _is_audited(obj):
            pending.append(
                {
                    "action": "insert",
                    "entity": type(obj).__tablename__,
                    "obj": obj,
                    "before": None,
                    "after": None,
                }
            )
    for obj in session.dirty:
        if not _is_audited(obj) or not session.is_modified(obj, include_collections=False):
            continue
        state = inspect(obj)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for key in _columns(obj):
            if key in _SKIP_ON_UPDATE:
                continue
            hist = state.attrs[key].history
            if hist.has_changes():
                old = hist.deleted[0] if hist.deleted else None
                new = hist.added[0] if hist.added else None
                if jsonable(old) != jsonable(new):
                    before[key] = _value(obj, key, old)
                    after[key] = _value(obj, key, new)
        if after:
            pending.append(
                {
                    "action": "update",
                    "entity": type(obj).__tablename__,
                    "obj": obj,
                    "before": before,
                    "after": after,
                }
            )
    for obj in session.deleted:
        if _is_audited(obj):
            pending.append(
                {
                    "action": "delete",
                    "entity": type(obj).__tablename__,
                    "obj": None,
                    "entity_id": _entity_id(obj),
                    "before": _snapshot(obj),
                    "after": None,
                }
            )


def install_audit_listener() -> None:
    """Register the collector once per process (idempotent)."""
    if not event.contains(Session, "before_flush", _collect):
        event.listen(Session, "before_flush", _collect)


def record_event(
    session: AsyncSession,
    action: str,
    entity: str,
    entity_id: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Queue an entry for a change the ORM does not see (bulk loads, logins, exports)."""
    session.info.setdefault(_PENDING, []).append(
        {
            "action": action,
            "entity": entity,
            "obj": None,
            "entity_id": entity_id,
            "before": before,
            "after": after,
        }
    )


async def write_pending(session: AsyncSession) -> int:
    """Append the queued entries to the chain inside the current transaction."""
    pending = session.info.pop(_PENDING, [])
    if not pending:
        return 0
    actor_id, actor_email = session.info.get("actor", (None, None))
    request_id = session.info.get("request_id")
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK})
    last = (
        await session.execute(
            select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
        )
    ).first()
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    now = datetime.now(UTC)
    rows = []
    for item in pending:
        obj = item["obj"]
        if obj is not None:
            entity_id = _entity_id(obj)
            after = _snapshot(obj) if item["action"] == "insert" else item["after"]
        else:
            entity_id = item.get("entity_id")
            after = item["after"]
        seq += 1
        fields = {
            "seq": seq,
            "occurred_at": now,
            "actor_id": actor_id,
            "actor_email": actor_email,
            "action": item["action"],
            "entity": item["entity"],
            "entity_id": entity_id,
            "before": jsonable(item["before"]),
            "after": jsonable(after),
            "request_id": request_id,
        }
        digest = entry_hash(prev, fields)
        rows.append({**fields, "prev_hash": prev, "hash": digest})
        prev = digest
    await session.execute(insert(AuditEntry), rows)
    return len(rows)


_BEFORE_COMMIT = "before_commit_hooks"


def add_before_commit(
    session: AsyncSession, key: str, hook: Callable[[AsyncSession], Awaitable[None]]
) -> None:
    """Run ``hook`` once, right before the audit entries are written and the transaction commits.

    Used for writes that take hot row locks (group balances): doing them last keeps
    the lock for the shortest time.
    """
    session.info.setdefault(_BEFORE_COMMIT, {}).setdefault(key, hook)


async def commit(session: AsyncSession) -> None:
    """Flush, run the before-commit hooks, append the audit entries, commit: one transaction."""
    await session.flush()
    hooks = session.info.pop(_BEFORE_COMMIT, {})
    for hook in hooks.values():
        await hook(session)
    await session.flush()
    await write_pending(session)
    await session.commit()
