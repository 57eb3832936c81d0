"""Tenant databases on the shared PostgreSQL (asyncpg).

Each tenant gets a login role and a database of the same name that the role
owns; PUBLIC loses CONNECT, so no other tenant's role can even open it. The
role carries its plan's limits: ``CONNECTION LIMIT`` (hard: changing it needs
CREATEROLE) and ``statement_timeout`` / ``idle_in_transaction_session_timeout``
defaults (``ALTER ROLE ... SET``); any other per-role or per-role-in-database
setting is removed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import asyncpg

from consorcio_contract.plans import CATALOG, DatabaseLimits, PlanName
from tenant_operator.provisioners import scram

#: Limits used when a caller passes none: the smallest plan's.
DEFAULT_LIMITS = CATALOG[PlanName.STARTER].database

ORPHAN_COMMENT_PREFIX = "consorcio.io/orphaned:"
#: In the orphan comment: whose data the retained database holds (re-adopted only by the same CNPJ).
ORPHAN_CNPJ_MARK = "cnpj="


class RetainedForAnother(Exception):
    """A retained database (or Vault data) belongs to another administradora: not re-adopted."""


# INHERIT (the default) is required: the role reaches its database's public
# schema through the implicit pg_database_owner membership.
_ROLE_FLAGS = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def role_settings(limits: DatabaseLimits) -> list[str]:
    """The role's settings as pg_db_role_setting stores them (``name=value``), sorted."""
    return sorted(
        [
            f"statement_timeout={limits.statement_timeout_ms}",
            f"idle_in_transaction_session_timeout={limits.idle_in_transaction_session_timeout_ms}",
        ]
    )


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
    #: The CNPJ that comment records (None: not recorded).
    orphan_cnpj: str | None = None
    #: rolconnlimit is the plan's.
    connection_limit_ok: bool = True
    #: The role's settings are exactly the plan's (none per database).
    settings_ok: bool = True
    #: The live verifier declares more SCRAM iterations than the operator computes.
    verifier_too_costly: bool = False

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
                self.connection_limit_ok,
                self.settings_ok,
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

    async def inspect(
        self, ident: str, password: str, limits: DatabaseLimits = DEFAULT_LIMITS
    ) -> DatabaseState:
        """Read-only check of role, password, limits, database, owner and CONNECT privileges."""
        pool = await self._get_pool()
        async with pool.acquire() as conn:
            role = await conn.fetchrow(
                "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolinherit, rolreplication,"
                " rolbypassrls, rolpassword, rolconnlimit, oid FROM pg_authid WHERE rolname = $1",
                ident,
            )
            settings = await conn.fetch(
                "SELECT setdatabase, setconfig FROM pg_db_role_setting WHERE setrole = $1",
                role["oid"] if role else 0,
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
        live_settings = {(r["setdatabase"], tuple(sorted(r["setconfig"] or ()))) for r in settings}
        iterations = scram.iterations(role["rolpassword"]) if role else None
        return DatabaseState(
            role_exists=role is not None,
            role_flags_ok=flags_ok,
            # Never computes a verifier above scram.MAX_ITERATIONS (it is reset instead).
            password_ok=bool(role) and scram.verifies(role["rolpassword"], password),
            verifier_too_costly=iterations is not None and iterations > scram.MAX_ITERATIONS,
            connection_limit_ok=bool(role) and role["rolconnlimit"] == limits.connection_limit,
            settings_ok=live_settings == {(0, tuple(role_settings(limits)))},
            database_exists=db is not None,
            owner_ok=bool(db) and db["owner"] == ident,
            public_revoked=public_revoked,
            orphan_mark=bool(db and db["comment"] and db["comment"].startswith(ORPHAN_COMMENT_PREFIX)),
            orphan_cnpj=_orphan_cnpj(db["comment"] if db else None),
        )

    async def ensure(
        self,
        ident: str,
        password: str,
        limits: DatabaseLimits = DEFAULT_LIMITS,
        *,
        cnpj: str | None = None,
        role_only: bool = False,
    ) -> list[str]:
        """Bring role and database to the desired state; what was changed (empty: nothing).

        Idempotent, and safe after a crash at any point: every statement is
        either conditional on the catalog or a no-op when repeated. A database
        retained for another CNPJ than ``cnpj`` raises RetainedForAnother
        before anything is written. ``role_only``: the role, not the database
        (a restore creates that from a dump, owned by the role).
        """
        state = await self.inspect(ident, password, limits)
        if state.in_sync:
            return []
        if role_only:
            # Nothing of a database to check or fix: only the role's attributes count.
            state = replace(state, database_exists=True, owner_ok=True, public_revoked=True)
        if cnpj is not None and state.orphan_mark and state.orphan_cnpj != cnpj:
            raise RetainedForAnother(
                f"database {ident} was retained for another administradora "
                f"(CNPJ {state.orphan_cnpj or 'unknown'}), not {cnpj}: not re-adopted, nothing written"
            )
        changes: list[str] = []
        pool = await self._get_pool()
        verifier = quote_literal(scram.make_verifier(password))
        async with pool.acquire() as conn:
            if not state.role_exists:
                try:
                    await conn.execute(f"CREATE ROLE {quote_ident(ident)} {_ROLE_FLAGS} PASSWORD {verifier}")
                    changes.append("created role")
                except asyncpg.DuplicateObjectError:
                    state = await self.inspect(ident, password, limits)  # created concurrently
            if state.role_exists and not (state.role_flags_ok and state.password_ok):
                await conn.execute(f"ALTER ROLE {quote_ident(ident)} {_ROLE_FLAGS} PASSWORD {verifier}")
                changes.append(
                    "reset password verifier with excessive SCRAM iterations"
                    if state.verifier_too_costly
                    else "reset role attributes and password"
                )
            if not (state.role_exists and state.connection_limit_ok):
                await conn.execute(
                    f"ALTER ROLE {quote_ident(ident)} CONNECTION LIMIT {int(limits.connection_limit)}"
                )
                if state.role_exists:
                    changes.append(f"set connection limit {limits.connection_limit}")
            if not (state.role_exists and state.settings_ok):
                await self._apply_settings(conn, ident, limits)
                if state.role_exists:
                    changes.append("set role timeouts")
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

    @staticmethod
    async def _apply_settings(conn: asyncpg.Connection, ident: str, limits: DatabaseLimits) -> None:
        role = quote_ident(ident)
        # Per-database role settings (which would override the role's) go first.
        for (datname,) in await conn.fetch(
            "SELECT d.datname FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase"
            " WHERE s.setrole = (SELECT oid FROM pg_roles WHERE rolname = $1)",
            ident,
        ):
            await conn.execute(f"ALTER ROLE {role} IN DATABASE {quote_ident(datname)} RESET ALL")
        await conn.execute(f"ALTER ROLE {role} RESET ALL")
        await conn.execute(f"ALTER ROLE {role} SET statement_timeout = {int(limits.statement_timeout_ms)}")
        await conn.execute(
            f"ALTER ROLE {role} SET idle_in_transaction_session_timeout"
            f" = {int(limits.idle_in_transaction_session_timeout_ms)}"
        )

    async def mark_orphaned(self, ident: str, note: str) -> None:
        """Comment on the database that its ConsorcioTenant is gone (Retain)."""
        note = f"{ORPHAN_COMMENT_PREFIX} {note}"
        pool = await self._get_pool()
        async with pool.acquire() as conn:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", ident)
            if exists:
                await conn.execute(f"COMMENT ON DATABASE {quote_ident(ident)} IS {quote_literal(note)}")

    async def disable_login(self, ident: str) -> list[str]:
        """Stop a tenant without touching its data: the role NOLOGIN and its sessions ended.

        The next ``ensure`` (the tenant re-created or adopted) sets LOGIN again,
        since it checks the role's flags.
        """
        pool = await self._get_pool()
        done = []
        async with pool.acquire() as conn:
            can_login = await conn.fetchval("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", ident)
            if can_login:
                await conn.execute(f"ALTER ROLE {quote_ident(ident)} NOLOGIN")
                done.append("role NOLOGIN")
            ended = await conn.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = $1", ident
            )
            if ended:
                done.append(f"{ended} session(s) ended")
        return done

    async def database_exists(self, ident: str) -> bool:
        pool = await self._get_pool()
        async with pool.acquire() as conn:
            return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", ident))

    async def rename_database(self, old: str, new: str) -> None:
        """``ALTER DATABASE old RENAME TO new`` (no session may be open on ``old``)."""
        pool = await self._get_pool()
        async with pool.acquire() as conn:
            await conn.execute(f"ALTER DATABASE {quote_ident(old)} RENAME TO {quote_ident(new)}")

    async def drop_database(self, ident: str) -> None:
        """Drop one database (its sessions ended), if it exists; the role stays."""
        pool = await self._get_pool()
        async with pool.acquire() as conn:
            await conn.execute(f"DROP DATABASE IF EXISTS {quote_ident(ident)} WITH (FORCE)")

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

    async def close_public_databases(self) -> dict[str, str]:
        """Revoke CONNECT/TEMPORARY from PUBLIC on every database that still grants it
        (``postgres``, ``template1``, ``control_plane``... — PostgreSQL grants it by default),
        so no tenant role can open them; database -> what happened.

        Terraform cannot run SQL against a private instance; the operator holds the admin
        DSN anyway and runs this at startup, so the platform's databases are closed to tenant
        roles whoever created them. A database it may not change (a managed service's own)
        is reported, not fatal.
        """
        pool = await self._get_pool()
        done: dict[str, str] = {}
        async with pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT datname FROM pg_database d WHERE datallowconn AND EXISTS ("
                " SELECT 1 FROM aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a"
                " WHERE a.grantee = 0 AND a.privilege_type IN ('CONNECT', 'TEMPORARY'))"
            )
            for row in rows:
                name = row["datname"]
                try:
                    await conn.execute(
                        f"REVOKE CONNECT, TEMPORARY ON DATABASE {quote_ident(name)} FROM PUBLIC"
                    )
                    done[name] = "revoked"
                except asyncpg.PostgresError as err:
                    done[name] = f"not changed: {err}"
        return done


def _orphan_cnpj(comment: str | None) -> str | None:
    """The ``cnpj=`` recorded in an orphan comment."""
    if not comment or not comment.startswith(ORPHAN_COMMENT_PREFIX):
        return None
    for word in comment.replace(";", " ").split():
        if word.startswith(ORPHAN_CNPJ_MARK):
            return word[len(ORPHAN_CNPJ_MARK) :]
    return None
