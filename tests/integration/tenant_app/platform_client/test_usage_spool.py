"""The usage spool on a real PostgreSQL, and an app whose control plane is unreachable."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from consorcio_contract.feature_flags import AUDITORIA_VERIFICACAO
from consorcio_contract.usage import Metric, UsageEvent
from tenant_app.app import create_app
from tenant_app.migrations import runner
from tenant_app.platform_client.usage_spool import PostgresSpool
from tenant_app.settings import Settings, asyncpg_url

pytestmark = pytest.mark.integration


def event(value: int, metric: Metric = Metric.API_REQUESTS) -> UsageEvent:
    return UsageEvent(id=str(uuid.uuid4()), metric=metric, value=value, occurred_at=datetime.now(UTC))


@pytest.fixture
async def spool(make_database: Callable[[], str]):  # type: ignore[no-untyped-def]
    dsn = make_database()
    await runner.upgrade(dsn)
    engine = create_async_engine(asyncpg_url(dsn))
    yield PostgresSpool(engine)
    await engine.dispose()


async def test_events_are_stored_once_and_handed_out_oldest_first(spool: PostgresSpool) -> None:
    first, second, third = event(1), event(2), event(3)
    await spool.put([first, second])
    await spool.put([first, third])  # a retried spool write is harmless
    assert await spool.pending() == 3
    async with spool.claim(2) as claim:  # the earlier spool write first
        assert {e.id for e in claim.events} == {first.id, second.id}
        assert first in claim.events  # metric, value and time survive the round trip
        claim.ack()
    async with spool.claim(10) as claim:
        assert [e.id for e in claim.events] == [third.id]
    assert await spool.pending() == 1  # not acknowledged: still spooled


async def test_concurrent_senders_never_claim_the_same_events(spool: PostgresSpool) -> None:
    await spool.put([event(i) for i in range(10)])
    seen: list[set[str]] = []
    inside = asyncio.Barrier(2)

    async def sender() -> None:
        async with spool.claim(6) as claim:
            seen.append({e.id for e in claim.events})
            await inside.wait()  # both hold their claim at the same time
            claim.ack()

    await asyncio.gather(sender(), sender())
    assert not seen[0] & seen[1] and len(seen[0] | seen[1]) == 10
    assert await spool.pending() == 0


async def test_a_failed_delivery_keeps_its_events(spool: PostgresSpool) -> None:
    await spool.put([event(5)])
    with pytest.raises(RuntimeError):
        async with spool.claim(10) as claim:
            claim.ack()
            raise RuntimeError("crashed before the delete committed")
    assert await spool.pending() == 1


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket is closed


async def test_an_app_whose_control_plane_is_down_serves_defaults_and_spools_its_usage(
    tenant, tmp_path: Path
) -> None:
    token = tmp_path / "token"
    token.write_text("not-a-real-token")
    env = tenant.env | {
        "CONTROL_PLANE_URL": f"http://127.0.0.1:{closed_port()}",
        "CONTROL_PLANE_TOKEN_FILE": str(token),
    }
    settings = Settings.from_env(env)
    assert settings.control_plane is not None
    engine = create_async_engine(asyncpg_url(env["DATABASE_URL"]))
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM usage_spool"))
    calls = 0
    async with AsyncTestClient(app=create_app(settings), base_url="http://testserver.local") as client:
        for _ in range(5):
            assert (await client.get("/api/grupos", headers=tenant.auth())).status_code == 200
            calls += 1
        # Never had a snapshot: the flag's offline default decides.
        verificacao = await client.get("/api/auditoria/verificacao", headers=tenant.auth())
        calls += 1
        assert verificacao.status_code == (200 if AUDITORIA_VERIFICACAO.offline_default else 403)
        assert (await client.get("/api/grupos")).status_code == 401  # refused, still an API request
        calls += 1
        assert (await client.get("/health")).status_code == 200  # probes are not billed
    # Shutdown spooled what was measured; the control plane never answered.
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT metric, sum(value) FROM usage_spool GROUP BY metric"))).all()
    await engine.dispose()
    assert dict(rows) == {"api_requests": calls}
