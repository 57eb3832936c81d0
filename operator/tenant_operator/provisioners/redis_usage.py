"""Each tenant's footprint on the shared Redis: how many keys, how many bytes (issue 20 item 3).

Every tenant key starts with ``tenant:<name>:`` (the ACL allows nothing else), so one ``SCAN`` over
``tenant:*`` covers all of them: a pass per tenant would walk the whole keyspace once per tenant.
Memory is ``MEMORY USAGE`` per key, pipelined (Redis's own estimate, sampling 5 elements of big
collections): enough to see one tenant filling the server, which is what the metric is for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: Keys asked per SCAN call and per MEMORY USAGE pipeline: small enough not to stall the server
#: (SCAN is incremental), big enough that a million keys take a few hundred round trips.
BATCH = 1000
PREFIX = "tenant:"


@dataclass
class Usage:
    keys: int = 0
    bytes: int = 0


def tenant_of(key: str) -> str | None:
    """``tenant:acme:celery`` → ``acme``; None for a key outside the tenants' namespace."""
    if not key.startswith(PREFIX):
        return None
    name, sep, _rest = key[len(PREFIX) :].partition(":")
    return name if sep and name else None


def total(pairs: Iterable[tuple[str, int | None]]) -> dict[str, Usage]:
    """(key, bytes) → per tenant; a key gone between SCAN and MEMORY USAGE (None) is not counted."""
    usage: dict[str, Usage] = {}
    for key, size in pairs:
        tenant = tenant_of(key)
        if tenant is None or size is None:
            continue
        u = usage.setdefault(tenant, Usage())
        u.keys += 1
        u.bytes += int(size)
    return usage


async def measure(client: Any) -> dict[str, Usage]:
    """One pass over ``tenant:*`` on ``client`` (redis.asyncio, decode_responses=True)."""
    pairs: list[tuple[str, int | None]] = []
    batch: list[str] = []

    async def weigh() -> None:
        pipe = client.pipeline(transaction=False)
        for key in batch:
            pipe.execute_command("MEMORY", "USAGE", key)
        pairs.extend(zip(batch, await pipe.execute(raise_on_error=False), strict=True))
        batch.clear()

    async for key in client.scan_iter(match=f"{PREFIX}*", count=BATCH):
        batch.append(key)
        if len(batch) >= BATCH:
            await weigh()
    if batch:
        await weigh()
    # An error reply for one key (e.g. it expired meanwhile on an old server) counts as gone.
    return total((k, v if isinstance(v, int) else None) for k, v in pairs)
