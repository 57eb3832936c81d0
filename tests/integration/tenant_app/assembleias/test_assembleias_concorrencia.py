"""Impossible to run twice: 50 concurrent apurações, the lock itself, and Redis down (fails closed)."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

import httpx
import pytest
import uvicorn
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis
from sqlalchemy import func, select

from tenant_app.app import create_app
from tenant_app.assembleias.apuracao_service import chave_trava
from tenant_app.assembleias.models import Apuracao, ContemplacaoCota
from tenant_app.settings import Settings
from tenant_app.system.redis_lock import LockBusy, LockUnavailable, RedisLock
from tests.support.tenant_app_fixtures import Tenant

from .conftest import assembleia_aberta, assert_problem, passar_corte, semear_grupo, sessao

pytestmark = pytest.mark.integration

EXTRACAO = {"concurso": 6002, "premios": ["55512", "10450", "22222", "31415", "40404"]}


@asynccontextmanager
async def servidor_http(tenant: Tenant) -> AsyncIterator[str]:
    """The tenant's app served by uvicorn on a free loopback port, stopped on exit."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(tenant.settings), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    tarefa = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.05)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await tarefa
        sock.close()


async def test_fifty_concurrent_apuracoes_give_exactly_one_result(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(tenant_a, numero_cotas=60, saldo_comum=Decimal("300000.00"))
    assembleia = await assembleia_aberta(tenant_a, grupo)
    for cota, pct in ((3, "35"), (44, "35"), (20, "10")):
        r = await c.post(
            f"/api/assembleias/{assembleia}/lances",
            json={"cota_numero": cota, "tipo": "livre", "percentual": pct},
            headers=h,
        )
        assert r.status_code == 201, r.text
    await passar_corte(tenant_a, assembleia)

    # A real HTTP server on loopback, so the 50 requests truly overlap (the in-process
    # test client would hand them to the app one after the other).
    async with servidor_http(tenant_a) as url, httpx.AsyncClient(base_url=url, timeout=120) as http:
        respostas = await asyncio.gather(
            *(
                http.post(
                    f"/api/assembleias/{assembleia}/apuracao",
                    json=EXTRACAO,
                    headers={**h, "Idempotency-Key": uuid.uuid4().hex},
                )
                for _ in range(50)
            )
        )
    status = Counter(r.status_code for r in respostas)
    assert status == {201: 1, 409: 49}, status
    motivos = Counter(r.json()["type"].rsplit("/", 1)[1] for r in respostas if r.status_code == 409)
    print(f"409 reasons: {dict(motivos)}")
    for r in respostas:
        if r.status_code == 409:
            body = assert_problem(r, 409)
            assert body["type"].rsplit("/", 1)[1] in ("apuracao_em_andamento", "assembleia_apurada")
            assert "apura" in body["detail"]
    vencedora = next(r for r in respostas if r.status_code == 201).json()
    # 12 drawn; then 3 and 44 tie at 35%: 3 is 9 away, 44 is 32 away.
    assert [(x["cota_numero"], x["modalidade"]) for x in vencedora["contemplacoes"]] == [
        (12, "sorteio"),
        (3, "lance"),
        (44, "lance"),
    ]

    session, engine = await sessao(tenant_a)
    try:
        assert (
            await session.scalar(
                select(func.count())
                .select_from(Apuracao)
                .where(Apuracao.assembleia_id == uuid.UUID(assembleia))
            )
            == 1
        )
        assert (
            await session.scalar(
                select(func.count())
                .select_from(ContemplacaoCota)
                .where(ContemplacaoCota.grupo_id == grupo.grupo_id)
            )
            == 3
        )
    finally:
        await session.close()
        await engine.dispose()  # type: ignore[attr-defined]
    # The lock was released: nothing left under the tenant's prefix for this group.
    redis = Redis.from_url(tenant_a.env["REDIS_URL"])
    try:
        assert await redis.exists(chave_trava(tenant_a.settings, grupo.grupo_id)) == 0
    finally:
        await redis.aclose()  # type: ignore[attr-defined]  # stale types-redis stubs


async def test_redis_down_refuses_the_apuracao_and_the_rest_keeps_serving(tenant_a: Tenant) -> None:
    c, h = tenant_a.client, tenant_a.auth()
    grupo = await semear_grupo(tenant_a, numero_cotas=10, saldo_comum=Decimal("100000.00"))
    assembleia = await assembleia_aberta(tenant_a, grupo)
    await passar_corte(tenant_a, assembleia)
    # Same tenant, same database, but its Redis is unreachable (nothing listens on port 1).
    env = {**tenant_a.env, "REDIS_URL": "redis://default:x@127.0.0.1:1/0", "INITIAL_ADMIN_PASSWORD": ""}
    app = create_app(Settings.from_env(env))
    async with AsyncTestClient(app=app, base_url="http://testserver") as sem_redis:
        r = await sem_redis.post(
            f"/api/assembleias/{assembleia}/apuracao",
            json=EXTRACAO,
            headers={**h, "Idempotency-Key": uuid.uuid4().hex},
        )
        body = assert_problem(r, 503)
        assert "Redis" in body["detail"] and r.headers.get("retry-after")
        ok = await sem_redis.get(f"/api/assembleias/{assembleia}", headers=h)
        assert ok.status_code == 200 and ok.json()["status"] == "recebendo_lances"
        assert (
            await sem_redis.get(f"/api/grupos/{grupo.grupo_id}/assembleias/", headers=h)
        ).status_code == 200
    # Nothing was recorded; with Redis back the apuração runs.
    r = await c.post(
        f"/api/assembleias/{assembleia}/apuracao",
        json=EXTRACAO,
        headers={**h, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.text


async def test_lock_is_token_checked_and_renewed(tenant_a: Tenant) -> None:
    redis = Redis.from_url(tenant_a.env["REDIS_URL"], decode_responses=True)
    key = tenant_a.settings.redis.key("lock", "teste", uuid.uuid4().hex)
    try:
        async with RedisLock(redis, key, ttl_ms=300) as trava:
            with pytest.raises(LockBusy):
                await RedisLock(redis, key).acquire()
            # Longer than the lease: the renewals keep it.
            await asyncio.sleep(1.0)
            assert await redis.get(key) == trava.token and not trava.lost
            # Another holder's token cannot release it.
            intruso = RedisLock(redis, key)
            assert await intruso.release() is False
            assert await redis.get(key) == trava.token
        assert await redis.exists(key) == 0

        # A holder whose key was taken over learns it lost the lock and does not delete the new one.
        trava = RedisLock(redis, key, ttl_ms=300)
        await trava.acquire()
        await redis.set(key, "outro-dono", px=5000)
        await asyncio.sleep(0.4)
        assert trava.lost
        assert await trava.release() is False
        assert await redis.get(key) == "outro-dono"
    finally:
        await redis.delete(key)
        await redis.aclose()  # type: ignore[attr-defined]  # stale types-redis stubs

    morto = Redis.from_url("redis://default:x@127.0.0.1:1/0")
    with pytest.raises(LockUnavailable):
        await RedisLock(morto, key).acquire()
    await morto.aclose()  # type: ignore[attr-defined]  # stale types-redis stubs
