"""A process-wide nudge after a commit that published events.

The process that delivers (the Celery worker) registers what to do — usually queue the
dispatcher task — and the unit of work calls ``avisar()`` after COMMIT. A lost nudge costs
only latency: beat's periodic sweep dispatches whatever is still pending.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger("tenant_app.eventos")

_callbacks: list[Callable[[], None]] = []


def registrar(callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` after each commit with events (it must not block); returns an unregister."""
    _callbacks.append(callback)

    def remover() -> None:
        if callback in _callbacks:
            _callbacks.remove(callback)

    return remover


def avisar() -> None:
    """Events were committed: tell the registered deliverers (errors are logged, never raised)."""
    for callback in list(_callbacks):
        try:
            callback()
        except Exception:  # a nudge must never fail the request that already committed
            log.exception("event nudge failed; the periodic sweep will dispatch")
