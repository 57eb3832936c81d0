"""The login throttle's arithmetic and bookkeeping (an in-memory store and a hand-driven clock)."""

from __future__ import annotations

import pytest

from consorcio_kit.login_throttle import (
    DelayPolicy,
    LoginThrottle,
    MemoryStore,
    ThrottlePolicy,
    account_id,
    delay_after,
)

pytestmark = pytest.mark.unit

P = DelayPolicy(free=5, base_seconds=1, cap_seconds=900, window_seconds=3600)


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (4, 0), (5, 1), (6, 2), (7, 4), (14, 512), (15, 900), (10**9, 900)],
)
def test_delay_doubles_after_the_free_failures_up_to_the_cap(failures: int, seconds: float) -> None:
    assert delay_after(failures, P) == seconds


def test_account_id_ignores_case_and_spaces_and_hides_the_address() -> None:
    assert account_id(" Ana@X.example ") == account_id("ana@x.example")
    assert "ana" not in account_id("ana@x.example")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_waits_are_per_pair_per_source_and_capped_per_account() -> None:
    clock = Clock()
    policy = ThrottlePolicy(
        pair=DelayPolicy(free=2, base_seconds=10, cap_seconds=1000, window_seconds=3600),
        source=DelayPolicy(free=100, base_seconds=1, cap_seconds=900, window_seconds=3600),
        account=DelayPolicy(free=4, base_seconds=1, cap_seconds=3, window_seconds=3600),
    )
    throttle = LoginThrottle(MemoryStore(clock=clock), "t:", policy, clock=clock)
    for _ in range(3):
        await throttle.failed("ana@x", "10.0.0.1")
    assert await throttle.wait_seconds("ana@x", "10.0.0.1") == 20  # third pair failure: 10 * 2
    assert await throttle.wait_seconds("ana@x", "10.0.0.2") == 0  # the owner elsewhere
    assert await throttle.wait_seconds("bia@x", "10.0.0.1") == 0  # another account from there
    # Many addresses against one account: the account-wide wait never exceeds its cap.
    for i in range(20):
        await throttle.failed("ana@x", f"10.1.0.{i}")
    assert await throttle.wait_seconds("ana@x", "10.0.0.2") == 3
    clock.now += 3
    assert await throttle.wait_seconds("ana@x", "10.0.0.2") == 0
    await throttle.unlock("ana@x")
    assert await throttle.wait_seconds("ana@x", "10.0.0.1") == 0


async def test_success_forgets_the_account_but_not_the_source() -> None:
    clock = Clock()
    policy = ThrottlePolicy(source=DelayPolicy(free=3, base_seconds=5, cap_seconds=60, window_seconds=60))
    throttle = LoginThrottle(MemoryStore(clock=clock), "t:", policy, clock=clock)
    for name in ("a@x", "b@x", "c@x"):
        await throttle.failed(name, "10.0.0.9")
    await throttle.succeeded("a@x", "10.0.0.9")
    assert await throttle.wait_seconds("d@x", "10.0.0.9") == 5
    clock.now += 61  # the window passed: failures forgotten
    assert await throttle.wait_seconds("d@x", "10.0.0.9") == 0


async def test_a_broken_store_fails_open() -> None:
    class Broken(MemoryStore):
        async def deadlines(self, *a: object, **k: object) -> list[int]:
            raise ConnectionError("down")

    throttle = LoginThrottle(Broken(), "t:")
    assert await throttle.wait_seconds("a@x", "10.0.0.1") == 0
