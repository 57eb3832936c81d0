"""Writing events: the row the unit of work adds, and the deduplicated insert of periodic scans."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from consorcio_kit import tracing
from tenant_app.eventos.models import EventoOutbox
from tenant_app.eventos.tipos import TIPOS


class TipoDesconhecido(ValueError):
    """A programming error: an event type not declared in ``eventos.tipos``."""


def _json(value: Any) -> Any:
    # Money stays exact as a string with its scale ("100.00"), as the API answers it.
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"not JSON serialisable in an event: {type(value).__name__}")


def normalizar(dados: dict[str, Any]) -> dict[str, Any]:
    """The payload as it will be stored and sent (Decimal → str, UUID → str, dates ISO 8601)."""
    result: dict[str, Any] = json.loads(json.dumps(dados, default=_json))
    return result


def novo_evento(
    tipo: str,
    dados: dict[str, Any],
    *,
    chave: str | None = None,
    usuario_id: uuid.UUID | None = None,
    deduplicacao: str | None = None,
) -> EventoOutbox:
    """An outbox row with its final id (chosen now, kept on every delivery attempt)."""
    if tipo not in TIPOS:
        raise TipoDesconhecido(tipo)
    return EventoOutbox(
        id=uuid.uuid4(),
        tipo=tipo,
        chave=chave,
        dados=normalizar(dados),
        usuario_id=usuario_id,
        deduplicacao=deduplicacao,
        traceparent=tracing.current_traceparent(),
    )


#: The columns of ``linhas_de_eventos``'s rows.
COLUNAS_LINHA = ("id", "tipo", "chave", "dados", "traceparent")


def linhas_de_eventos(
    tipo: str, eventos: Sequence[tuple[dict[str, Any], str | None]]
) -> list[tuple[Any, ...]]:
    """``novo_evento`` for many events of one type as table rows (``COLUNAS_LINHA``; ``dados`` as JSON
    text) for one COPY (``UnitOfWork.publicar_lote``): same id, payload and traceparent, no ORM row each."""
    if tipo not in TIPOS:
        raise TipoDesconhecido(tipo)
    traceparent = tracing.current_traceparent()
    return [
        (uuid.uuid4(), tipo, chave, json.dumps(dados, default=_json), traceparent) for dados, chave in eventos
    ]


async def publicar_unico(
    session: AsyncSession,
    tipo: str,
    dados: dict[str, Any],
    *,
    deduplicacao: str,
    chave: str | None = None,
) -> bool:
    """Insert the event unless one with the same ``deduplicacao`` exists; True if inserted.

    For periodic scans (``parcela.vencendo``), which may run twice for the same day.
    Runs in the caller's transaction.
    """
    row = novo_evento(tipo, dados, chave=chave, deduplicacao=deduplicacao)
    stmt = (
        insert(EventoOutbox)
        .values(
            id=row.id,
            tipo=row.tipo,
            chave=row.chave,
            dados=row.dados,
            deduplicacao=deduplicacao,
            traceparent=row.traceparent,
        )
        .on_conflict_do_nothing(index_elements=[EventoOutbox.deduplicacao])
        .returning(EventoOutbox.id)
    )
    return (await session.execute(stmt)).first() is not None
