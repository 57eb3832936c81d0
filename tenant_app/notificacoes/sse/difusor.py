"""One Redis subscription per app process, fanned out to every connected browser.

A subscription per browser would cost a Redis connection each (1,000 users, 1,000
connections against the tenant's limit); here each connection costs a small queue.
A browser too slow to drain its queue is disconnected; it reconnects with
``Last-Event-ID`` and catches up from the outbox table.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from redis.asyncio import Redis

log = logging.getLogger("tenant_app.notificacoes.sse")

#: Messages a connection may have waiting before it is dropped (it reconnects and replays).
FILA_MAXIMA = 1000
DESCONECTAR = object()


class Difusor:
    def __init__(self, redis: Redis, canal: str) -> None:
        self._redis = redis
        self._canal = canal
        self._filas: set[asyncio.Queue[Any]] = set()
        self._tarefa: asyncio.Task[None] | None = None
        self._pronto = asyncio.Event()

    @property
    def conexoes(self) -> int:
        return len(self._filas)

    async def assinar(self) -> asyncio.Queue[Any]:
        """A queue that receives every message published from now on (subscription confirmed)."""
        fila: asyncio.Queue[Any] = asyncio.Queue(FILA_MAXIMA)
        self._filas.add(fila)
        if self._tarefa is None or self._tarefa.done():
            self._pronto.clear()
            self._tarefa = asyncio.create_task(self._ouvir(), name="sse-difusor")
        await asyncio.wait_for(self._pronto.wait(), timeout=10)
        return fila

    def cancelar(self, fila: asyncio.Queue[Any]) -> None:
        self._filas.discard(fila)

    async def _ouvir(self) -> None:
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(self._canal)
                self._pronto.set()
                async for msg in pubsub.listen():
                    if msg.get("type") != "message":
                        continue
                    try:
                        evento = json.loads(msg["data"])
                    except (TypeError, ValueError):
                        continue
                    for fila in list(self._filas):
                        try:
                            fila.put_nowait(evento)
                        except asyncio.QueueFull:
                            self._filas.discard(fila)
                            with contextlib.suppress(asyncio.QueueFull):
                                fila.get_nowait()
                                fila.put_nowait(DESCONECTAR)
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis restarted: tell everyone to reconnect (they replay), resubscribe
                log.warning("live channel lost; reconnecting", exc_info=True)
                for fila in list(self._filas):
                    with contextlib.suppress(asyncio.QueueFull):
                        fila.put_nowait(DESCONECTAR)
                self._filas.clear()
                await asyncio.sleep(1)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[attr-defined]

    async def fechar(self) -> None:
        if self._tarefa is not None:
            self._tarefa.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._tarefa
