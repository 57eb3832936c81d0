"""``Idempotency-Key`` on every money-moving or irreversible call: required, documented, replayed.

The header is declared required in the OpenAPI document; a call without it is
answered 428 problem+json (``idempotency_key_obrigatoria``) before anything
runs, a malformed one 400. The first answer is stored with the work
(``tenant_app.idempotency.run_once``) and a repeat with the same key and body
gets it back with ``Idempotent-Replayed: true``; the same key with another body
is 422.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any

import msgspec
from litestar import Response
from litestar.params import HeaderParameter

from consorcio_kit.input_rules import IDEMPOTENCY_KEY_PATTERN
from tenant_app.erros import FieldError, PrecondicaoExigida
from tenant_app.idempotency import fingerprint, run_once, validate_key
from tenant_app.unit_of_work import UnitOfWork

IDEMPOTENCY_HEADER = "Idempotency-Key"

DESCRICAO = (
    "Obrigatório (8 a 200 caracteres ASCII visíveis, ex.: um UUID novo por operação). "
    "Repetir a chamada com a mesma chave e o mesmo corpo devolve a primeira resposta "
    "(cabeçalho Idempotent-Replayed: true) sem repetir o efeito; a mesma chave com outro corpo é 422. "
    "Sem o cabeçalho: 428."
)

#: The handler parameter: documented as required; absent at run time it becomes a 428, not a 400.
ChaveIdempotencia = Annotated[
    str | None,
    HeaderParameter(
        name=IDEMPOTENCY_HEADER,
        required=True,
        description=DESCRICAO,
        min_length=8,
        max_length=200,
        pattern=IDEMPOTENCY_KEY_PATTERN,
    ),
]


def exigir_chave(chave: str | None) -> str:
    """The key, or 428 when the header is missing (400 when it is malformed)."""
    if chave is None:
        raise PrecondicaoExigida(
            "Esta operação movimenta dinheiro ou não pode ser desfeita: envie o cabeçalho Idempotency-Key "
            "(um valor novo por operação; repita-o só ao reenviar a mesma operação).",
            errors=[FieldError(IDEMPOTENCY_HEADER, "obrigatório, 8 a 200 caracteres ASCII")],
            code="idempotency_key_obrigatoria",
        )
    return validate_key(chave)


def resposta(status: int, body: dict[str, Any], repetida: bool) -> Response[Any]:
    """The stored or fresh answer, saying whether it is a replay."""
    return Response(
        body, status_code=status, headers={"Idempotent-Replayed": "true" if repetida else "false"}
    )


async def uma_vez(
    uow: UnitOfWork,
    escopo: str,
    chave: str | None,
    identidade: Sequence[bytes | str],
    trabalho: Callable[[], Awaitable[msgspec.Struct]],
    *,
    status: int = 200,
) -> Response[Any]:
    """Run ``trabalho`` (one service call ending in ``uow.commit()``) once per key of ``escopo``.

    ``identidade`` is what makes two requests the same (path ids and the encoded body).
    """
    key = exigir_chave(chave)
    digest = fingerprint(*identidade)

    async def work() -> tuple[int, dict[str, Any]]:
        corpo = await trabalho()
        await uow.flush()
        return status, msgspec.to_builtins(corpo)

    return resposta(*(await run_once(uow, escopo, key, digest, work)))
