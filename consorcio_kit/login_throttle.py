"""Login throttling by progressive delay: per source address, per account, per account and source.

Why not a lockout: a lock that anyone can trigger by typing wrong passwords lets a
stranger keep a user (or, counted per tenant, every user) out. Here a failure only
makes the *next* attempt wait, and the wait grows with the failures of the same
subject:

* **account and source** (``pair``): the attacker guessing one account from one
  address; waits grow to many minutes, and only that address is slowed;
* **source** (``source``): one address trying many accounts (credential stuffing);
* **account** (``account``): many addresses against one account; its wait is capped
  low (seconds), so a distributed attacker can slow the real user but never lock
  him out.

The counters are keyed on a hash of the e-mail as typed (lower-cased), whether or
not an account has it: an unknown e-mail is throttled exactly like a known one, so
the answers never tell which e-mails exist. Attempts are refused *before* the
password is checked, so a waiting attacker learns nothing from them.

State lives in Redis (shared by every replica) in two hashes per attempt: the
account's (its own count and deadline and, as ``n:<source>``/``until:<source>``
fields, each source's against it, so an admin unlock is one ``DEL``) and the
source's. Redis unreachable: attempts pass (fail open, logged) - the password
hash's cost still bounds guessing. Without Redis (``MemoryStore``) the counts are
per process.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger("consorcio_kit.login_throttle")


@dataclass(frozen=True)
class DelayPolicy:
    """``free`` failures cost nothing; then each one doubles the wait from ``base`` up to ``cap``."""

    free: int
    base_seconds: float
    cap_seconds: float
    #: Failures are forgotten this long after the last one.
    window_seconds: int


@dataclass(frozen=True)
class ThrottlePolicy:
    """The three subjects' policies."""

    pair: DelayPolicy = DelayPolicy(free=5, base_seconds=1, cap_seconds=900, window_seconds=3600)
    source: DelayPolicy = DelayPolicy(free=30, base_seconds=1, cap_seconds=900, window_seconds=3600)
    #: Low cap: this one is the only counter a distributed attacker shares with the real user.
    account: DelayPolicy = DelayPolicy(free=20, base_seconds=1, cap_seconds=30, window_seconds=3600)


def delay_after(failures: int, policy: DelayPolicy) -> float:
    """Seconds the next attempt must wait after ``failures`` consecutive failures. Pure."""
    if failures < policy.free:
        return 0.0
    # Exponent bounded before computing: 2**n of a huge count would overflow a float.
    exponent = min(failures - policy.free, 64)
    return float(min(policy.base_seconds * 2**exponent, policy.cap_seconds))


