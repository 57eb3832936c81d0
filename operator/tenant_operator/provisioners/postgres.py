"""Tenant databases on the shared PostgreSQL (asyncpg).

Each tenant gets a login role and a database of the same name that the role
owns; PUBLIC loses CONNECT, so no other tenant's role can even open it.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from tenant_operator.provisioners import scram

ORPHAN_COMMENT_PREFIX = "consorcio.io/orphaned:"
# INHERIT (the default) is required: the role reaches its database's public
# schema through the implicit pg_database_owner membership.
_ROLE_FLAGS = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class DatabaseState:
    """What the catalog says about a tenant's role and database."""

    role_exists: bool
    role_flags_ok: bool
    password_ok: bool
    database_exists: bool
    owner_ok: bool
    public_revoked: bool
    #: The database still carries the comment of a Retain deletion.
    orphan_mark: bool = False

    @property
    def in_sync(self) -> bool:
        return all(
            (
                self.role_exists,
                self.role_flags_ok,
                self.password_ok,
                self.database_exists,
                self.owner_ok,
                self.public_revoked,
                not self.orphan_mark,
            )
        )


class PostgresProvisioner:
    """Creates, checks and drops tenant roles and databases as the admin user."""

    def __init__(self, admin_dsn: str, *, max_connections: int = 5) -> None:
        self._dsn = admin_dsn
        self._max = max_connections
        self._pool: asyncpg.Pool | None = None

    async def _get_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            # Lazily, so the operator starts (and reports DatabaseReady=False)
            # even while PostgreSQL is down.
            self._pool = await asyncpg.create_pool(
                self._dsn, min_size=0, max_size=self._max, command_timeout=60, timeout=10
            )
        return self._pool

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()

    async def inspect(self, ident: str, password: str) -> DatabaseState:
        """Read-only check of role, password, database, owner and CONNECT privileges."""
        pool = await self._get_pool()
        async with pool.acquire() as conn:
            role = await conn.fetchrow(
                "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolinherit, rolreplication,"
                " rolbypassrls, rolpassword FROM pg_authid WHERE rolname = $1",
                ident,
            )
            db = await conn.fetchrow(
                "SELECT pg_get_userbyid(datdba) AS owner, datacl::text[] AS acl,"
                " shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
                ident,
            )
        flags_ok = bool(
            role
            and role["rolcanlogin"]
            and role["rolinherit"]
            and not any(
                role[f]
                for f in (
                    "rolsuper",
                    "rolcreatedb",
                    "rolcreaterole",
                    "rolreplication",
                    "rolbypassrls",
                )
            )
        )
        # A NULL acl means the defaults, which grant CONNECT to PUBLIC; an
        # entry "=..." is PUBLIC's.
        acl = (db["acl"] if db else None) or None
        public_revoked = acl is not None and not any(item.startswith("=") for item in acl)
        return DatabaseState(
            role_exists=role is not None,
            role_flags_ok=flags_ok,
            password_ok=bool(role) and scram.verifies(role["rolpassword"], password),
            database_exists=db is not None,
            owner_ok=bool(db) and db["owner"] == ident,
            public_revoked=public_revoked,
            orphan_mark=bool(db and db["comment"] and db["comment"].startswith(ORPHAN_COMMENT_PREFIX)),
        )

    async def ensure(self, ident: str, password: str) -> list[str]:
        """Bring role and database to the desired state; what was changed (empty: nothing).

        Idempotent, and safe after a crash at any point: every statement is
        either conditional on the catalog or a no-op when repeated.
        """
        state = await self.inspect(ident, password)
        if state.in_sync:
            return []
        changes: list[str] = []
        pool = await self._get_pool()
        verifier = quote_literal(scram.make_verifier(password))
        async with pool.acquire() as conn:
            if not state.role_exists:
                try:
                    await conn.execute(f"CREATE ROLE {quote_ident(ident)} {_ROLE_FLAGS} PASSWORD {verifier}")
                    changes.append("created role")
                except asyncpg.DuplicateObjectError:
                    state = await self.inspect(ident, password)  # created concurrently
            if state.role_exists and not (state.role_flags_ok and state.password_ok):
                await conn.execute(f"ALTER ROLE {quote_ident(ident)} {_ROLE_FLAGS} PASSWORD {verifier}")
                changes.append("reset role attributes and password")
            if not state.database_exists:
                try:
                    # CREATE DATABASE cannot run in a transaction block: asyncpg's
                    # execute() without a transaction is exactly that.
                    await conn.execute(f"CREATE DATABASE {quote_ident(ident)} OWNER {quote_ident(ident)}")
                    changes.append("created database")
                except asyncpg.DuplicateDatabaseError:
                    pass
            if not state.owner_ok:
                await conn.execute(f"ALTER DATABASE {quote_ident(ident)} OWNER TO {quote_ident(ident)}")
                if state.database_exists:
                    changes.append("reset database owner")
            if not state.public_revoked:
                await conn.execute(f"REVOKE ALL ON DATABASE {quote_ident(ident)} FROM PUBLIC")
                await conn.execute(
                    f"GRANT CONNECT, TEMPORARY ON DATABASE {quote_ident(ident)} TO {quote_ident(ident)}"
                )
                changes.append("revoked CONNECT from PUBLIC")
            if state.orphan_mark:
                await conn.execute(f"COMMENT ON DATABASE {quote_ident(ident)} IS NULL")
                changes.append("adopted orphaned database")
        return changes

    async def mark_orphaned(self, ident: str, note: str) -> None:
        """Comment on the database that its ConsorcioTenant is gone (Retain)."""
        note = f"{ORPHAN_COMMENT_PREFIX} {note}"
        pool = await self._get_pool()
        async with pool.acquire() as conn:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", ident)
            if exists:
                await conn.execute(f"COMMENT ON DATABASE {quote_ident(ident)} IS {quote_literal(note)}")

    async def drop(self, ident: str) -> list[str]:
        """Drop database (disconnecting its sessions) and role; what was dropped."""
        pool = await self._get_pool()
        dropped = []
        async with pool.acquire() as conn:
            if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", ident):
                await conn.execute(f"DROP DATABASE IF EXISTS {quote_ident(ident)} WITH (FORCE)")
                dropped.append("database")
            if await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", ident):
                await conn.execute(f"DROP ROLE IF EXISTS {quote_ident(ident)}")
                dropped.append("role")
        return dropped
