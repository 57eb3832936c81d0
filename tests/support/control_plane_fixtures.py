"""Control-plane fixtures on a real PostgreSQL database and Redis (no Kubernetes here), shared by the
control-plane integration and k8s tests.

Each test module gets its own database. The app runs in-process on the test
event loop (httpx ASGI transport); its Kubernetes client points at a closed
port, so these tests only cover what never calls Kubernetes.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime, time

import httpx
import pytest
import pytest_asyncio
from control_plane.app import create_app
from control_plane.audit.service import ActionContext
from control_plane.auth.roles import Role
from control_plane.auth.service import AdminUserService
from control_plane.billing.periods import BILLING_TZ
from control_plane.database.engine import make_engine, make_session_factory
from control_plane.migrations.runner import upgrade
from control_plane.settings import Settings
from control_plane.tenants.models import PlanChange, Tenant
from kubernetes import client as k8s
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from consorcio_contract.identifiers import is_valid_cnpj
from consorcio_contract.plans import PlanName

_cnpj_seq = itertools.count(1)


def new_cnpj() -> str:
    """A valid, unique numeric CNPJ."""
    base = f"{random.randrange(10**7):07d}{next(_cnpj_seq):01d}0001"[-12:]
    for digits in range(100):
        candidate = f"{base}{digits:02d}"
        if is_valid_cnpj(candidate):
            return candidate
    raise AssertionError("unreachable: every base has one pair of check digits")


@pytest.fixture(scope="module")
def cp_settings(make_database, redis_url) -> Settings:
    return Settings.from_env(
        {
            "CONTROL_PLANE_DATABASE_URL": make_database(),
            "CONTROL_PLANE_REDIS_URL": redis_url,
            "CONTROL_PLANE_TOKEN_REVIEW_CACHE_SECONDS": "0",
            # Every test's client is 127.0.0.1 and the counts live in the shared Redis for an hour:
            # the per-address delay would soon hold up every module's staff logins.
            "CONTROL_PLANE_LOGIN_FREE_FAILURES_PER_SOURCE": "1000000",
            # The API server is unreachable here (cp_client): nothing to watch.
            "CONTROL_PLANE_WATCH_TENANTS": "0",
        }
    )


@pytest_asyncio.fixture(scope="module")
async def cp_session_factory(cp_settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await upgrade(cp_settings.database.url)
    engine = make_engine(cp_settings.database, pooled=False)
    yield make_session_factory(engine)
    await engine.dispose()


@pytest_asyncio.fixture(scope="module")
async def cp_client(cp_settings: Settings, cp_session_factory) -> AsyncIterator[httpx.AsyncClient]:
    unreachable = k8s.ApiClient(k8s.Configuration(host="https://127.0.0.1:9"))
    app = create_app(cp_settings, kube_api_client=unreachable)
    started, stop = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:
        # The lifespan's task group must be entered and left by one task;
        # fixture setup and teardown run in different ones.
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run_lifespan())
    await asyncio.wait([task, asyncio.create_task(started.wait())], return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()  # startup failed: raise its error
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://control-plane"
    ) as client:
        yield client
    stop.set()
    await task


@pytest_asyncio.fixture(scope="module")
async def auth(cp_client: httpx.AsyncClient, cp_session_factory) -> dict[Role, dict[str, str]]:
    """Authorization headers for one account of each role, obtained through the login endpoint."""
    headers: dict[Role, dict[str, str]] = {}
    for role in Role:
        email = f"{role.value}@platform.example"
        async with cp_session_factory() as session:
            await AdminUserService(session).upsert(
                ActionContext.system("test"), email, f"pw-{role.value}", role
            )
        response = await cp_client.post(
            "/api/auth/token", json={"email": email, "password": f"pw-{role.value}"}
        )
        assert response.status_code == 200, response.text
        headers[role] = {"Authorization": f"Bearer {response.json()['access_token']}"}
    return headers


SeedTenant = Callable[..., Awaitable[Tenant]]


@pytest.fixture
def seed_tenant(cp_session_factory) -> SeedTenant:
    """Insert a tenant's commercial record directly (its resource is not needed here)."""

    async def seed(
        slug: str | None = None,
        plan: PlanName = PlanName.STARTER,
        contract_start: date = date(2025, 1, 1),
        changes: list[tuple[datetime, PlanName]] | None = None,
        deleted_at: datetime | None = None,
    ) -> Tenant:
        async with cp_session_factory() as session:
            tenant = Tenant(
                slug=slug or f"t{uuid.uuid4().hex[:10]}",
                display_name="Administradora de Teste Ltda",
                cnpj=new_cnpj(),
                plan=(changes[-1][1] if changes else plan),
                contract_start=contract_start,
                billing_contact_name="Financeiro",
                billing_contact_email="financeiro@example.com",
                deleted_at=deleted_at,
            )
            session.add(tenant)
            await session.flush()
            first = datetime.combine(contract_start, time(), BILLING_TZ)
            session.add(PlanChange(tenant_id=tenant.id, plan=plan, effective_from=first, changed_by="test"))
            for when, new_plan in changes or []:
                session.add(
                    PlanChange(tenant_id=tenant.id, plan=new_plan, effective_from=when, changed_by="test")
                )
            await session.commit()
            return tenant

    return seed


def assert_problem(response: httpx.Response, status: int | None = None) -> dict:
    """The response is an RFC 9457 problem with a 4xx status (or exactly ``status``)."""
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    body = response.json()
    assert {"type", "title", "status"} <= body.keys()
    assert body["status"] == response.status_code
    if status is not None:
        assert response.status_code == status, response.text
    else:
        assert 400 <= response.status_code < 500, response.text
    return body


@pytest.fixture(scope="session")
def problem() -> Callable[..., dict]:
    """``problem(response, status=None)``: assert an RFC 9457 answer, return its body."""
    return assert_problem


@pytest.fixture(scope="session")
def cnpj() -> Callable[[], str]:
    return new_cnpj
