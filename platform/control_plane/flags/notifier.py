"""Tell long-polling tenant apps that their flag snapshot may have changed.

Every API replica subscribes once to a Redis channel; a change anywhere
(flag edited, tenant plan changed) is published after its transaction
commits, and each replica wakes all of its waiting requests, which then
recompute their ETag. Publishing before the commit would wake waiters that
still read the old rows and go back to sleep, missing the change.
Without Redis the notifier still works inside one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

CHANNEL = "control-plane:flag-changes"


class FlagChangeNotifier:
    def __init__(self, redis_url: str | None) -> None:
        self._redis_url = redis_url
        self._redis: Redis | None = None
        self._event = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._redis_url and self._task is None:
            self._redis = Redis.from_url(self._redis_url)
            self._task = asyncio.create_task(self._listen(), name="flag-change-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._redis is not None:
            await self._redis.aclose()  # type: ignore[attr-defined]
            self._redis = None

    def current(self) -> asyncio.Event:
        """The event the next change will set; take it *before* computing an ETag."""
        return self._event

    def _wake(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def publish(self) -> None:
        """Announce a committed change (best effort: waiters also time out and re-check)."""
        if self._redis is None:
            self._wake()
            return
        try:
            await self._redis.publish(CHANNEL, b"1")
        except RedisError:
            logger.warning("could not publish a flag change; pollers pick it up at their timeout")
            self._wake()

    async def _listen(self) -> None:
        assert self._redis is not None
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._wake()
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError):
                logger.warning("flag-change subscription lost; retrying in 1 s")
                # Changes may have happened while disconnected: wake everyone.
                self._wake()
                await asyncio.sleep(1)
