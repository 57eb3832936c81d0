"""The tenant's real Celery worker reads the usage gauges when it starts and spools them."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tenant_app.settings import asyncpg_url

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
                rows = dict((await conn.execute(text(gauges))).all())
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
