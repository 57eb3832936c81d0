"""Hash chain of audit entries (pure): canonical JSON, SHA-256, verification."""

from __future__ import annotations

import enum
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

#: ``prev_hash`` of the first entry.
GENESIS = "0" * 64
#: Stored instead of personal data, so anonymization is not undone by the trail.
PII_PLACEHOLDER = "[dado pessoal omitido]"


def jsonable(value: Any) -> Any:
    """Values as JSON-stable primitives (money and dates as strings, never floats)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the entry's canonical JSON."""
    canonical = json.dumps(jsonable(fields), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


#: The columns covered by the hash (everything except the hash itself).
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_email",
    "action",
    "entity",
    "entity_id",
    "before",
    "after",
    "request_id",
)


@dataclass(frozen=True)
class ChainReport:
    """Result of walking the chain."""

    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str | None = None


def verify_chain(
    rows: Iterable[Mapping[str, Any]], start_prev: str = GENESIS, start_seq: int = 1
) -> ChainReport:
    """Walk rows in ``seq`` order; report the first that does not follow from its predecessor."""
    prev = start_prev
    expected_seq = start_seq
    checked = 0
    for row in rows:
        seq = row["seq"]
        if seq != expected_seq:
            return ChainReport(False, checked, expected_seq, "entrada ausente (sequência interrompida)")
        if row["prev_hash"] != prev:
            return ChainReport(False, checked, seq, "prev_hash não corresponde à entrada anterior")
        if entry_hash(prev, {k: row[k] for k in HASHED_FIELDS}) != row["hash"]:
            return ChainReport(False, checked, seq, "conteúdo alterado (hash não confere)")
        prev = row["hash"]
        expected_seq += 1
        checked += 1
    return ChainReport(True, checked)
