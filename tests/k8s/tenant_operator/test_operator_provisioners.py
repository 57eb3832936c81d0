"""The provisioners against the real PostgreSQL, Redis and Vault of devstack.

(In tests/k8s/tenant_operator/ because that is the operator's test folder for real
services; these need no Kubernetes, hence the integration marker.)
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest
import redis.asyncio as aioredis
from redis.exceptions import NoPermissionError, ResponseError
from tenant_operator import names
from tenant_operator.provisioners.postgres import PostgresProvisioner
from tenant_operator.provisioners.redis_acl import RedisProvisioner
from tenant_operator.provisioners.snapshot import libpq_env, take_snapshot

pytestmark = pytest.mark.integration


def slug() -> str:
    return f"it{uuid.uuid4().hex[:8]}"


def tenant_dsn(admin_dsn: str, ident: str, password: str) -> str:
    parts = urlsplit(admin_dsn)
    return f"postgresql://{ident}:{password}@{parts.hostname}:{parts.port}/{ident}"


@pytest.fixture
async def postgres(pg_admin_dsn):
    prov = PostgresProvisioner(pg_admin_dsn)
    created: list[str] = []
    yield prov, created
    for ident in created:
        await prov.drop(ident)
    await prov.close()


async def test_database_is_created_once_and_only_its_role_can_connect(postgres, pg_admin_dsn):
    prov, created = postgres
    a, b = names.pg_identifier(slug()), names.pg_identifier(slug())
    created += [a, b]
    assert "created role" in await prov.ensure(a, "pw-a")
    assert "created database" in await prov.ensure(b, "pw-b")
    assert await prov.ensure(a, "pw-a") == []  # idempotent: nothing written the second time
    conn = await asyncpg.connect(tenant_dsn(pg_admin_dsn, a, "pw-a"))
    try:
        await conn.execute("CREATE TABLE t (x int)")  # the role owns its database's public schema
        assert await conn.fetchval("SELECT current_user") == a
    finally:
        await conn.close()
    # Tenant B's credentials against tenant A's database: no CONNECT privilege.
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await asyncpg.connect(tenant_dsn(pg_admin_dsn, b, "pw-b").rsplit("/", 1)[0] + f"/{a}")
    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(tenant_dsn(pg_admin_dsn, a, "wrong"))


async def test_role_drift_is_detected_and_repaired_without_a_new_password(postgres, pg_admin_dsn):
    prov, created = postgres
    a = names.pg_identifier(slug())
    created.append(a)
    await prov.ensure(a, "pw-a")
    admin = await asyncpg.connect(pg_admin_dsn)
    try:
        await admin.execute(f"ALTER ROLE \"{a}\" CREATEDB PASSWORD 'changed'")
        await admin.execute(f'GRANT CONNECT ON DATABASE "{a}" TO PUBLIC')
    finally:
        await admin.close()
    state = await prov.inspect(a, "pw-a")
    assert not state.password_ok and not state.role_flags_ok and not state.public_revoked
    changes = await prov.ensure(a, "pw-a")
    assert changes == ["reset role attributes and password", "revoked CONNECT from PUBLIC"]
    assert (await prov.inspect(a, "pw-a")).in_sync
    conn = await asyncpg.connect(tenant_dsn(pg_admin_dsn, a, "pw-a"))
    await conn.close()


async def test_orphan_mark_is_set_and_cleared_on_adoption(postgres):
    prov, created = postgres
    a = names.pg_identifier(slug())
    created.append(a)
    await prov.ensure(a, "pw")
    await prov.mark_orphaned(a, "deletionPolicy Retain")
    assert (await prov.inspect(a, "pw")).orphan_mark
    assert await prov.ensure(a, "pw") == ["adopted orphaned database"]


async def test_drop_removes_database_and_role_even_with_open_sessions(postgres, pg_admin_dsn):
    prov, _ = postgres
    a = names.pg_identifier(slug())
    await prov.ensure(a, "pw")
    conn = await asyncpg.connect(tenant_dsn(pg_admin_dsn, a, "pw"))
    assert await prov.drop(a) == ["database", "role"]
    with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, ConnectionError)):
        await conn.fetchval("SELECT 1")  # terminated by DROP DATABASE ... WITH (FORCE)
    assert await prov.drop(a) == []
    state = await prov.inspect(a, "pw")
    assert not state.role_exists and not state.database_exists


async def test_snapshot_dump_verifies_and_restores(postgres, pg_admin_dsn, make_database, tmp_path: Path):
    prov, created = postgres
    name = slug()
    a = names.pg_identifier(name)
    created.append(a)
    await prov.ensure(a, "pw")
    conn = await asyncpg.connect(tenant_dsn(pg_admin_dsn, a, "pw"))
    try:
        await conn.execute("CREATE TABLE cotas (id int primary key, valor numeric(12,2))")
        await conn.execute("INSERT INTO cotas VALUES (1, 1234.56), (2, 99.90)")
    finally:
        await conn.close()
    snap = await take_snapshot(admin_dsn=pg_admin_dsn, database=a, tenant=name, backup_dir=tmp_path)
    assert snap.size > 0 and snap.toc_entries >= 2 and snap.path.exists()
    assert snap.path.with_suffix(".json").exists()
    target = make_database().rsplit("/", 1)[1]
    env = libpq_env(pg_admin_dsn, target)
    restore = await asyncio.to_thread(
        subprocess.run,
        ["pg_restore", "--no-owner", "--dbname", target, str(snap.path)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    assert restore.returncode == 0, restore.stderr
    check = await asyncpg.connect(pg_admin_dsn.rsplit("/", 1)[0] + f"/{target}")
    try:
        assert await check.fetchval("SELECT sum(valor) FROM cotas") == __import__("decimal").Decimal(
            "1334.46"
        )
    finally:
        await check.close()


@pytest.fixture
async def redis_prov(redis_url):
    prov = RedisProvisioner(redis_url)
    users: list[tuple[str, str]] = []
    yield prov, users
    for user, prefix in users:
        await prov.delete(user, prefix)
    await prov.close()


def user_url(redis_url: str, user: str, password: str) -> str:
    parts = urlsplit(redis_url)
    return f"redis://{user}:{password}@{parts.hostname}:{parts.port}/0"


async def test_redis_user_is_confined_to_its_prefix(redis_prov, redis_url):
    prov, users = redis_prov
    a, b = slug(), slug()
    for name in (a, b):
        users.append((names.redis_user(name), names.redis_key_prefix(name)))
        assert await prov.ensure(names.redis_user(name), name, f"pw-{name}") == ["user missing"]
    # Once created, a second pass compares equal (no rewrite): the canonical command list matches.
    assert await prov.ensure(names.redis_user(a), a, f"pw-{a}") == []
    client_a = aioredis.Redis.from_url(
        user_url(redis_url, names.redis_user(a), f"pw-{a}"), decode_responses=True
    )
    client_b = aioredis.Redis.from_url(
        user_url(redis_url, names.redis_user(b), f"pw-{b}"), decode_responses=True
    )
    try:
        await client_b.set(f"tenant:{b}:secret", "b-data")
        await client_a.set(f"tenant:{a}:k", "v")
        assert await client_a.get(f"tenant:{a}:k") == "v"
        with pytest.raises(NoPermissionError):
            await client_a.get(f"tenant:{b}:secret")
        with pytest.raises(NoPermissionError):
            await client_a.set("unprefixed", "x")
        for forbidden in (("SCAN", "0"), ("KEYS", "*"), ("FLUSHALL",), ("CONFIG", "GET", "*")):
            with pytest.raises((NoPermissionError, ResponseError)):
                await client_a.execute_command(*forbidden)
        with pytest.raises(NoPermissionError):
            await client_a.publish(f"tenant:{b}:events", "x")
        await client_a.publish(f"tenant:{a}:events", "x")
        # What Celery and the app use: lists, hashes, sorted sets, transactions, expiry.
        async with client_a.pipeline(transaction=True) as pipe:
            pipe.lpush(f"tenant:{a}:celery", "job").hset(f"tenant:{a}:h", "f", "1").zadd(
                f"tenant:{a}:z", {"m": 1}
            )
            pipe.expire(f"tenant:{a}:h", 60)
            await pipe.execute()
        assert await client_a.brpop([f"tenant:{a}:celery"], timeout=1) == (f"tenant:{a}:celery", "job")
    finally:
        await client_a.aclose()
        await client_b.aclose()


async def test_deleted_or_altered_redis_user_is_repaired(redis_prov, redis_url):
    prov, users = redis_prov
    a = slug()
    user = names.redis_user(a)
    users.append((user, names.redis_key_prefix(a)))
    await prov.ensure(user, a, "pw")
    admin = aioredis.Redis.from_url(redis_url, decode_responses=True)
    try:
        await admin.execute_command("ACL", "SETUSER", user, "allkeys", "+@all")
        assert set(await prov.ensure(user, a, "pw")) == {"key pattern", "commands"}
        await admin.execute_command("ACL", "DELUSER", user)
        assert await prov.ensure(user, a, "pw") == ["user missing"]
        assert await prov.ensure(user, a, "pw") == []
        await admin.set(f"tenant:{a}:x", "1")
        assert await prov.delete(user, names.redis_key_prefix(a)) is True
        assert await admin.exists(f"tenant:{a}:x") == 0
    finally:
        await admin.aclose()
