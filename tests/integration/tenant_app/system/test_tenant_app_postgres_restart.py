"""Degraded mode: the tenant's PostgreSQL crashes and comes back (issue 21 item 2), a real server of
the test's own (tests/support/private_postgres.py) stopped with an immediate shutdown.

What the app promises (http/problems.py): while the database is unreachable every request that
needs it is answered 503 ``banco_indisponivel`` problem+json with ``Retry-After`` (never a 500),
``/ready`` says so for the kubelet, a payment is not half-written; once the server is back the
same process serves again — the pool throws its dead connections away, no restart needed.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tenant_app.users.roles import Role
from tests.integration.tenant_app.factories import make_running_grupo
from tests.support.control_plane_fixtures import assert_problem
from tests.support.private_postgres import PrivatePostgres
from tests.support.tenant_app_fixtures import Tenant, provision_tenant

pytestmark = pytest.mark.integration


@pytest.fixture
async def postgres(tmp_path: Path) -> AsyncIterator[PrivatePostgres]:
    pg = await asyncio.to_thread(PrivatePostgres(tmp_path).start)
    yield pg
    await asyncio.to_thread(pg.remove)


async def test_the_app_answers_503_while_postgres_is_down_and_recovers_without_restart(
    postgres: PrivatePostgres, redis_url: str
) -> None:
    url = await postgres.create_database()
    t: Tenant = await provision_tenant(lambda: url, redis_url, f"pg{uuid.uuid4().hex[:6]}")
    try:
        c, h = t.client, t.auth()
        _, cotas = await make_running_grupo(t, cotas=2)
        # Several pooled connections, all of which the crash will kill.
        respostas = await asyncio.gather(*(c.get("/api/grupos", headers=h) for _ in range(6)))
        assert {r.status_code for r in respostas} == {200}

        await asyncio.to_thread(postgres.crash)

        for path in ("/api/grupos", "/api/consorciados", f"/api/cotas/{cotas[0]['id']}"):
            r = await c.get(path, headers=h)
            body = assert_problem(r, 503)
            assert body["type"].endswith("/problemas/banco_indisponivel"), body
            assert r.headers["retry-after"]
        chave = uuid.uuid4().hex
        pagar = {"valor": "1000.00", "data_pagamento": "2025-02-10", "forma": "pix"}
        r = await c.post(
            f"/api/cotas/{cotas[0]['id']}/pagamentos",
            json=pagar,
            headers={**t.auth(Role.FINANCEIRO), "Idempotency-Key": chave},
        )
        assert_problem(r, 503)
        pronto = await c.get("/ready")
        assert pronto.status_code == 503 and pronto.json()["checks"]["database"].startswith("erro")

        await asyncio.to_thread(postgres.start)
        inicio = time.monotonic()
        codigos = []
        while True:
            r = await c.get("/api/grupos", headers=h)
            codigos.append(r.status_code)
            if r.status_code == 200:
                break
            assert_problem(r, 503)
            assert time.monotonic() - inicio < 60, codigos
            await asyncio.sleep(0.2)
        print(f"recovered {time.monotonic() - inicio:.2f} s after the restart; answers {codigos}")
        # The same process, back to normal: the pool serves every request again.
        respostas = await asyncio.gather(*(c.get("/api/grupos", headers=h) for _ in range(6)))
        assert {r.status_code for r in respostas} == {200}
        assert (await c.get("/ready")).status_code == 200
        # The payment refused during the outage was not written; retried with its key it is, once.
        r = await c.get(f"/api/cotas/{cotas[0]['id']}/pagamentos", headers=h)
        assert r.status_code == 200 and r.json()["total"] == 0, r.text
        for _ in range(2):
            r = await c.post(
                f"/api/cotas/{cotas[0]['id']}/pagamentos",
                json=pagar,
                headers={**t.auth(Role.FINANCEIRO), "Idempotency-Key": chave},
            )
            assert r.status_code == 201, r.text
        r = await c.get(f"/api/cotas/{cotas[0]['id']}/pagamentos", headers=h)
        assert r.json()["total"] == 1
    finally:
        await t.client.__aexit__(None, None, None)
