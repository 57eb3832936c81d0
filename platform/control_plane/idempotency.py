"""The ``Idempotency-Key`` header of the calls a retry must not repeat (a payment, a restore).

Declared required in the OpenAPI document; absent at run time it is a 428 (``precondition-required``),
not Litestar's 400. The services store the key with the work and answer a retry with its first result.
"""

from __future__ import annotations

from litestar.params import HeaderParameter

from consorcio_kit.input_rules import IDEMPOTENCY_KEY_PATTERN
from control_plane.problems import InvalidInput, PreconditionRequired

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


def idempotency_key_header(description: str) -> HeaderParameter:
    """The header's parameter for a route's ``Annotated[str | None, ...] = None`` argument."""
    return HeaderParameter(
        name=IDEMPOTENCY_HEADER,
        required=True,
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description=description,
    )


def require_idempotency_key(key: str | None, action: str) -> str:
    """The key, or 428 when the header is missing (422 when longer than 200 characters)."""
    if not key:
        raise PreconditionRequired(f"send an Idempotency-Key header (e.g. a UUID) with every {action}")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidInput.field(IDEMPOTENCY_HEADER, f"must be at most {MAX_KEY_LENGTH} characters")
    return key
