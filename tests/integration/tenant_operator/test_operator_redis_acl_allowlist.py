"""The tenant Redis ACL against the real Redis: an explicit allowlist, no scripting.

Findings (issue 20, item 3): the tenant ACL granted whole categories
(``+@scripting`` included ``SCRIPT DEBUG``, whose SYNC mode blocks the
server, and ``EVAL`` of a script that loops after a write, which only
``SHUTDOWN NOSAVE`` stops).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio as aioredis
from redis.exceptions import NoPermissionError, NoScriptError
from tenant_operator import names
from tenant_operator.provisioners.redis_acl import RedisProvisioner
from tenant_operator.specs.redis_acl import ALLOWED_COMMANDS, VETTED_SCRIPTS, acl_rules, script_sha

pytestmark = pytest.mark.integration

PASSWORD = "pw-allowlist"


@pytest.fixture
async def tenant_user(redis_url: str) -> AsyncIterator[tuple[aioredis.Redis, str, str]]:
    """A user with exactly the operator's rules; (admin client, user name, tenant slug)."""
    slug = f"acl{uuid.uuid4().hex[:8]}"
    user = names.redis_user(slug)
    admin = aioredis.Redis.from_url(redis_url, decode_responses=True)
    await admin.execute_command(
        "ACL", "SETUSER", user, *acl_rules(slug, hashlib.sha256(PASSWORD.encode()).hexdigest())
    )
    try:
        yield admin, user, slug
    finally:
        await admin.execute_command("ACL", "DELUSER", user)
        await admin.aclose()


async def _raw(admin: aioredis.Redis, *args: str) -> Any:
    """A reply without redis-py's parsing (its COMMAND callback expects COMMAND INFO)."""
    conn = await admin.connection_pool.get_connection()
    try:
        await conn.send_command(*args)
        return await conn.read_response()
    finally:
        await admin.connection_pool.release(conn)


async def _command_arities(admin: aioredis.Redis) -> dict[str, int]:
    """Every runnable command of the server with its arity: plain commands and the
    subcommands (``container|sub``) of containers such as CONFIG or SCRIPT."""
    infos = await _raw(admin, "COMMAND", "INFO")
    arities: dict[str, int] = {}
    for info in infos:
        subcommands = info[9] if len(info) > 9 else []
        if not subcommands:
            arities[str(info[0]).lower()] = int(info[1])
        for sub in subcommands:
            arities[str(sub[0]).lower()] = int(sub[1])
    return arities


async def test_tenant_acl_allows_exactly_the_allowlisted_commands(tenant_user) -> None:  # type: ignore[no-untyped-def]
    admin, user, slug = tenant_user
    key = f"{names.redis_key_prefix(slug)}k"
    listed = {str(c).lower() for c in await _raw(admin, "COMMAND", "LIST")}
    arities = await _command_arities(admin)
    # COMMAND LIST names containers and subcommands; containers are checked through theirs.
    containers = listed - set(arities)
    assert all(any(c.startswith(f"{k}|") for c in arities) for k in containers)
    listed -= containers
    allowed = set()
    for command in sorted(listed | set(arities)):
        words = command.split("|")
        # Arity counts the command (and subcommand) itself; negative means "at least".
        n_args = max(abs(arities[command]) - len(words), 0)
        try:
            reply = await admin.execute_command("ACL", "DRYRUN", user, *words, *([key] * n_args))
        except Exception as err:
            reply = str(err)
        if "no permissions to run" not in str(reply):
            allowed.add(command)
    assert allowed == set(ALLOWED_COMMANDS)
    for dangerous in (
        "script|debug",
        "script|load",
        "eval",
        "fcall",
        "function|load",
        "client|list",
        "client|kill",
        "monitor",
        "debug",
        "config|set",
        "keys",
        "scan",
    ):
        assert dangerous in arities and dangerous not in allowed


async def test_tenant_cannot_run_a_busy_script_that_stalls_the_server(tenant_user, redis_url) -> None:  # type: ignore[no-untyped-def]
    admin, user, slug = tenant_user
    key = f"{names.redis_key_prefix(slug)}k"
    host_port = redis_url.rsplit("@", 1)[1]
    tenant = aioredis.Redis.from_url(f"redis://{user}:{PASSWORD}@{host_port}", decode_responses=True)
    # A script that writes and then loops: once past the busy threshold only SHUTDOWN NOSAVE
    # would end it. Every way to get it run is refused.
    busy = (
        "redis.call('set', KEYS[1], 1) local t = redis.call('time')[1] + 30 "
        "while tonumber(redis.call('time')[1]) < t do end return 1"
    )
    try:
        for attempt in (
            lambda: tenant.eval(busy, 1, key),
            lambda: tenant.script_load(busy),
            lambda: tenant.execute_command("SCRIPT", "DEBUG", "SYNC"),
            lambda: tenant.execute_command(
                "FUNCTION", "LOAD", "#!lua name=x\nredis.register_function('f', function() return 1 end)"
            ),
            lambda: tenant.execute_command("FCALL", "f", 0),
        ):
            with pytest.raises(NoPermissionError):
                await attempt()
        # EVALSHA runs only what is already cached: never the tenant's own script.
        with pytest.raises(NoScriptError):
            await tenant.evalsha(script_sha(busy), 1, key)
        # The server kept answering everyone at once.
        started = time.monotonic()
        assert await asyncio.wait_for(admin.ping(), 2)
        assert time.monotonic() - started < 1
        # The app's own needs work without scripting: counters with expiry in MULTI/EXEC,
        # a compare-and-delete under WATCH.
        async with tenant.pipeline(transaction=True) as pipe:
            pipe.incrby(key, 3)
            pipe.expire(key, 65, nx=True)
            assert await pipe.execute() == [3, True]
        async with tenant.pipeline(transaction=True) as pipe:
            await pipe.watch(key)
            assert await pipe.get(key) == "3"
            pipe.multi()
            pipe.delete(key)
            assert await pipe.execute() == [1]
        # Celery's lock release (kombu's mutex) runs through the script the operator loaded.
        prov = RedisProvisioner(redis_url)
        try:
            await prov.ensure_scripts()
        finally:
            await prov.close()
        assert await tenant.set(key, "tok")
        assert await tenant.evalsha(script_sha(VETTED_SCRIPTS[0]), 1, key, "tok") == 1
    finally:
        await tenant.aclose()
