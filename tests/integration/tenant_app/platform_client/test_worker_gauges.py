"""The tenant's real Celery worker reads the usage gauges when it starts and spools them."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tenant_app.platform_link.tasks import report_gauges
from tenant_app.settings import Settings, asyncpg_url

pytestmark = pytest.mark.integration


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_the_worker_spools_active_cotas_and_users_at_start_even_with_the_control_plane_down(
    tenant, tmp_path: Path
) -> None:
    token = tmp_path / "token"
    token.write_text("not-a-real-token")
    env = {
        **os.environ,
        **tenant.env,
        "CONTROL_PLANE_URL": f"http://127.0.0.1:{closed_port()}",
        "CONTROL_PLANE_TOKEN_FILE": str(token),
    }
    engine = create_async_engine(asyncpg_url(tenant.env["DATABASE_URL"]))
    gauges = "SELECT metric, value FROM usage_spool WHERE metric IN ('active_cotas', 'users')"
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM usage_spool"))
        cotas = await conn.scalar(text("SELECT count(*) FROM cotas WHERE status = 'ativa'"))
        users = await conn.scalar(text("SELECT count(*) FROM users WHERE active"))
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(  # noqa: ASYNC220 - a background process, stopped below
        [sys.executable, "-m", "tenant_app", "worker", "--no-beat"], env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            async with engine.connect() as conn:
                rows: dict[str, int] = dict((await conn.execute(text(gauges))).all())
            if len(rows) == 2:
                break
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()[-3000:]
            await asyncio.sleep(0.3)
        assert rows == {"active_cotas": cotas, "users": users}
    finally:
        worker.terminate()
        worker.wait(30)
        log.close()
        await engine.dispose()


async def test_an_unreadable_bucket_costs_only_the_storage_gauge(tenant, tmp_path: Path) -> None:
    """S3 down (or the bucket not there yet): cotas and users are still spooled, storage is skipped.

    The bucket listing used to run before anything was spooled and its error lost every gauge,
    so the invoice preview showed no active cotas until the next hourly run.
    """
    token = tmp_path / "token"
    token.write_text("not-a-real-token")
    env = {
        **os.environ,
        **tenant.env,
        "CONTROL_PLANE_URL": f"http://127.0.0.1:{closed_port()}",
        "CONTROL_PLANE_TOKEN_FILE": str(token),
        "S3_ENDPOINT": f"http://127.0.0.1:{closed_port()}",
        "S3_BUCKET": f"tenant-{uuid.uuid4().hex[:8]}",
        "S3_ACCESS_KEY_ID": "nobody",
        "S3_SECRET_ACCESS_KEY": "nothing",
    }
    engine = create_async_engine(asyncpg_url(tenant.env["DATABASE_URL"]))
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM usage_spool"))
            cotas = await conn.scalar(text("SELECT count(*) FROM cotas WHERE status = 'ativa'"))
            users = await conn.scalar(text("SELECT count(*) FROM users WHERE active"))

        readings = await report_gauges(Settings.from_env(env))

        assert readings == {"active_cotas": cotas, "users": users}  # no storage_mib: not measured
        async with engine.connect() as conn:
            spooled: dict[str, int] = dict(
                (await conn.execute(text("SELECT metric, value FROM usage_spool"))).all()
            )
        assert spooled == {"active_cotas": cotas, "users": users}
    finally:
        await engine.dispose()
