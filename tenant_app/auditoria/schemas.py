"""Bodies of the audit endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec


class AuditEntryOut(msgspec.Struct, kw_only=True):
    """One recorded change."""

    seq: int
    occurred_at: datetime
    actor_id: uuid.UUID | None
    actor_email: str | None
    action: str
    entity: str
    entity_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
    #: The entry's chain hash; null while the entry holds a sealed value (the hash of a
    #: lance's row would let anyone try the few possible percentages against it).
    hash: str | None
    #: Columns shown as null because they are sealed until the assembleia's apuração.
    sigilosos: list[str] = msgspec.field(default_factory=list)


class VerificacaoOut(msgspec.Struct, kw_only=True):
    """Result of verifying the hash chain."""

    integra: bool
    entradas_verificadas: int
    primeira_quebra_seq: int | None
    motivo: str | None
