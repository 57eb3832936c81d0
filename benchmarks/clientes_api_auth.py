"""What an API client's credential costs per request, next to a staff JWT (issue 13 item 9).

An API key or an OAuth token is looked up in PostgreSQL on every request (no cache, so a
revocation applies to the next call); a staff JWT is verified once and then remembered
(tenant_app/auth/token_cache.py). This measures the authentication step alone, in this
process, against the devstack's real PostgreSQL (a fresh migrated database) and Redis:
``--calls`` authentications per kind, ``--runs`` runs, the median per call of wall time and
of this process's CPU, and the 1-minute load average.

    .venv/bin/python benchmarks/clientes_api_auth.py [--calls 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable

from benchmarks.tenant_app_schedule import drop_database, fresh_database  # type: ignore[import-not-found]
from devstack import stack
from devstack.config import StackConfig
from tenant_app.auth.token_cache import VerifiedTokenCache
from tenant_app.auth.tokens import issue_access_token, verify_access_token
from tenant_app.clientes_api import oauth, service
from tenant_app.clientes_api.autenticacao import autenticar
from tenant_app.database.session import create_engine, create_session_factory
from tenant_app.settings import Settings
from tenant_app.system.redis_keys import create_redis
from tenant_app.unit_of_work import Actor, UnitOfWork
from tenant_app.users.current_user import CurrentUser
from tenant_app.users.roles import Role


async def medir(calls: int, chamada: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """(wall ms, CPU ms) per call."""
    await chamada()  # warm up (connection, caches)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        await chamada()
    return (time.perf_counter() - wall) * 1000 / calls, (time.process_time() - cpu) * 1000 / calls


async def uma_vez(cfg: StackConfig, calls: int) -> dict[str, tuple[float, float]]:
    dsn = await fresh_database(cfg.database_url)
    settings = Settings.from_env(
        {"TENANT_SLUG": "bench", "DATABASE_URL": dsn, "REDIS_URL": cfg.redis_url, "JWT_SECRET": "x" * 64}
    )
    engine = create_engine(settings.database)
    factory = create_session_factory(engine)
    redis = create_redis(settings.redis)
    try:
        async with UnitOfWork.start(factory, Actor(None, "benchmark")) as uow:
            _, _, chave = await service.criar(
                uow,
                "bench",
                nome="ERP",
                perfil=Role.FINANCEIRO,
                descricao=None,
                permissoes=[],
                limite_por_minuto=None,
            )
        async with UnitOfWork.start(factory, Actor(None, "benchmark")) as uow:
            token, _ = await oauth.emitir(uow, redis, settings.redis, "bench", None, chave)
        jwt, _ = issue_access_token(settings.auth, CurrentUser(uuid.uuid4(), "a@b.c", Role.FINANCEIRO))
        cache = VerifiedTokenCache(lambda t: verify_access_token(settings.auth, t))

        async def por_jwt() -> object:
            return cache.user_for(jwt)

        async def por_jwt_sem_cache() -> object:
            return verify_access_token(settings.auth, jwt)

        async def por_chave() -> object:
            return await autenticar(factory, "bench", chave)

        async def por_token() -> object:
            return await autenticar(factory, "bench", token, redis=redis, redis_settings=settings.redis)

        return {
            "staff JWT (cached, the usual path)": await medir(calls, por_jwt),
            "staff JWT (first use: HS256 verify)": await medir(calls, por_jwt_sem_cache),
            "API key (PostgreSQL lookup)": await medir(calls, por_chave),
            "OAuth token (Redis + PostgreSQL)": await medir(calls, por_token),
        }
    finally:
        await redis.aclose()  # type: ignore[attr-defined]
        await engine.dispose()
        await drop_database(cfg.database_url, dsn)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cfg = StackConfig.from_env()
    stack.up(cfg, ["postgres", "redis"], log=lambda m: None)
    resultados: dict[str, list[tuple[float, float]]] = {}
    for run in range(1, args.runs + 1):
        for kind, (wall, cpu) in (await uma_vez(cfg, args.calls)).items():
            resultados.setdefault(kind, []).append((wall, cpu))
            print(f"run {run}: {kind:38} {wall:7.3f} ms wall {cpu:7.3f} ms CPU per call")
    print(f"median of {args.runs} runs, {args.calls} calls each (load average {os.getloadavg()[0]:.1f}):")
    for kind, valores in resultados.items():
        wall = statistics.median(v[0] for v in valores)
        cpu = statistics.median(v[1] for v in valores)
        print(f"  {kind:38} {wall:7.3f} ms wall {cpu:7.3f} ms CPU per call")


if __name__ == "__main__":
    asyncio.run(main())
