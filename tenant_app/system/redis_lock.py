"""A Redis lock (a group's apuração, the daily exclusion task): one holder,
token-checked, with a renewed lease.

Only the holder's random token can release or extend the key (``WATCH`` the
key, compare the token, then ``MULTI``/``EXEC``: no Lua, which the tenant's
Redis ACL does not allow), so an expired holder never frees a lock someone else
took in the meantime. While the holder works, a background task extends the
lease; if it cannot (Redis gone, key taken), the holder is told the lock is
lost and must not commit. Any Redis error while acquiring fails closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable
from types import TracebackType

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import RedisError, WatchError

log = logging.getLogger("tenant_app.system.redis_lock")


class LockUnavailable(Exception):
    """Redis could not be asked: the guarded work must not run."""


class LockBusy(Exception):
    """Someone else holds the lock."""


class LockLost(Exception):
    """The lease could not be renewed: another holder may exist now."""


class RedisLock:
    """``async with RedisLock(redis, key):`` runs the body only while holding ``key``."""

    def __init__(
        self, redis: Redis, key: str, *, ttl_ms: int = 15_000, renew_every_ms: int | None = None
    ) -> None:
        self.redis = redis
        self.key = key
        self.ttl_ms = ttl_ms
        # A third of the lease: two renewals may fail to arrive before it expires.
        self.renew_every_ms = renew_every_ms or ttl_ms // 3
        self.token = secrets.token_hex(16)
        self._renewer: asyncio.Task[None] | None = None
        self._lost = False

    @property
    def lost(self) -> bool:
        """True once a renewal failed."""
        return self._lost

    def ensure_held(self) -> None:
        """Raise ``LockLost`` if the lease may have passed to someone else."""
        if self._lost:
            raise LockLost(self.key)

    async def acquire(self) -> None:
        """Take the lock or raise ``LockBusy`` / ``LockUnavailable``."""
        try:
            acquired = await self.redis.set(self.key, self.token, nx=True, px=self.ttl_ms)
        except (RedisError, OSError) as err:
            raise LockUnavailable(str(err)) from err
        if not acquired:
            raise LockBusy(self.key)
        self._renewer = asyncio.create_task(self._renew_loop(), name=f"renew {self.key}")

    async def renew(self) -> bool:
        """Extend the lease once; False when the key is no longer ours."""
        try:
            result = await self._if_ours(lambda pipe: pipe.pexpire(self.key, self.ttl_ms))
        except (RedisError, OSError):
            log.warning("lock %s: renewal failed, treating the lock as lost", self.key)
            self._lost = True
            return False
        if not result:
            self._lost = True
        return bool(result)

    async def release(self) -> bool:
        """Delete the key if it still holds our token; never deletes someone else's."""
        if self._renewer is not None:
            self._renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewer
            self._renewer = None
        try:
            return await self._if_ours(lambda pipe: pipe.delete(self.key))
        except (RedisError, OSError):
            # The lease expires on its own.
            log.warning("lock %s: release failed; it will expire in %d ms", self.key, self.ttl_ms)
            return False

    async def _if_ours(self, command: Callable[[Pipeline], object]) -> bool:
        """Run ``command`` on the key only while it holds our token (atomic: WATCH + MULTI/EXEC)."""
        async with self.redis.pipeline(transaction=True) as pipe:
            try:
                await pipe.watch(self.key)
                value = await pipe.get(self.key)
                if isinstance(value, bytes):
                    value = value.decode()
                if value != self.token:
                    await pipe.unwatch()
                    return False
                pipe.multi()
                command(pipe)
                (result,) = await pipe.execute()
            except WatchError:
                # Changed between the check and EXEC (expired and taken): not ours any more.
                return False
        return bool(result)

    async def _renew_loop(self) -> None:
        while True:
            await asyncio.sleep(self.renew_every_ms / 1000)
            if not await self.renew():
                return

    async def __aenter__(self) -> RedisLock:
        await self.acquire()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.release()
