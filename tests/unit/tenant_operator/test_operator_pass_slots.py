"""PassSlots: a bounded number of active passes; passes back from a wait go first."""

from __future__ import annotations

import asyncio

import pytest
from tenant_operator.pass_slots import BACKGROUND, CHANGE, RESUMING, PassSlots

pytestmark = pytest.mark.unit


async def test_at_most_limit_holders_and_resuming_passes_jump_the_queue():
    slots = PassSlots(2)
    await slots.acquire()
    await slots.acquire()
    order: list[str] = []

    async def take(label: str, priority: int) -> None:
        await slots.acquire(priority)
        order.append(label)

    waiters = [
        asyncio.create_task(take("timer", BACKGROUND)),
        asyncio.create_task(take("new-1", CHANGE)),
        asyncio.create_task(take("new-2", CHANGE)),
        asyncio.create_task(take("resumed", RESUMING)),
    ]
    await asyncio.sleep(0)
    assert order == [] and slots.queued == 4  # both slots are held
    slots.release()
    await asyncio.sleep(0)
    assert order == ["resumed"]  # queued last, served first
    slots.release()
    await asyncio.sleep(0)
    assert order == ["resumed", "new-1"]
    slots.release()
    slots.release()
    await asyncio.gather(*waiters)
    assert order == ["resumed", "new-1", "new-2", "timer"]  # the drift timer waits for everyone


async def test_a_cancelled_waiter_does_not_lose_a_slot():
    slots = PassSlots(1)
    await slots.acquire()
    cancelled = asyncio.create_task(slots.acquire())
    await asyncio.sleep(0)
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    slots.release()  # skips the cancelled waiter: the slot is free again
    await asyncio.wait_for(slots.acquire(), timeout=1)
    # Handed the slot and cancelled before running: the slot is passed on, not leaked.
    unlucky = asyncio.create_task(slots.acquire())
    await asyncio.sleep(0)
    slots.release()
    unlucky.cancel()
    with pytest.raises(asyncio.CancelledError):
        await unlucky
    await asyncio.wait_for(slots.acquire(), timeout=1)


async def test_the_context_manager_holds_one_slot():
    slots = PassSlots(1)
    async with slots:
        blocked = asyncio.create_task(slots.acquire())
        await asyncio.sleep(0)
        assert not blocked.done()
    await asyncio.wait_for(blocked, timeout=1)
    with pytest.raises(ValueError):
        PassSlots(0)
