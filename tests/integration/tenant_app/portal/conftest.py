"""Tenants for the área do consorciado tests: demo data seeded through the services, Mailpit for the codes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from tenant_app.armazenamento.store import ObjectStore
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.demo.seed import seed_demo
from tenant_app.unit_of_work import Actor, UnitOfWork
from tests.support.notificacoes_fixtures import Mailpit, mailpit
from tests.support.object_store_fixtures import _drop_s3_buckets, provision_bucket
from tests.support.tenant_app_fixtures import Tenant, _drop_redis_users, provision_tenant

__all__ = ["_drop_redis_users", "_drop_s3_buckets", "mailpit", "portal_a", "portal_b"]


async def _semeado(make_database: Callable[[], str], redis_url: str, nome: str, s3: Any = None) -> Tenant:
    slug = f"{nome}{uuid.uuid4().hex[:6]}"
    bucket = await provision_bucket(s3, slug) if s3 is not None else {}
    t = await provision_tenant(make_database, redis_url, slug, extra_env=bucket)
    engine = create_engine(t.settings.database)
    store = ObjectStore.from_settings(t.settings.object_store) if s3 is not None else None
    try:
        async with UnitOfWork.start(create_session_factory(engine), Actor(None, "seed")) as uow:
            # With a bucket the demo gets the contract PDFs too.
            await seed_demo(uow, members=6, armazenamento=store)
    finally:
        await engine.dispose()
    return t


@pytest.fixture(scope="session")
async def portal_a(
    make_database: Callable[[], str], redis_url: str, mailpit: Mailpit, s3: Any, _drop_s3_buckets: None
) -> AsyncIterator[Tenant]:
    """Tenant A: the demo grupo with 6 consorciados and its own bucket (the contract PDFs); SMTP
    pointed at Mailpit by ``mailpit``."""
    t = await _semeado(make_database, redis_url, "ptla", s3)
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
