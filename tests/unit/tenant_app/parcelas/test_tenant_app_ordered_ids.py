"""Time-ordered parcela ids: UUID version 7 layout, order follows the counter."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenant_app.parcelas.ordered_ids import (
    MAX_COUNTER,
    new_ordered_id_prefix,
    ordered_id,
    ordered_id_prefix,
)

pytestmark = pytest.mark.unit

MS = st.integers(min_value=0, max_value=(1 << 48) - 1)
RANDOM = st.integers(min_value=0, max_value=(1 << 64) - 1)
COUNTER = st.integers(min_value=0, max_value=MAX_COUNTER)


@given(MS, RANDOM, COUNTER)
def test_layout_is_uuid_version_7(unix_ms: int, rand: int, counter: int) -> None:
    u = ordered_id(ordered_id_prefix(unix_ms, rand), counter)
    assert u.version == 7
    assert u.variant == "specified in RFC 4122"
    assert u.int >> 80 == unix_ms  # the first 48 bits are the milliseconds
    assert u.int & MAX_COUNTER == counter  # the last 32 bits are the counter


@given(MS, RANDOM, COUNTER, COUNTER)
def test_order_follows_the_counter(unix_ms: int, rand: int, a: int, b: int) -> None:
    prefix = ordered_id_prefix(unix_ms, rand)
    assert (ordered_id(prefix, a) < ordered_id(prefix, b)) == (a < b)
    assert (ordered_id(prefix, a) == ordered_id(prefix, b)) == (a == b)


@given(MS, MS, RANDOM, RANDOM, COUNTER, COUNTER)
def test_a_later_millisecond_sorts_after(ms1: int, ms2: int, r1: int, r2: int, c1: int, c2: int) -> None:
    if ms1 < ms2:
        assert ordered_id(ordered_id_prefix(ms1, r1), c1) < ordered_id(ordered_id_prefix(ms2, r2), c2)


def test_random_bits_separate_statements_in_the_same_millisecond() -> None:
    ms = 1_763_900_000_000
    assert ordered_id_prefix(ms, 1) != ordered_id_prefix(ms, 2)
    assert ordered_id_prefix(ms, 1 << 41) != ordered_id_prefix(ms, 0)  # highest random bit counts too


def test_new_prefix_carries_the_current_time() -> None:
    before = time.time_ns() // 1_000_000
    prefix = new_ordered_id_prefix()
    after = time.time_ns() // 1_000_000
    assert len(prefix) == 24
    assert before <= int(prefix[:12], 16) <= after
    assert len({new_ordered_id_prefix() for _ in range(200)}) == 200


def test_out_of_range_input_is_refused() -> None:
    with pytest.raises(ValueError):
        ordered_id_prefix(1 << 48, 0)
    with pytest.raises(ValueError):
        ordered_id_prefix(-1, 0)
    prefix = ordered_id_prefix(0, 0)
    with pytest.raises(ValueError):
        ordered_id(prefix, MAX_COUNTER + 1)
    with pytest.raises(ValueError):
        ordered_id(prefix, -1)
