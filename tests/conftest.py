"""Session fixtures that give tests the real local stack (devstack).

Each fixture starts only the components it needs, or reuses a stack that is
already running (`make up`), and hands every test module its own database or
namespace so that tests cannot see each other's data.  A component that does
not come up fails the tests that need it; nothing is skipped.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from devstack import dados_pessoais, stack
from devstack.config import StackConfig

# Tests compare what they send with dates the tenant app computes in the administradora's
# zone (America/Sao_Paulo). Without this, `date.today()` in a test is the machine's date,
# a day ahead from 21:00 to midnight in Brasília, which is when CI often runs.
os.environ["TZ"] = "America/Sao_Paulo"
time.tzset()
# Personal data is encrypted at rest: apps, workers and sessions built by tests use the test key
# (a tenant app with Vault would use its Transit key; the Transit tests pass their own config).
dados_pessoais.usar_chave_dev()

_started: set[str] = set()
_start_lock = threading.Lock()


def _ensure(cfg: StackConfig, *components: str) -> None:
    with _start_lock:
        missing = [c for c in components if c not in _started]
        if missing:
            stack.up(cfg, missing, log=lambda msg: print(f"[devstack] {msg}"))
            _started.update(missing)


def _run(coro):
    """Run a coroutine to completion from sync fixture code, on its own thread."""
    result: dict[str, object] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as err:  # re-raised in the caller
            result["error"] = err

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result.get("value")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run `runs_last` tests after the rest: they start long-lived processes. Browser tests that
    rely on the shared UI tenant's demo grupo as the seed left it (its fundo comum, its free cotas,
    no yield recorded yet) run first, in the order their `ui_demo_first` marker gives: the other
    browser tests contemplate, pay and record yields on that grupo."""

    def ui_demo_rank(item: pytest.Item) -> int:
        marker = item.get_closest_marker("ui_demo_first")
        return int(marker.args[0]) if marker else 99

    items.sort(key=lambda item: (item.get_closest_marker("runs_last") is not None, ui_demo_rank(item)))


@pytest.fixture(scope="session")
def devstack_cfg() -> StackConfig:
    return StackConfig.from_env()


@pytest.fixture(scope="session")
def devstack_env(devstack_cfg: StackConfig) -> dict[str, str]:
    """Every component up; the connection variables exported for clients."""
    _ensure(devstack_cfg, *stack.ALL)
    env = devstack_cfg.connection_env()
    os.environ.update(env)
    return env


@pytest.fixture(scope="session")
def pg_admin_dsn(devstack_cfg: StackConfig) -> str:
    _ensure(devstack_cfg, "postgres")
    return devstack_cfg.database_url


@pytest.fixture(scope="session")
def make_database(pg_admin_dsn: str) -> Iterator[Callable[[], str]]:
    """Factory: a fresh empty database per call, dropped at session end."""
    import asyncpg

    created: list[str] = []
    base = pg_admin_dsn.rsplit("/", 1)[0]

    async def create(name: str) -> None:
        conn = await asyncpg.connect(pg_admin_dsn)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    def factory() -> str:
        name = f"test_{uuid.uuid4().hex[:12]}"
        _run(create(name))
        created.append(name)
        return f"{base}/{name}"

    yield factory

    async def drop_all() -> None:
        conn = await asyncpg.connect(pg_admin_dsn)
        try:
            for name in created:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    if created:
        _run(drop_all())


@pytest.fixture(scope="session")
def redis_url(devstack_cfg: StackConfig) -> str:
    _ensure(devstack_cfg, "redis")
    return devstack_cfg.redis_url


@dataclass(frozen=True)
class VaultInfo:
    addr: str
    token: str


@pytest.fixture(scope="session")
def vault(devstack_cfg: StackConfig) -> VaultInfo:
    # Kubernetes too: the Kubernetes auth method is configured against it.
    _ensure(devstack_cfg, "kubernetes", "vault")
    return VaultInfo(devstack_cfg.vault_addr, devstack_cfg.vault_root_token)


@dataclass(frozen=True)
class S3Info:
    """The devstack S3 server and its root user (signs the admin API)."""

    endpoint: str
    access_key: str
    secret_key: str
    region: str


@pytest.fixture(scope="session")
def s3(devstack_cfg: StackConfig) -> S3Info:
    _ensure(devstack_cfg, "s3")
    return S3Info(
        devstack_cfg.s3_endpoint,
        devstack_cfg.s3_access_key,
        devstack_cfg.s3_secret_key,
        devstack_cfg.s3_region,
    )


@pytest.fixture(scope="session")
def kubeconfig(devstack_cfg: StackConfig) -> Path:
    _ensure(devstack_cfg, "kubernetes")
    os.environ["KUBECONFIG"] = str(devstack_cfg.kubeconfig)
    return devstack_cfg.kubeconfig


@pytest.fixture(scope="session")
def k8s_api_client(kubeconfig: Path):
    from kubernetes import config

    client = config.new_client_from_config(str(kubeconfig))
    yield client
    client.close()


@pytest.fixture(scope="session")
def make_namespace(k8s_api_client) -> Iterator[Callable[..., str]]:
    """Factory: a fresh namespace per call, deleted at session end."""
    from kubernetes import client

    core = client.CoreV1Api(k8s_api_client)
    created: list[str] = []

    def factory(prefix: str = "test") -> str:
        name = f"{prefix}-{uuid.uuid4().hex[:8]}"
        core.create_namespace({"metadata": {"name": name, "labels": {"consorcio.io/test": "true"}}})
        created.append(name)
        return name

    yield factory
    for name in created:
        try:
            core.delete_namespace(name)
        except client.ApiException as err:
            if err.status != 404:
                raise
