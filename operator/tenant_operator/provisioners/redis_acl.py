"""Tenant ACL users on the shared Redis (redis.asyncio)."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from tenant_operator.provisioners.redis_usage import Usage, measure
from tenant_operator.specs.redis_acl import VETTED_SCRIPTS, acl_rules, expected_selectors, script_sha

_PROBE_USER = "consorcio-operator-acl-probe"
log = logging.getLogger(__name__)


def password_hash(password: str) -> str:
    """The SHA-256 hex digest Redis stores (and ACL GETUSER shows) for a password."""
    return hashlib.sha256(password.encode()).hexdigest()


def _as_dict(reply: Any) -> dict[str, Any]:
    # RESP2 answers a flat [key, value, ...] list, RESP3 (or a client-side
    # callback) a map; accept both.
    if isinstance(reply, dict):
        return {str(k): v for k, v in reply.items()}
    return {str(reply[i]): reply[i + 1] for i in range(0, len(reply) - 1, 2)}


class RedisProvisioner:
    """Creates, checks and deletes tenant ACL users as an admin user."""

    def __init__(self, admin_url: str, *, require_save: bool = True) -> None:
        self._require_save = require_save
        self._client = aioredis.Redis.from_url(
            admin_url, decode_responses=True, socket_timeout=10, socket_connect_timeout=5
        )
        # Redis rewrites command rules into its own canonical list; learnt
        # once per process from a disabled probe user, then compared against.
        self._canonical_commands: str | None = None

    async def close(self) -> None:
        await self._client.aclose()  # type: ignore[attr-defined]

    async def usage(self) -> dict[str, Usage]:
        """Every tenant's keys and memory (``redis_usage.measure``), tenant name → usage."""
        return await measure(self._client)

    async def _getuser(self, user: str) -> dict[str, Any] | None:
        reply = await self._client.execute_command("ACL", "GETUSER", user)
        return _as_dict(reply) if reply else None

    async def _canonical(self) -> str:
        if self._canonical_commands is None:
            rules = [r for r in acl_rules("probe", "0" * 64) if r[:1] in "+-" and r != "on"]
            await self._client.execute_command("ACL", "SETUSER", _PROBE_USER, "reset", "off", *rules)
            try:
                probe = await self._getuser(_PROBE_USER)
            finally:
                await self._client.execute_command("ACL", "DELUSER", _PROBE_USER)
            self._canonical_commands = str((probe or {}).get("commands", ""))
        return self._canonical_commands

    async def differences(self, user: str, name: str, password: str) -> list[str]:
        """What differs between the live user and the desired one (empty: in sync)."""
        live = await self._getuser(user)
        if live is None:
            return ["user missing"]
        out = []
        flags = live.get("flags") or []
        if "on" not in flags:
            out.append("disabled")
        if list(live.get("passwords") or []) != [password_hash(password)]:
            out.append("password")
        keys, channels = expected_selectors(name)
        if str(live.get("keys") or "") != keys:
            out.append("key pattern")
        if str(live.get("channels") or "") != channels:
            out.append("channel pattern")
        if live.get("selectors"):
            out.append("selectors")
        if str(live.get("commands") or "") != await self._canonical():
            out.append("commands")
        return out

    async def ensure_scripts(self) -> int:
        """Load the vetted scripts tenants may EVALSHA (tenants cannot SCRIPT LOAD); how many
        were missing. The cache empties on a Redis restart, so this runs with every ensure."""
        shas = [script_sha(s) for s in VETTED_SCRIPTS]
        present = await self._client.execute_command("SCRIPT", "EXISTS", *shas)
        missing = [s for s, ok in zip(VETTED_SCRIPTS, present, strict=True) if not int(ok)]
        for script in missing:
            await self._client.execute_command("SCRIPT", "LOAD", script)
        return len(missing)

    async def ensure(self, user: str, name: str, password: str) -> list[str]:
        """Create or correct the user; what differed (empty: nothing was written)."""
        await self.ensure_scripts()  # a cache refill, not drift of the user: not reported
        diff = await self.differences(user, name, password)
        if diff:
            await self._client.execute_command(
                "ACL", "SETUSER", user, *acl_rules(name, password_hash(password))
            )
            await self._save()
        return diff

    async def disable(self, user: str) -> bool:
        """Switch the user ``off`` and disconnect its clients, keys kept; False when absent.

        ``ensure`` reports a disabled user as drift and switches it on again.
        """
        live = await self._getuser(user)
        if live is None:
            return False
        await self._client.execute_command("ACL", "SETUSER", user, "off")
        # "off" only refuses new authentications; connected clients must go too.
        await self._client.execute_command("CLIENT", "KILL", "USER", user)
        await self._save()
        return True

    async def delete(self, user: str, key_prefix: str) -> bool:
        """Delete the user (which disconnects its clients) and the tenant's keys."""
        deleted = int(await self._client.execute_command("ACL", "DELUSER", user)) > 0
        batch: list[str] = []
        async for key in self._client.scan_iter(match=f"{key_prefix}*", count=1000):
            batch.append(key)
            if len(batch) >= 500:
                await self._client.unlink(*batch)
                batch.clear()
        if batch:
            await self._client.unlink(*batch)
        await self._save()
        return deleted

    async def _save(self) -> None:
        """Persist the users (``ACL SAVE`` to the server's aclfile).

        A user only in memory is gone after a Redis restart and the tenant app is locked
        out until the next resync, so a failure is not swallowed: the step fails and its
        condition says why (a Redis without an aclfile is misconfigured for tenants).
        """
        try:
            await self._client.execute_command("ACL", "SAVE")
        except ResponseError as err:
            if not self._require_save:
                log.warning("ACL SAVE failed (%s): tenant users live only in Redis's memory", err)
                return
            raise AclNotPersisted(
                f"ACL SAVE failed ({err}): tenant users would not survive a Redis restart; "
                "start Redis with an aclfile"
            ) from err


class AclNotPersisted(ResponseError):
    """``ACL SAVE`` failed: the users written exist only in the server's memory."""
