"""libpq connection URLs -> SQLAlchemy asyncpg URLs.

The operator, Terraform and Helm hand both apps a libpq URL
(``postgresql://role:pw@host:5432/db?sslmode=require``), the form every
PostgreSQL tool understands. SQLAlchemy's asyncpg dialect passes the query
string to ``asyncpg.connect`` as keyword arguments, and asyncpg names some of
them differently, so the URL is translated once, here, for both apps.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_POSTGRES_SCHEMES = frozenset(
    {"postgres", "postgresql", "postgresql+asyncpg", "postgresql+psycopg", "postgresql+psycopg2"}
)
# libpq parameter -> asyncpg.connect keyword. asyncpg's ``ssl`` takes the
# same values as libpq's ``sslmode`` (disable, allow, prefer, require,
# verify-ca, verify-full).
_RENAMED = {"sslmode": "ssl"}
# libpq parameters asyncpg.connect has no keyword for (or, like
# connect_timeout, would receive as a string): passed through they would fail
# only at the first connection, with a TypeError.
_UNSUPPORTED = frozenset(
    {"sslrootcert", "sslcert", "sslkey", "sslpassword", "sslcrl", "application_name", "connect_timeout"}
)


class InvalidDatabaseUrl(ValueError):
    """Not a PostgreSQL URL, or a parameter asyncpg cannot honour."""


def asyncpg_url(url: str) -> str:
    """The SQLAlchemy asyncpg URL for a libpq (or already asyncpg) URL; idempotent."""
    parts = urlsplit(url)
    if parts.scheme not in _POSTGRES_SCHEMES:
        raise InvalidDatabaseUrl(f"must be postgresql://..., got scheme {parts.scheme!r}")
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key in _UNSUPPORTED:
            raise InvalidDatabaseUrl(f"the libpq parameter {key!r} is not supported by the asyncpg driver")
        query.append((_RENAMED.get(key, key), value))
    return urlunsplit(("postgresql+asyncpg", parts.netloc, parts.path, urlencode(query), parts.fragment))
