"""The audit trail of one unit of work: entries collected explicitly, appended hash-chained at commit.

A service tells its unit of work what it changes (``uow.add`` for a new
entity, ``uow.track`` for an existing one it modifies, ``uow.auditar`` for an
event the ORM does not see). At each flush the unit of work asks this trail to
turn the registered entities' pending changes into entries (inserts with the
final row, updates with the changed columns before/after, deletes with the old
row), and at commit :func:`append_entries` writes them under an advisory lock
(one chain, one writer at a time) in the same transaction as the change.

A change to an audited entity nobody registered is a programming error: the
flush fails with :class:`UnregisteredChange` instead of leaving a hole in the
trail.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, insert, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from tenant_app.audit_log.chain import (
    GENESIS,
    HASHED_FIELDS,
    PII_PLACEHOLDER,
    encadeador,
    json_canonico,
    jsonable,
)
from tenant_app.audit_log.models import AuditEntry
from tenant_app.database import copia

#: Arbitrary constant: the advisory lock that serializes appends to the chain.
_CHAIN_LOCK = 7_240_311_795
_SKIP_ON_UPDATE = frozenset({"updated_at"})


class UnregisteredChange(RuntimeError):
    """An audited entity changed without being registered with the unit of work."""


@dataclass(frozen=True)
class Actor:
    """Who acts in a unit of work: the user (or a process name as e-mail) and the request id."""

    user_id: uuid.UUID | None
    email: str | None
    request_id: str | None = None


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


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after) of the audited columns changed since the last flush."""
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
    return before, after


class AuditTrail:
    """The entries of one unit of work, in the order they happened."""

    def __init__(self) -> None:
        self._pending: list[dict[str, Any]] = []
        # Registered entities by identity (ORM objects are compared by identity).
        self._inserted: dict[int, Any] = {}
        self._tracked: dict[int, Any] = {}
        self._deleted: dict[int, Any] = {}

    def inserted(self, obj: Any) -> None:
        """``obj`` is new: recorded as an insert (its row as committed), then tracked for updates."""
        self._inserted[id(obj)] = obj
        self._tracked[id(obj)] = obj

    def tracked(self, obj: Any) -> None:
        """``obj`` exists and this unit of work may change it: its changed columns are recorded."""
        self._tracked[id(obj)] = obj

    def deleted(self, obj: Any) -> None:
        """``obj`` is being deleted: recorded with its last row."""
        self._deleted[id(obj)] = obj

    def event(
        self,
        action: str,
        entity: str,
        entity_id: str | None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """An entry for something the ORM does not see (bulk loads, logins, exports).

        ``before``/``after`` are encoded now, as they are at this call: a bulk settlement records
        200,000 of these while its earlier rows are being written, and the commit, which must hash
        them one after the other, then has only the hashing left."""
        self._pending.append(
            {
                "action": action,
                "entity": entity,
                "obj": None,
                "entity_id": entity_id,
                "before_json": json_canonico(jsonable(before)),
                "after_json": json_canonico(jsonable(after)),
            }
        )

    def collect(self, session: Session | AsyncSession) -> None:
        """Turn the session's pending changes of registered entities into entries (call before flush).

        The session is read, not hooked: this runs only when the unit of work flushes.
        """
        for obj in session.new:
            if not _is_audited(obj):
                continue
            if id(obj) not in self._inserted:
                raise UnregisteredChange(f"new {type(obj).__name__} not added with uow.add()")
            self._pending.append(
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
            before, after = _changes(obj)
            if not after:
                continue
            if id(obj) not in self._tracked:
                raise UnregisteredChange(f"{type(obj).__name__} changed without uow.track(): {sorted(after)}")
            self._pending.append(
                {
                    "action": "update",
                    "entity": type(obj).__tablename__,
                    "obj": obj,
                    "before": before,
                    "after": after,
                }
            )
        for obj in session.deleted:
            if not _is_audited(obj):
                continue
            if id(obj) not in self._deleted:
                raise UnregisteredChange(f"{type(obj).__name__} deleted without uow.delete()")
            self._pending.append(
                {
                    "action": "delete",
                    "entity": type(obj).__tablename__,
                    "obj": None,
                    "entity_id": _entity_id(obj),
                    # The row's last state, encoded now: the object is gone by the commit.
                    "before_json": json_canonico(_snapshot(obj)),
                    "after_json": "null",
                }
            )

    def take(self) -> list[dict[str, Any]]:
        """The collected entries, leaving the trail empty (after commit or rollback)."""
        pending, self._pending = self._pending, []
        self._inserted.clear()
        self._tracked.clear()
        self._deleted.clear()
        return pending


async def append_entries(session: AsyncSession, pending: list[dict[str, Any]], actor: Actor) -> int:
    """Append ``pending`` to the chain inside the current transaction (under the chain's lock)."""
    if not pending:
        return 0
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK})
    last = (
        await session.execute(
            select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
        )
    ).first()
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    if len(pending) < _COPIA_A_PARTIR_DE:
        return await _append(session, pending, actor, seq, prev)
    with copia.sem_coleta_ciclica():
        return await _append(session, pending, actor, seq, prev)


async def _append(
    session: AsyncSession, pending: list[dict[str, Any]], actor: Actor, seq: int, prev: str
) -> int:
    rows = _linhas(pending, actor, seq, prev)
    if len(pending) >= _COPIA_A_PARTIR_DE:
        # The rows are hashed as COPY streams them: PostgreSQL stores the first while the rest hash.
        await copia.copiar(session, _AUDIT, _COLUNAS, rows)
    else:
        await session.execute(
            insert(AuditEntry),
            [
                {
                    **dict(zip(_COLUNAS, row, strict=True)),
                    "before": json.loads(row[7]),
                    "after": json.loads(row[8]),
                }
                for row in rows
            ],
        )
    return len(pending)


def _linhas(pending: list[dict[str, Any]], actor: Actor, seq: int, prev: str) -> Iterator[tuple[Any, ...]]:
    """The chain's rows (``_COLUNAS``) of ``pending``, after ``seq``/``prev``, hashed one by one."""
    now = datetime.now(UTC)
    ator_id = jsonable(actor.user_id)
    encadear = encadeador(
        {
            "occurred_at": now.isoformat(),
            "actor_id": ator_id,
            "actor_email": actor.email,
            "request_id": actor.request_id,
        }
    )
    for item in pending:
        obj = item["obj"]
        if obj is not None:
            # An ORM row: its entry is taken now, from the row as committed.
            entity_id = _entity_id(obj)
            after = _snapshot(obj) if item["action"] == "insert" else item["after"]
            before_json, after_json = json_canonico(jsonable(item["before"])), json_canonico(jsonable(after))
        else:  # uow.auditar's and deleted rows': encoded when recorded
            entity_id = item["entity_id"]
            before_json, after_json = item["before_json"], item["after_json"]
        seq += 1
        digest = encadear(prev, seq, item["action"], item["entity"], entity_id, before_json, after_json)
        yield (
            seq,
            now,
            actor.user_id,
            actor.email,
            item["action"],
            item["entity"],
            entity_id,
            before_json,  # None is JSON null, as the ORM's JSONB column writes it
            after_json,
            actor.request_id,
            prev,
            digest,
        )
        prev = digest


#: A bulk settlement's hundreds of thousands of entries go by COPY; a request's few by one INSERT.
_COPIA_A_PARTIR_DE = 1000
_AUDIT = cast(Table, AuditEntry.__table__)
_COLUNAS = (*HASHED_FIELDS, "prev_hash", "hash")