def account_id(email: str) -> str:
    """The e-mail as typed, normalised and hashed: no address is written to Redis."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


class Store(Protocol):
    """Where the counts and deadlines live (Redis, or one process's memory)."""

    async def deadlines(self, account_key: str, source_key: str, source: str) -> list[int]: ...

    async def count_failure(
        self, account_key: str, source_key: str, source: str, window_seconds: int
    ) -> tuple[int, int, int]: ...

    async def set_deadlines(
        self, account_key: str, source_key: str, source: str, until: tuple[int, int, int]
    ) -> None: ...

    async def forget(self, account_key: str, source: str | None) -> None: ...


class RedisStore:
    """The counters in Redis: only hash, ``EXPIRE``, ``DEL`` and ``MULTI``/``EXEC`` (the tenant ACL's)."""

    def __init__(self, redis: Any) -> None:
        self._redis = redis

    async def deadlines(self, account_key: str, source_key: str, source: str) -> list[int]:
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hmget(account_key, ["until", f"until:{source}"])
            pipe.hget(source_key, "until")
            account, src = await pipe.execute()
        return [int(v) for v in [*account, src] if v is not None]

    async def count_failure(
        self, account_key: str, source_key: str, source: str, window_seconds: int
    ) -> tuple[int, int, int]:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(account_key, f"n:{source}", 1)
            pipe.hincrby(account_key, "n", 1)
            pipe.hincrby(source_key, "n", 1)
            pipe.expire(account_key, window_seconds)
            pipe.expire(source_key, window_seconds)
            pair, account, src, _, _ = await pipe.execute()
        return int(pair), int(src), int(account)

    async def set_deadlines(
        self, account_key: str, source_key: str, source: str, until: tuple[int, int, int]
    ) -> None:
        pair, src, account = until
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(account_key, mapping={f"until:{source}": pair, "until": account})
            pipe.hset(source_key, "until", src)
            await pipe.execute()

    async def forget(self, account_key: str, source: str | None) -> None:
        if source is None:
            await self._redis.delete(account_key)
            return
        await self._redis.hdel(account_key, f"n:{source}", f"until:{source}", "n", "until")


@dataclass
class MemoryStore:
    """Per-process counters, for an app without Redis."""

    clock: Callable[[], float] = time.time
    _data: dict[str, tuple[float, dict[str, int]]] = field(default_factory=dict)

    def _hash(self, key: str) -> dict[str, int]:
        expires, values = self._data.get(key, (0.0, {}))
        if expires <= self.clock():
            values = {}
            self._data[key] = (0.0, values)
        return values

    async def deadlines(self, account_key: str, source_key: str, source: str) -> list[int]:
        account, src = self._hash(account_key), self._hash(source_key)
        return [v for v in (account.get("until"), account.get(f"until:{source}"), src.get("until")) if v]

    async def count_failure(
        self, account_key: str, source_key: str, source: str, window_seconds: int
    ) -> tuple[int, int, int]:
        if len(self._data) > 100_000:  # bounded: drop what expired, then everything
            now = self.clock()
            self._data = {k: v for k, v in self._data.items() if v[0] > now} if now else {}
        account, src = self._hash(account_key), self._hash(source_key)
        for values, name in ((account, f"n:{source}"), (account, "n"), (src, "n")):
            values[name] = values.get(name, 0) + 1
        expires = self.clock() + window_seconds
        self._data[account_key] = (expires, account)
        self._data[source_key] = (expires, src)
        return account[f"n:{source}"], src["n"], account["n"]

    async def set_deadlines(
        self, account_key: str, source_key: str, source: str, until: tuple[int, int, int]
    ) -> None:
        self._hash(account_key).update({f"until:{source}": until[0], "until": until[2]})
        self._hash(source_key)["until"] = until[1]

    async def forget(self, account_key: str, source: str | None) -> None:
        if source is None:
            self._data.pop(account_key, None)
            return
        for name in (f"n:{source}", f"until:{source}", "n", "until"):
            self._hash(account_key).pop(name, None)


class LoginThrottle:
    """``wait_seconds`` before checking a password, ``failed``/``succeeded`` after."""

    def __init__(
        self,
        store: Store,
        key_prefix: str,
        policy: ThrottlePolicy | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._prefix = key_prefix
        self.policy = policy or ThrottlePolicy()
        self._clock = clock

    def _keys(self, email: str, source: str) -> tuple[str, str]:
        return f"{self._prefix}login:account:{account_id(email)}", f"{self._prefix}login:source:{source}"

    async def wait_seconds(self, email: str, source: str) -> int:
        """Whole seconds until an attempt for ``email`` from ``source`` is accepted (0: now)."""
        account_key, source_key = self._keys(email, source)
        try:
            deadlines = await self._store.deadlines(account_key, source_key, source)
        except Exception as err:
            log.warning("login throttle unavailable (%s): attempt allowed", type(err).__name__)
            return 0
        remaining_ms = max([0, *deadlines]) - int(self._clock() * 1000)
        return max(0, math.ceil(remaining_ms / 1000))

    async def failed(self, email: str, source: str) -> float:
        """Count a failure; the seconds the next attempt of this pair must wait."""
        account_key, source_key = self._keys(email, source)
        p = self.policy
        window = max(p.pair.window_seconds, p.source.window_seconds, p.account.window_seconds)
        try:
            pair_n, source_n, account_n = await self._store.count_failure(
                account_key, source_key, source, window
            )
            now_ms = int(self._clock() * 1000)
            delays = (
                delay_after(pair_n, p.pair),
                delay_after(source_n, p.source),
                delay_after(account_n, p.account),
            )
            until = (
                now_ms + int(delays[0] * 1000),
                now_ms + int(delays[1] * 1000),
                now_ms + int(delays[2] * 1000),
            )
            if any(delays):
                await self._store.set_deadlines(account_key, source_key, source, until)
        except Exception as err:
            log.warning("login failure not counted (%s)", type(err).__name__)
            return 0.0
        return max(delays)

    async def succeeded(self, email: str, source: str) -> None:
        """The right credentials: forget this account's failures (the source's stay counted)."""
        account_key, _ = self._keys(email, source)
        try:
            await self._store.forget(account_key, source)
        except Exception as err:
            log.warning("login throttle not reset (%s)", type(err).__name__)

    async def unlock(self, email: str) -> None:
        """An admin's unlock: every failure counted against the account, from any source."""
        account_key, _ = self._keys(email, "")
        await self._store.forget(account_key, None)
