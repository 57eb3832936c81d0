"""The rate counter: exact within the process, Redis's totals (other replicas) folded in, fail open."""

from __future__ import annotations

import asyncio
import uuid

from redis.exceptions import ConnectionError as RedisConnectionError

from tenant_app.settings import Settings
from tenant_app.system.rate_limit import RateCounter
from tenant_app.users.current_user import CurrentUser
from tenant_app.users.roles import Role

ENV = {
    "TENANT_SLUG": "acme",
    "DATABASE_URL": "postgresql://u:p@localhost:5432/acme",
    "REDIS_URL": "redis://localhost:6379/0",
    "JWT_SECRET": "x" * 32,
    "RATE_LIMIT_PER_USER_PER_MINUTE": "5",
    "RATE_LIMIT_PER_TENANT_PER_MINUTE": "8",
}
T0 = 6_000_000.0  # the start of a window


class FakePipeline:
    """MULTI/EXEC of INCRBY + EXPIRE NX, as the counter sends them."""

    def __init__(self, redis: FakeRedis) -> None:
        self.redis = redis
        self.queued: list[tuple[str, int]] = []

    async def __aenter__(self) -> FakePipeline:
        return self

    async def __aexit__(self, *_: object) -> None:
        return None

    def incrby(self, key: str, amount: int) -> None:
        self.queued.append((key, amount))

    def expire(self, key: str, seconds: int, nx: bool = False) -> None:
        assert nx and seconds > 60

    async def execute(self) -> list[object]:
        self.redis.calls += 1
        if self.redis.down:
            raise RedisConnectionError("down")
        replies: list[object] = []
        for key, amount in self.queued:
            self.redis.counts[key] = self.redis.counts.get(key, 0) + amount
            replies += [self.redis.counts[key], True]
        return replies


class FakeRedis:
    """The counters (other replicas' counts pre-seeded); one call per MULTI/EXEC."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.calls = 0
        self.down = False

    def pipeline(self, transaction: bool = True) -> FakePipeline:
        assert transaction
        return FakePipeline(self)


def user() -> CurrentUser:
    return CurrentUser(id=uuid.uuid4(), email="a@b.c", role=Role.ADMIN)


def test_the_limit_is_exact_within_the_process_before_redis_answers() -> None:
    counter = RateCounter(Settings.from_env(ENV))
    u = user()
    assert [counter.hit(u, T0 + i) for i in range(6)] == [None] * 5 + [60 - 5]


def test_other_replicas_counts_arrive_with_the_next_answer_and_a_new_window_starts_from_zero() -> None:
    async def scenario() -> None:
        counter = RateCounter(Settings.from_env(ENV))
        redis = FakeRedis()
        # A different user each time: only the tenant-wide count matters here.
        assert counter.hit(user(), T0) is None
        tenant_key = next(iter(counter._pending))
        redis.counts[tenant_key] = 6  # another replica's requests
        counter.send_soon(redis)  # type: ignore[arg-type]
        counter.send_soon(redis)  # type: ignore[arg-type]  # one send in flight at a time
        await asyncio.sleep(0)
        assert redis.counts[tenant_key] == 7 and redis.calls == 1
        assert counter.hit(user(), T0 + 1) is None  # 8th of the window
        assert counter.hit(user(), T0 + 2) is not None  # 9th: over the tenant's 8
        assert counter.hit(user(), T0 + 60) is None  # next window

    asyncio.run(scenario())


def test_unauthenticated_requests_count_per_address_not_in_the_tenant_bucket() -> None:
    # Issue 20 item 7: one address's logins used to spend the budget every user of the tenant shares.
    counter = RateCounter(Settings.from_env(ENV))
    assert [counter.hit(None, T0 + i, origin="203.0.113.1") for i in range(6)] == [None] * 5 + [55]
    assert counter.hit(None, T0 + 6, origin="198.51.100.2") is None  # another address
    assert counter.hit(user(), T0 + 7) is None  # the tenant's 8 untouched by the 7 above


def test_a_redis_outage_lets_requests_through() -> None:
    async def scenario() -> None:
        counter = RateCounter(Settings.from_env(ENV))
        redis = FakeRedis()
        redis.down = True
        for i in range(3):
            assert counter.hit(None, T0 + i) is None
            counter.send_soon(redis)  # type: ignore[arg-type]
            await asyncio.sleep(0)
        assert redis.calls == 3 and not counter._pending

    asyncio.run(scenario())


def test_an_account_named_in_the_configuration_gets_its_own_per_user_limit() -> None:
    """RATE_LIMIT_USER_OVERRIDES raises (or lowers) one account's limit; the others keep the default."""
    env = ENV | {
        "RATE_LIMIT_USER_OVERRIDES": "Fuzz@B.c=7, other@b.c=1",
        "RATE_LIMIT_PER_TENANT_PER_MINUTE": "100",
    }
    counter = RateCounter(Settings.from_env(env))
    fuzz = CurrentUser(id=uuid.uuid4(), email="fuzz@b.c", role=Role.ADMIN)
    assert [counter.hit(fuzz, T0 + i / 10) for i in range(8)] == [None] * 7 + [60]
    other = user()
    assert [counter.hit(other, T0) for _ in range(6)] == [None] * 5 + [60]


def test_a_malformed_override_stops_the_app_at_start() -> None:
    import pytest

    from tenant_app.settings import SettingsError

    for raw in ("fuzz@b.c", "fuzz@b.c=muito", "semarroba=5"):
        with pytest.raises(SettingsError, match="RATE_LIMIT_USER_OVERRIDES"):
            Settings.from_env(ENV | {"RATE_LIMIT_USER_OVERRIDES": raw})
