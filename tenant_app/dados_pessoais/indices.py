"""Blind indexes: how a lookup by an encrypted value (a CPF) still finds its row.

An index column holds HMAC(index key, context ‖ value) of its encrypted column's plaintext.
It is kept equal to it on every ORM assignment (:func:`manter`) and on Core / bulk inserts that
do not give it (:func:`padrao`, the column's default), so no writer can forget it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import InstrumentedAttribute

from tenant_app.dados_pessoais import chaves, cifra

#: ``info`` key of a blind-index column: the name of the encrypted column it indexes (the backfill reads it).
INDICE_DE = "indice_de"


def indice(contexto: str, valor: str | None) -> str | None:
    """The blind index of a normalised value with the process's keys (None stays None)."""
    return None if valor is None else cifra.indice(chaves.atuais(), contexto, valor)


def padrao(coluna: str, contexto: str) -> Callable[[DefaultExecutionContext], str | None]:
    """A column default computing the index from ``coluna`` of the same INSERT."""

    def calcular(contexto_sql: DefaultExecutionContext) -> str | None:
        return indice(contexto, contexto_sql.get_current_parameters().get(coluna))

    return calcular


def manter(atributo: InstrumentedAttribute[Any], coluna_indice: str, contexto: str) -> None:
    """Set ``coluna_indice`` whenever ``atributo`` is assigned on an ORM object."""

    def ao_atribuir(alvo: Any, valor: Any, _antigo: Any, _iniciador: Any) -> None:
        setattr(alvo, coluna_indice, indice(contexto, valor))

    event.listen(atributo, "set", ao_atribuir)
