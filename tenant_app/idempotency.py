"""Idempotency-Key handling: the first answer is stored and replayed for every repeat.

The key row is inserted in the same transaction as the work. A concurrent
repeat blocks on the unique key until the first transaction ends, then reads
the stored answer; if the first one failed (rolled back), the repeat does the
work itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.dialects.postgresql import insert

from tenant_app.erros import ConflitoError, DadosInvalidos, FieldError, RegraVioladaError
from tenant_app.pagamentos.models import IdempotencyRecord
from tenant_app.unit_of_work import UnitOfWork

_KEYS = cast(Table, IdempotencyRecord.__table__)


def fingerprint(*parts: bytes | str) -> str:
    """Digest of what identifies the request (path + body)."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode() if isinstance(p, str) else p)
        h.update(b"\0")
    return h.hexdigest()


def validate_key(key: str | None) -> str:
    """8-200 visible ASCII characters."""
    if key is None or not (8 <= len(key) <= 200) or not key.isascii() or not key.isprintable():
        raise DadosInvalidos(
            "O cabeçalho Idempotency-Key é obrigatório (8 a 200 caracteres ASCII).",
            errors=[FieldError("Idempotency-Key", "obrigatório, 8 a 200 caracteres ASCII")],
            code="idempotency_key",
        )
    return key


async def run_once(
    uow: UnitOfWork,
    scope: str,
    key: str,
    digest: str,
    work: Callable[[], Awaitable[tuple[int, dict[str, Any]]]],
) -> tuple[int, dict[str, Any], bool]:
    """(status, body, replayed). ``work`` and the stored answer commit together, once."""
    session = uow.session
    # Core statements on the table: the ORM's bulk-DML path cost more CPU than their round trips.
    inserted = (
        await session.execute(
            insert(_KEYS)
            .values(scope=scope, key=key, fingerprint=digest)
            .on_conflict_do_nothing(index_elements=["scope", "key"])
            .returning(_KEYS.c.key)
        )
    ).first()
    if inserted is None:
        row = (
            await session.execute(
                select(IdempotencyRecord).where(
                    IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
                )
            )
        ).scalar_one()
        stored_digest, stored_status, stored_body = row.fingerprint, row.status_code, row.response
        await uow.rollback()
        if stored_digest != digest:
            raise RegraVioladaError(
                "Esta Idempotency-Key já foi usada com outra requisição.",
                code="idempotency_key_reutilizada",
            )
        if stored_body is None or stored_status is None:
            raise ConflitoError(
                "Requisição com esta Idempotency-Key ainda em processamento.",
                code="idempotency_key_em_processamento",
            )
        return stored_status, stored_body, True
    # Services inside ``work`` may commit: inside this block that only flushes, and the
    # block commits once, together with the stored answer.
    async with uow.one_transaction():
        status, body = await work()
        await session.execute(
            update(_KEYS)
            .where(_KEYS.c.scope == scope, _KEYS.c.key == key)
            .values(status_code=status, response=body)
        )
    return status, body, False


async def run_once_self_committing(
    uow: UnitOfWork,
    scope: str,
    key: str,
    digest: str,
    work: Callable[[], Awaitable[tuple[int, dict[str, Any]]]],
) -> tuple[int, dict[str, Any], bool]:
    """(status, body, replayed) for ``work`` that must commit by itself, under its own lock (the
    apuração and its revisions hold the group's Redis lock until their COMMIT).

    A stored answer is replayed; otherwise ``work`` runs and commits, and its answer is stored
    right after. Two identical requests racing each other are kept apart by the work's own
    state check (an assembleia is apurada once: the second gets 409), not by the key.
    """
    session = uow.session
    row = (
        await session.execute(
            select(_KEYS.c.fingerprint, _KEYS.c.status_code, _KEYS.c.response).where(
                _KEYS.c.scope == scope, _KEYS.c.key == key
            )
        )
    ).first()
    await uow.rollback()
    if row is not None:
        if row.fingerprint != digest:
            raise RegraVioladaError(
                "Esta Idempotency-Key já foi usada com outra requisição.",
                code="idempotency_key_reutilizada",
            )
        if row.status_code is None or row.response is None:
            raise ConflitoError(
                "Requisição com esta Idempotency-Key ainda em processamento.",
                code="idempotency_key_em_processamento",
            )
        return int(row.status_code), dict(row.response), True
    status, body = await work()
    await session.execute(
        insert(_KEYS)
        .values(scope=scope, key=key, fingerprint=digest, status_code=status, response=body)
        .on_conflict_do_nothing(index_elements=["scope", "key"])
    )
    await uow.commit()
    return status, body, False
