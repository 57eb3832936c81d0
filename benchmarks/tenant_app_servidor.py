"""What the tenant-app screen benchmarks share: a throwaway tenant (fresh migrated database and an
ACL-confined Redis user on devstack's servers) and ``python -m tenant_app serve`` run against it
as a separate process (one uvicorn worker), ready when ``/ready`` answers."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import redis

from benchmarks.tenant_app_api import free_port, redis_user  # type: ignore[import-not-found]
from benchmarks.tenant_app_schedule import drop_database, fresh_database  # type: ignore[import-not-found]
from devstack import stack
from devstack.config import StackConfig


@dataclass(frozen=True)
class Bancada:
    """The throwaway tenant: its database URL and its Redis user."""

    slug: str
    dsn: str
    redis_url: str
    prefixo: str


@dataclass(frozen=True)
class Servidor:
    base: str
    processo: subprocess.Popen[bytes]


@asynccontextmanager
async def bancada() -> AsyncIterator[Bancada]:
    """A fresh tenant on devstack's PostgreSQL and Redis, dropped at the end."""
    cfg = StackConfig.from_env()
    stack.up(cfg, ["postgres", "redis"], log=lambda m: None)
    dsn = await fresh_database(cfg.database_url)
    slug = f"bench{uuid.uuid4().hex[:6]}"
    redis_url, prefixo = redis_user(cfg.redis_url, slug)
    try:
        yield Bancada(slug, dsn, redis_url, prefixo)
    finally:
        await drop_database(cfg.database_url, dsn)
        admin = redis.Redis.from_url(cfg.redis_url)
        admin.acl_deluser(f"tenant-{slug}")
        admin.close()


@asynccontextmanager
async def servir(b: Bancada, **env_extra: str) -> AsyncIterator[Servidor]:
    """The tenant app serving ``b`` until the block ends; ``env_extra`` adds settings."""
    porta = free_port()
    base = f"http://127.0.0.1:{porta}"
    env = {
        **os.environ,
        "TENANT_SLUG": b.slug,
        "DATABASE_URL": b.dsn,
        "REDIS_URL": b.redis_url,
        "REDIS_KEY_PREFIX": b.prefixo,
        "JWT_SECRET": uuid.uuid4().hex,
        "APP_BASE_URL": base,
        **env_extra,
    }
    processo = subprocess.Popen(  # noqa: ASYNC220 - the server runs in the background
        [sys.executable, "-m", "tenant_app", "serve", "--port", str(porta)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as cliente:
            for _ in range(600):  # a loaded machine can take a minute to start the server
                try:
                    if (await cliente.get("/ready")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        yield Servidor(base, processo)
    finally:
        processo.terminate()
        processo.wait(timeout=20)
