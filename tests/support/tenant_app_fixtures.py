"""A real tenant for tests: its own migrated database, a Redis ACL user confined to its prefix, the app."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

import pytest
import redis
from litestar import Litestar
from litestar.testing import AsyncTestClient
from tenant_operator import names
from tenant_operator.specs.redis_acl import VETTED_SCRIPTS, acl_rules

from tenant_app.app import create_app
from tenant_app.migrations import runner
from tenant_app.settings import Settings
from tenant_app.users.roles import Role

PASSWORD = "senha-forte-123"


@dataclass
class Tenant:
    """One provisioned tenant for tests."""

    slug: str
    settings: Settings
    env: dict[str, str]
    app: Litestar
    client: AsyncTestClient
    tokens: dict[Role, str]

    def auth(self, role: Role = Role.ADMIN) -> dict[str, str]:
        """Authorization header of the test user with ``role``."""
        return {"Authorization": f"Bearer {self.tokens[role]}"}


_created_redis_users: list[tuple[str, str]] = []


@pytest.fixture(scope="session", autouse=True)
def _drop_redis_users() -> Iterator[None]:
    """ACL users made by these tests are removed at the end of the session."""
    yield
    for admin_url, user in _created_redis_users:
        admin = redis.Redis.from_url(admin_url)
        try:
            admin.acl_deluser(user)
        finally:
            admin.close()


def make_redis_user(admin_url: str, slug: str) -> tuple[str, str]:
    """ACL user with exactly the rules the operator gives a tenant (``tenant:<slug>:`` keys and
    channels, the operator's command allow-list), so the app is tested under production ACLs."""
    prefix = names.redis_key_prefix(slug)
    user, password = names.redis_user(slug), f"pw-{uuid.uuid4().hex}"
    admin = redis.Redis.from_url(admin_url)
    admin.execute_command(
        "ACL", "SETUSER", user, *acl_rules(slug, hashlib.sha256(password.encode()).hexdigest())
    )
    for script in VETTED_SCRIPTS:  # as the operator does: tenants may EVALSHA, not SCRIPT LOAD
        admin.script_load(script)
    admin.close()
    _created_redis_users.append((admin_url, user))
    host_port = admin_url.rsplit("@", 1)[1].split("/")[0]
    return f"redis://{user}:{password}@{host_port}/0", prefix


async def provision_tenant(
    make_database: Callable[[], str],
    redis_admin_url: str,
    slug: str,
    roles: tuple[Role, ...] = tuple(Role),
    extra_env: dict[str, str] | None = None,
    **limits: int,
) -> Tenant:
    """Database + migrations + Redis user + app + one user per role in ``roles`` (admin always);
    ``extra_env`` adds variables (e.g. the S3_* of a bucket from tests/support/object_store_fixtures.py)."""
    dsn = make_database()
    await runner.upgrade(dsn)
    url, prefix = make_redis_user(redis_admin_url, slug)
    env = {
        "TENANT_SLUG": slug,
        "DATABASE_URL": dsn,
        "REDIS_URL": url,
        "REDIS_KEY_PREFIX": prefix,
        "JWT_SECRET": uuid.uuid4().hex + uuid.uuid4().hex,
        "INITIAL_ADMIN_EMAIL": f"admin@{slug}.example",
        "INITIAL_ADMIN_PASSWORD": PASSWORD,
        "RATE_LIMIT_PER_USER_PER_MINUTE": str(limits.get("per_user", 100000)),
        "RATE_LIMIT_PER_TENANT_PER_MINUTE": str(limits.get("per_tenant", 1000000)),
        **(extra_env or {}),
    }
    settings = Settings.from_env(env)
    app = create_app(settings)
    client = AsyncTestClient(app=app, base_url="http://testserver.local")
    await client.__aenter__()
    tenant = Tenant(slug, settings, env, app, client, {})
    tenant.tokens[Role.ADMIN] = await login(client, f"admin@{slug}.example")
    for role in roles:
        if role is Role.ADMIN:
            continue
        email = f"{role.value}@{slug}.example"
        r = await client.post(
            "/api/usuarios/",
            json={"email": email, "nome": f"Usuária {role.value}", "role": role.value, "password": PASSWORD},
            headers=tenant.auth(),
        )
        assert r.status_code == 201, r.text
        tenant.tokens[role] = await login(client, email)
    return tenant


async def login(client: AsyncTestClient, email: str, password: str = PASSWORD) -> str:
    """Access token for ``email``."""
    r = await client.post("/api/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


@pytest.fixture(scope="session")
async def tenant(make_database: Callable[[], str], redis_url: str) -> AsyncIterator[Tenant]:
    """The shared tenant ``acme`` (tests create their own groups inside it)."""
    t = await provision_tenant(make_database, redis_url, f"acme{uuid.uuid4().hex[:6]}")
    yield t
    await t.client.__aexit__(None, None, None)


@pytest.fixture(scope="session")
async def other_tenant(make_database: Callable[[], str], redis_url: str) -> AsyncIterator[Tenant]:
    """A second tenant for isolation tests."""
    t = await provision_tenant(make_database, redis_url, f"beta{uuid.uuid4().hex[:6]}")
    yield t
    await t.client.__aexit__(None, None, None)
