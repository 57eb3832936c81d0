"""The Redis ACL rules of a tenant user: its key prefix, its channels, and
only the commands a Litestar app plus Celery need.
"""

from __future__ import annotations

from tenant_operator import names

# Data-type and messaging categories an app, a cache and Celery (kombu's
# Redis transport and result backend) use.
_ALLOWED_CATEGORIES = (
    "@read",
    "@write",
    "@string",
    "@list",
    "@hash",
    "@set",
    "@sortedset",
    "@stream",
    "@bitmap",
    "@hyperloglog",
    "@geo",
    "@pubsub",
    "@transaction",
    "@connection",
    "@scripting",
)
# Taken back out: commands that are not bound by key patterns and would reveal
# or affect other tenants (SCAN/KEYS list every key name, PUBSUB CHANNELS
# every channel), server-wide state (FUNCTION, SCRIPT FLUSH/KILL) and
# client-side caching broadcasts.
_DENIED = (
    "-@dangerous",
    "-@admin",
    "-scan",
    "-keys",
    "-randomkey",
    "-dbsize",
    "-pubsub|channels",
    "-pubsub|numpat",
    "-pubsub|shardchannels",
    "-function",
    "-script|flush",
    "-script|kill",
    "-client|tracking",
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
        *(f"+{c}" for c in _ALLOWED_CATEGORIES),
        *_DENIED,
    ]


def expected_selectors(name: str) -> tuple[str, str]:
    """The key and channel patterns ACL GETUSER reports for the user."""
    prefix = names.redis_key_prefix(name)
    return f"~{prefix}*", f"&{prefix}*"
