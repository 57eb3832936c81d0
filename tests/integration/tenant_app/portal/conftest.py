"""Tenants for the área do consorciado tests: demo data seeded through the services, Mailpit for the codes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest

from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.demo.seed import seed_demo
from tenant_app.unit_of_work import Actor, UnitOfWork
from tests.support.notificacoes_fixtures import Mailpit, mailpit
from tests.support.tenant_app_fixtures import Tenant, _drop_redis_users, provision_tenant

__all__ = ["_drop_redis_users", "mailpit", "portal_a", "portal_b"]


async def _semeado(make_database: Callable[[], str], redis_url: str, nome: str) -> Tenant:
    t = await provision_tenant(make_database, redis_url, f"{nome}{uuid.uuid4().hex[:6]}")
    engine = create_engine(t.settings.database)
    try:
        async with UnitOfWork.start(create_session_factory(engine), Actor(None, "seed")) as uow:
            await seed_demo(uow, members=6)
    finally:
        await engine.dispose()
    return t


@pytest.fixture(scope="session")
async def portal_a(
    make_database: Callable[[], str], redis_url: str, mailpit: Mailpit
) -> AsyncIterator[Tenant]:
    """Tenant A: the demo grupo with 6 consorciados (SMTP pointed at Mailpit by ``mailpit``)."""
    t = await _semeado(make_database, redis_url, "ptla")
    yield t
    await t.client.__aexit__(None, None, None)


@pytest.fixture(scope="session")
async def portal_b(
    make_database: Callable[[], str], redis_url: str, mailpit: Mailpit
) -> AsyncIterator[Tenant]:
    """Tenant B, the same demo data in its own database and Redis user (for isolation)."""
    t = await _semeado(make_database, redis_url, "ptlb")
    yield t
    await t.client.__aexit__(None, None, None)
