"""Operator stop: close the shared clients."""

from __future__ import annotations

from typing import Any

import kopf


@kopf.on.cleanup()
async def on_cleanup(memo: Any, **_: Any) -> None:
    """Close connections to the API server, PostgreSQL, Redis and Vault."""
    runtime = getattr(memo, "runtime", None)
    if runtime is not None:
        await runtime.close()
