"""Oracle tests: every windowed value equals a brute-force recount of the documented semantics, at every step."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.integrity.features.windows import SlidingSum

WIDTH = 10
N = 6
LATENESS = 25

# (key, time step, jitter back in time, value): mostly increasing times with some late arrivals.
ops_strategy = st.lists(
    st.tuples(st.sampled_from("abc"), st.integers(0, 30), st.integers(0, 120), st.integers(-3, 9)),
    max_size=120,
)


def _times(ops):
    clock = 1_000
    for key, step, back, value in ops:
        clock += step
        yield key, max(0, clock - back), value


@settings(max_examples=300, deadline=None)
@given(ops_strategy, st.integers(0, 200))
def test_sliding_sum_equals_brute_force_recount_at_every_step(ops, probe_offset):
    w = SlidingSum(WIDTH * N, buckets=N, lateness_ms=LATENESS)
    retain = N + -(-LATENESS // WIDTH)
    accepted: dict[str, list[tuple[int, int]]] = {}
    head: dict[str, int] = {}
    dropped = 0
    for key, t, value in _times(ops):
        b = t // WIDTH
        h = head.get(key)
        if h is None or b > h:
            head[key] = b
            accepted.setdefault(key, []).append((b, value))
        elif b <= h - retain:
            dropped += 1
        else:
            accepted[key].append((b, value))
        h = head[key]
        expected = sum(v for bb, v in accepted[key] if b - N < bb <= b and bb > h - retain)
        assert w.add(key, t, value) == expected
        # a read at another time must agree with the recount too, and must not change state
        q = max(0, t - 100 + probe_offset)
        qb = q // WIDTH
        for k in "abc":
            if k not in head:
                assert w.get(k, q) == 0
                continue
            hk = head[k]
            exp_q = sum(v for bb, v in accepted[k] if qb - N < bb <= qb and bb > hk - retain)
            assert w.get(k, q) == exp_q
    assert w.late_dropped == dropped


@settings(max_examples=100, deadline=None)
@given(ops_strategy)
def test_snapshot_round_trip_continues_identically(ops):
    ops = list(_times(ops))
    half = len(ops) // 2
    a = SlidingSum(WIDTH * N, buckets=N, lateness_ms=LATENESS)
    for key, t, v in ops[:half]:
        a.add(key, t, v)
    b = SlidingSum.from_state(a.to_state())
    for key, t, v in ops[half:]:
        assert a.add(key, t, v) == b.add(key, t, v)


def test_idle_key_is_reset_not_walked():
    w = SlidingSum(60_000, buckets=60)
    w.add("k", 0, 5)
    assert w.add("k", 10**12, 1) == 1  # a year later: the old bucket is gone
    assert w.memory_bytes() > 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"window_ms": 0}, "window_ms"),
        ({"window_ms": 1000, "buckets": 0}, "buckets"),
        ({"window_ms": 1000, "buckets": 7}, "equal buckets"),
        ({"window_ms": 1000, "buckets": 10, "lateness_ms": -1}, "lateness_ms"),
    ],
)
def test_constructor_says_how_to_fix(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SlidingSum(**kwargs)
