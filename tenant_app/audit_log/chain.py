"""Hash chain of audit entries (pure): canonical JSON, SHA-256, verification."""

from __future__ import annotations

import enum
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

#: ``prev_hash`` of the first entry.
GENESIS = "0" * 64
#: Stored instead of personal data, so anonymization is not undone by the trail.
PII_PLACEHOLDER = "[dado pessoal omitido]"


_PRIMITIVOS = frozenset({str, int, bool, type(None)})
#: Exact types and their conversion, looked up before the isinstance chain below (same results):
#: a bulk settlement hashes 200,000 entries.
_CONVERSOES: dict[type, Any] = {
    Decimal: str,
    uuid.UUID: str,
    datetime: datetime.isoformat,
    date: date.isoformat,
}


def jsonable(value: Any) -> Any:
    """Values as JSON-stable primitives (money and dates as strings, never floats)."""
    tipo = type(value)
    if tipo in _PRIMITIVOS:
        return value
    conversao = _CONVERSOES.get(tipo)
    if conversao is not None:
        return conversao(value)
    if tipo is dict:
        return {
            (k if type(k) is str else str(k)): (v if type(v) in _PRIMITIVOS else jsonable(v))
            for k, v in value.items()
        }
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
    canonical = json_canonico(jsonable(fields))
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def json_canonico(value: Any) -> str:
    """The canonical JSON of ``entry_hash`` (sorted keys, no spaces) of a value already ``jsonable``."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _escalar(value: str | int | None) -> str:
    """``json_canonico`` of a string, an integer or None (what the entry's own fields hold)."""
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    return str(_texto_json(value))


_texto_json = json.encoder.encode_basestring  # type: ignore[attr-defined]  # json.dumps's, ensure_ascii off


def encadeador(comuns: Mapping[str, Any]) -> Callable[[str, int, str, str, str | None, str, str], str]:
    """``entry_hash`` for the entries of one commit, their before/after given as ``json_canonico``
    texts (the writer stores those too, so each is encoded once), which share ``comuns`` (``actor_id``,
    ``actor_email``, ``occurred_at``, ``request_id``, already ``jsonable``): those are encoded once and
    each entry's canonical JSON is put together from pieces in the sorted key order. A retorno's commit
    hashes 200,000 entries; encoding two small dicts per entry was most of it.

    The returned function takes (prev_hash, seq, action, entity, entity_id, before_json, after_json).
    """
    ator = f',"actor_email":{_escalar(comuns["actor_email"])},"actor_id":{_escalar(comuns["actor_id"])}'
    fim = (
        f',"occurred_at":{_escalar(comuns["occurred_at"])}'
        f',"request_id":{_escalar(comuns["request_id"])},"seq":'
    )
    codificados: dict[str, str] = {}

    def codificar(texto: str) -> str:
        pronto = codificados.get(texto)
        if pronto is None:
            pronto = codificados[texto] = _escalar(texto)
        return pronto

    def hash_(
        prev_hash: str,
        seq: int,
        action: str,
        entity: str,
        entity_id: str | None,
        before_json: str,
        after_json: str,
    ) -> str:
        canonical = (
            f'{{"action":{codificar(action)}{ator},"after":{after_json},"before":{before_json}'
            f',"entity":{codificar(entity)},"entity_id":{_escalar(entity_id)}{fim}{seq}}}'
        )
        return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()

    return hash_


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
