"""Seasonal EWMA baselines against a brute-force replay of every bucket, zeros included."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.integrity.features.baselines import SeasonalBaseline


def brute_score(values_by_bucket: dict[int, float], open_bucket: int, season, alpha, min_std, warmup, first):
    means = [0.0] * season
    vars_ = [0.0] * season
    for b in range(first, open_bucket):
        x = values_by_bucket.get(b, 0)
        s = b % season
        diff = x - means[s]
        incr = alpha * diff
        means[s] += incr
        vars_[s] = (1 - alpha) * (vars_[s] + diff * incr)
    if open_bucket - first < warmup:
        return 0.0
    s = open_bucket % season
    std = math.sqrt(vars_[s])
    return (values_by_bucket.get(open_bucket, 0) - means[s]) / max(std, min_std)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(1, 5)), min_size=1, max_size=60),
    st.integers(1, 7),
    st.sampled_from([0.1, 0.3, 1.0]),
)
def test_score_equals_brute_force_replay(steps, season, alpha):
    s = SeasonalBaseline(bucket_ms=10, season=season, alpha=alpha, min_std=0.5, warmup=season)
    values: dict[int, float] = {}
    t = 0
    first = None
    for gap, v in steps:
        t += gap
        b = t // 10
        first = b if first is None else first
        values[b] = values.get(b, 0) + v
        got = s.add("k", t, v)
        assert got == pytest.approx(brute_score(values, b, season, alpha, 0.5, season, first), rel=1e-9, abs=1e-9)


def test_late_event_for_closed_bucket_is_ignored():
    s = SeasonalBaseline(bucket_ms=10, season=1, warmup=0)
    s.add("k", 100, 1)
    before = s.get("k", 100)
    s.add("k", 50, 1)
    assert s.late_ignored == 1 and s.get("k", 100) == before


def test_round_trip_and_validation():
    s = SeasonalBaseline(bucket_ms=10, season=3, warmup=1)
    for t in range(0, 300, 7):
        s.add("k", t, 1)
    again = SeasonalBaseline.from_state(s.to_state())
    assert again.add("k", 400, 2) == s.add("k", 400, 2)
    with pytest.raises(ValueError, match="alpha"):
        SeasonalBaseline(alpha=0)
    with pytest.raises(ValueError, match="season"):
        SeasonalBaseline(season=0)
