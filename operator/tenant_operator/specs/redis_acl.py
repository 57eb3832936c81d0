"""The Redis ACL rules of a tenant user: its key prefix, its channels, and an
explicit allowlist of the commands the tenant app and its Celery worker use.

Nothing is granted by category: a category grows with every Redis release
(and ``@scripting``/``@connection`` hold commands that stall or inspect the
whole server), so a new Redis version can never widen a tenant's rights.
``tests/integration/tenant_operator/test_operator_redis_acl_allowlist.py`` runs
``ACL DRYRUN`` for every command of the real server's ``COMMAND LIST`` and
checks that exactly these are allowed.

No way to run a script of the tenant's own: no ``EVAL``, ``SCRIPT LOAD``,
``SCRIPT DEBUG``, ``FUNCTION`` or ``FCALL``. A Lua script that loops after a
write can only be stopped with ``SHUTDOWN NOSAVE`` and ``SCRIPT DEBUG SYNC``
blocks the server, i.e. one tenant could stall every tenant. The app itself
uses ``MULTI``/``EXEC`` (rate-limit counters with ``EXPIRE ... NX``) and
``WATCH`` (compare-and-delete locks) instead. Only ``EVALSHA`` stays, because
Celery's Redis transport (kombu's unacked-restore mutex, a redis-py ``Lock``)
releases its lock with a Lua script: the operator loads the vetted scripts
(:data:`VETTED_SCRIPTS`) itself, so a tenant can run those (or another
script an admin loaded) but never one it wrote. No ``CLIENT``: redis-py's
``CLIENT SETINFO`` on connect is refused with NOPERM, which redis-py ignores.
No ``SELECT``: tenants live in db 0.
"""

from __future__ import annotations

import hashlib

from tenant_operator import names

#: Scripts the operator loads into Redis's script cache for tenants' EVALSHA:
#: redis-py's lock release (kombu's mutex around restoring unacked messages).
#: Byte for byte redis-py's ``Lock.LUA_RELEASE_SCRIPT`` (the SHA1 must match what
#: the worker sends; a unit test compares it with the locked redis-py).
_REDIS_PY_LOCK_RELEASE = """
        local token = redis.call('get', KEYS[1])
        if not token or token ~= ARGV[1] then
            return 0
        end
        redis.call('del', KEYS[1])
        return 1
    """
VETTED_SCRIPTS: tuple[str, ...] = (_REDIS_PY_LOCK_RELEASE,)


def script_sha(script: str) -> str:
    """The SHA1 Redis keys a cached script by."""
    return hashlib.sha1(script.encode()).hexdigest()


#: Every command (``container|subcommand`` for subcommands) a tenant user may
#: run, by what needs it. Names must exist on Redis 7.0 (the oldest supported
#: server): ``ACL SETUSER`` rejects an unknown command.
ALLOWED_COMMANDS: tuple[str, ...] = (
    # Connection: redis-py's handshake, health checks and clean shutdown.
    "auth",
    "hello",
    "ping",
    "echo",
    "quit",
    "reset",
    # Transactions: rate-limit counters, lock release/renewal, kombu's pipelines and mutex.
    "multi",
    "exec",
    "discard",
    "watch",
    "unwatch",
    # Keys: caches, counters, locks, kombu's bookkeeping.
    "del",
    "unlink",
    "exists",
    "type",
    "expire",
    "pexpire",
    "expireat",
    "pexpireat",
    "ttl",
    "pttl",
    "persist",
    # Strings.
    "get",
    "set",
    "setex",
    "psetex",
    "setnx",
    "getdel",
    "getex",
    "mget",
    "incr",
    "incrby",
    "decr",
    "decrby",
    # Lists: Celery's queues (kombu: LPUSH to send, BRPOP/RPOP to receive).
    "lpush",
    "rpush",
    "lpop",
    "rpop",
    "brpop",
    "blpop",
    "llen",
    "lrange",
    "lrem",
    "ltrim",
    # Hashes: kombu's unacked messages.
    "hset",
    "hget",
    "hmget",
    "hdel",
    "hgetall",
    "hexists",
    "hlen",
    "hincrby",
    # Sets: kombu's exchange bindings.
    "sadd",
    "srem",
    "smembers",
    "sismember",
    "scard",
    # Sorted sets: kombu's unacked index (visibility timeout).
    "zadd",
    "zrem",
    "zcard",
    "zscore",
    "zrange",
    "zrangebyscore",
    "zrevrangebyscore",
    "zremrangebyscore",
    # Only scripts already in the cache (loaded by the operator: VETTED_SCRIPTS).
    "evalsha",
    # Pub/sub on the tenant's own channels (kombu fanout exchanges).
    "publish",
    "subscribe",
    "unsubscribe",
    "psubscribe",
    "punsubscribe",
)


def acl_rules(name: str, password_sha256: str) -> list[str]:
    """Arguments of ``ACL SETUSER <user>`` (after the user name), applied from a reset."""
    prefix = names.redis_key_prefix(name)
    return [
        "reset",
        "on",
        f"#{password_sha256}",
        f"~{prefix}*",
        f"&{prefix}*",
        "-@all",
        *(f"+{c}" for c in ALLOWED_COMMANDS),
    ]


def expected_selectors(name: str) -> tuple[str, str]:
    """The key and channel patterns ACL GETUSER reports for the user."""
    prefix = names.redis_key_prefix(name)
    return f"~{prefix}*", f"&{prefix}*"
