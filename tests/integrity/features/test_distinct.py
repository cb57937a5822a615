"""Distinct counts: exact mode equals a brute-force recount at every step; HyperLogLog stays within its error."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.integrity.features.distinct import SlidingDistinct

WIDTH = 10
N = 5
LATENESS = 20

ops_strategy = st.lists(
    st.tuples(st.sampled_from("xy"), st.integers(0, 25), st.integers(0, 100), st.integers(0, 8)),
    max_size=120,
)


@settings(max_examples=300, deadline=None)
@given(ops_strategy)
def test_exact_distinct_equals_brute_force_at_every_step(ops):
    d = SlidingDistinct(WIDTH * N, buckets=N, lateness_ms=LATENESS, exact_limit=10**6)
    retain = N + -(-LATENESS // WIDTH)
    accepted: dict[str, list[tuple[int, int]]] = {}
    head: dict[str, int] = {}
    clock = 1_000
    for key, step, back, value in ops:
        clock += step
        t = max(0, clock - back)
        b = t // WIDTH
        h = head.get(key)
        if h is None or b > h:
            head[key] = b
            accepted.setdefault(key, []).append((b, value))
        elif b > h - retain:
            accepted[key].append((b, value))
        h = head[key]
        expected = len({v for bb, v in accepted[key] if b - N < bb <= b and bb > h - retain})
        assert d.add(key, t, value) == expected
        assert d.get(key, t) == expected


@settings(max_examples=50, deadline=None)
@given(ops_strategy)
def test_exact_snapshot_round_trip(ops):
    a = SlidingDistinct(WIDTH * N, buckets=N, lateness_ms=LATENESS)
    clock = 1_000
    seq = []
    for key, step, back, value in ops:
        clock += step
        seq.append((key, max(0, clock - back), value))
    half = len(seq) // 2
    for key, t, v in seq[:half]:
        a.add(key, t, v)
    b = SlidingDistinct.from_state(a.to_state())
    for key, t, v in seq[half:]:
        assert a.add(key, t, v) == b.add(key, t, v)


def test_big_key_switches_to_hyperloglog_within_error():
    rng = random.Random(7)
    d = SlidingDistinct(60_000, buckets=60, exact_limit=100, precision=10)
    truth: list[tuple[int, str]] = []
    worst = 0.0
    for i in range(20_000):
        t = i * 12  # 20k events over 240 s, window 60 s
        v = f"acct-{rng.randrange(5_000)}"
        truth.append((t // 1000, v))
        got = d.add("shop-1", t, v)
        if i % 997 == 0 and i > 2_000:
            b = t // 1000
            exact = len({x for bb, x in truth if b - 60 < bb <= b})
            worst = max(worst, abs(got - exact) / exact)
    assert not d.is_exact("shop-1")
    assert worst < 4 * 1.04 / 32  # four standard errors at m = 1024
    # snapshot keeps the sketch
    again = SlidingDistinct.from_state(d.to_state())
    assert again.get("shop-1", 239_988) == d.get("shop-1", 239_988)
    assert d.memory_bytes() > 60 * 1024


def test_hyperloglog_with_late_events_tracks_the_recount():
    rng = random.Random(11)
    d = SlidingDistinct(60_000, buckets=60, lateness_ms=60_000, exact_limit=50, precision=10)
    retain = 120
    accepted: list[tuple[int, str]] = []
    head = None
    errors = []
    for i in range(8_000):
        t = 100_000 + i * 20 - (rng.randrange(90_000) if rng.random() < 0.05 else 0)
        v = f"v{rng.randrange(3_000)}"
        b = t // 1000
        if head is None or b > head:
            head = b
        if b > head - retain:
            accepted.append((b, v))
        got = d.add("k", t, v)
        if i % 401 == 0 and i > 1_000:
            exact = len({x for bb, x in accepted if b - 60 < bb <= b and bb > head - retain})
            errors.append(abs(got - exact) / exact)
    assert not d.is_exact("k")
    assert max(errors) < 4 * 1.04 / 32
