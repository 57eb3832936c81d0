"""``TextoCifrado``: a text column stored encrypted with the process's personal-data keys."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

from tenant_app.dados_pessoais import chaves, cifra

#: Comparisons that would compare ciphertexts (each encryption differs): query the blind index instead.
_SEM_SENTIDO = frozenset(
    {
        operators.eq,
        operators.ne,
        operators.in_op,
        operators.not_in_op,
        operators.like_op,
        operators.ilike_op,
        operators.not_like_op,
        operators.not_ilike_op,
        operators.contains_op,
        operators.startswith_op,
        operators.endswith_op,
        operators.lt,
        operators.le,
        operators.gt,
        operators.ge,
    }
)


class TextoCifrado(TypeDecorator[str]):
    """Encrypted on the way in, decrypted on the way out; ``contexto`` names the column
    (``"consorciados.email"``) and binds each ciphertext to it. NULL stays NULL; a stored value
    without the ``dp1:`` prefix is legacy plaintext (before the backfill) and is read as is.

    Comparing the column with a value raises: the same value encrypts differently each time,
    so ``WHERE documento = :cpf`` would silently find nothing. Use the blind-index column.
    """

    impl = Text
    cache_ok = True

    def __init__(self, contexto: str) -> None:
        super().__init__()
        self.contexto = contexto

    class Comparator(TypeDecorator.Comparator[str]):
        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            if op in _SEM_SENTIDO and not (other and other[0] is None):
                raise TypeError(f"{self.expr}: coluna cifrada não se compara por valor (use o índice cego)")
            return super().operate(op, *other, **kwargs)

    comparator_factory = Comparator

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return cifra.cifrar(chaves.atuais(), self.contexto, value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or not cifra.cifrado(value):
            return value
        return cifra.decifrar(chaves.atuais(), self.contexto, value)


class JsonCifrado(TextoCifrado):
    """A JSON value stored encrypted: its JSON text is what ``TextoCifrado`` encrypts, so the backfill
    treats both alike (a legacy row holds the JSON text in clear)."""

    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:  # type: ignore[override]
        if value is None:
            return None
        return super().process_bind_param(json.dumps(value, ensure_ascii=False, sort_keys=True), dialect)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        texto = super().process_result_value(value, dialect)
        return None if texto is None else json.loads(texto)
