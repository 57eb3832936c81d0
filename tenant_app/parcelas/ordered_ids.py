"""Time-ordered parcela ids for bulk schedule writing (pure, no I/O).

A grupo start writes hundreds of thousands of parcelas in one statement.
Random (version 4) keys land all over the primary-key B-tree and make that
write markedly slower; ids that increase in insertion order only ever append
to its right edge. The layout is UUID version 7 (RFC 9562): 48-bit Unix
milliseconds, version, variant, then 42 random bits fixed for the whole
statement and a 32-bit counter that numbers its rows. The counter makes the
ids of one statement distinct; the timestamp and random bits keep statements
apart (and the primary key would refuse a collision rather than store it).
The database builds each id as ``prefix || 8 hex digits of the counter``, so
``ordered_id`` below is the exact Python mirror of that expression.
"""

from __future__ import annotations

import secrets
import time
import uuid

#: Rows one statement can number (the counter is the last 32 bits of the id).
MAX_COUNTER = 0xFFFF_FFFF
_RANDOM_BITS = 42


def ordered_id_prefix(unix_ms: int, random_bits: int) -> str:
    """The 24 leading hex digits shared by one statement's ids.

    ``unix_ms`` is the creation time in milliseconds, ``random_bits`` any
    integer (its low 42 bits are used).
    """
    if not 0 <= unix_ms < 1 << 48:
        raise ValueError("unix_ms must fit in 48 bits")
    rand = random_bits & ((1 << _RANDOM_BITS) - 1)
    rand_a, rand_b = rand >> 30, rand & ((1 << 30) - 1)
    # 48 ts | 4 version (7) | 12 rand_a | 2 variant (0b10) | 30 rand_b  = 96 bits
    value = unix_ms << 48 | 0x7 << 44 | rand_a << 32 | 0b10 << 30 | rand_b
    return f"{value:024x}"


def new_ordered_id_prefix() -> str:
    """A prefix for a statement written now."""
    return ordered_id_prefix(time.time_ns() // 1_000_000, secrets.randbits(_RANDOM_BITS))


def ordered_id(prefix: str, counter: int) -> uuid.UUID:
    """The id of row ``counter`` (1-based in practice) of the statement using ``prefix``."""
    if not 0 <= counter <= MAX_COUNTER:
        raise ValueError("counter must fit in 32 bits")
    return uuid.UUID(f"{prefix}{counter:08x}")
