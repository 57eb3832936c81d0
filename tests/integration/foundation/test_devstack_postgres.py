"""The devstack PostgreSQL isolates databases by role, as the operator relies on."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

pytestmark = pytest.mark.integration


def _dsn(admin_dsn: str, user: str, password: str, database: str) -> str:
    host = admin_dsn.rsplit("@", 1)[1].split("/", 1)[0]
    return f"postgresql://{user}:{password}@{host}/{database}"


async def test_role_owns_its_database_and_others_cannot_connect(pg_admin_dsn: str) -> None:
    suffix = uuid.uuid4().hex[:8]
    a, b = f"role_a_{suffix}", f"role_b_{suffix}"
    admin = await asyncpg.connect(pg_admin_dsn)
    try:
        for role in (a, b):
            await admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'pw-{role}'")
            await admin.execute(f"CREATE DATABASE {role} OWNER {role}")
            await admin.execute(f"REVOKE CONNECT ON DATABASE {role} FROM PUBLIC")

        own = await asyncpg.connect(_dsn(pg_admin_dsn, a, f"pw-{a}", a))
        try:
            await own.execute("CREATE TABLE t (x int)")
            assert await own.fetchval("SELECT current_user") == a
        finally:
            await own.close()

        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied for database"):
            await asyncpg.connect(_dsn(pg_admin_dsn, b, f"pw-{b}", a))
        with pytest.raises(asyncpg.InvalidPasswordError):
            await asyncpg.connect(_dsn(pg_admin_dsn, a, "wrong", a))
    finally:
        for role in (a, b):
            await admin.execute(f"DROP DATABASE IF EXISTS {role} WITH (FORCE)")
            await admin.execute(f"DROP ROLE IF EXISTS {role}")
        await admin.close()


async def test_make_database_gives_an_empty_database(make_database) -> None:
    dsn = make_database()
    conn = await asyncpg.connect(dsn)
    try:
        tables = await conn.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert tables == 0
    finally:
        await conn.close()
