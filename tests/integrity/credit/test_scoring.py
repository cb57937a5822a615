"""Credit scoring: decay, expiry, bounds and explanations (with property tests)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anxin.integrity.credit.scoring import (
    BASE,
    DAY_MS,
    MAX_CLEAN_MONTHS,
    MONTH_MS,
    CreditItem,
    clean_months,
    level_of,
    score,
)

KINDS = ["finding", "penalty", "inspection", "report", "complaint", "sla_breach", "rerepair", "clean_month"]
items_strategy = st.lists(
    st.builds(
        CreditItem,
        kind=st.sampled_from(KINDS),
        points=st.floats(-60, 20, allow_nan=False),
        at_ms=st.integers(0, 1_000 * DAY_MS),
        reason=st.just("r"),
    ),
    max_size=20,
)


@given(items_strategy, st.integers(0, 2_000 * DAY_MS))
def test_scores_stay_in_bounds_and_equal_base_plus_contributions(items, now):
    s = score(items, now_ms=now)
    assert 0 <= s.score <= 100 and s.level == level_of(s.score)
    unclamped = BASE + sum(c.points for c in s.contributions)
    assert s.score == pytest.approx(min(100, max(0, unclamped)), abs=0.051)
    assert all(c.item.at_ms <= now < c.counts_until_ms for c in s.contributions)


@given(st.floats(-80, -1, allow_nan=False), st.integers(1, 3_000))
def test_a_penalty_only_fades_and_then_stops_counting(points, days):
    penalty = CreditItem("penalty", points, 0, "刷单")
    earlier = score([penalty], now_ms=days * DAY_MS)
    later = score([penalty], now_ms=(days + 30) * DAY_MS)
    assert later.score >= earlier.score
    [contribution] = score([penalty], now_ms=0).contributions
    assert score([penalty], now_ms=contribution.counts_until_ms).contributions == []


def test_half_life_halves_the_points_and_reasons_come_largest_first():
    items = [
        CreditItem("penalty", -40, 0, "listing suspended"),
        CreditItem("complaint", -4, 170 * DAY_MS, "late arrival", public=False),
        CreditItem("clean_month", 2, 175 * DAY_MS, "a month without problems"),
    ]
    s = score(items, now_ms=180 * DAY_MS)
    assert [c.item.reason for c in s.contributions] == ["listing suspended", "late arrival", "a month without problems"]
    assert s.contributions[0].points == pytest.approx(-20)
    assert [c.item.reason for c in s.public_reasons()] == ["listing suspended", "a month without problems"]


def test_bad_items_are_refused():
    with pytest.raises(ValueError, match="kind must be one of"):
        CreditItem("gossip", -5, 0, "x")
    with pytest.raises(ValueError, match="finite"):
        CreditItem("penalty", float("inf"), 0, "x")


@given(
    st.lists(st.tuples(st.integers(-20, 20), st.integers(0, 400)), max_size=12),
    st.integers(0, 800),
)
def test_clean_months_count_only_full_months_after_the_last_negative_item(points_days, now_day):
    items = [CreditItem("complaint", p, d * DAY_MS, "x") for p, d in points_days if p != 0]
    now = now_day * DAY_MS
    months = clean_months(items, now_ms=now)
    recorded = [i for i in items if i.at_ms <= now]
    if not recorded:
        assert months == []
        return
    negatives = [i.at_ms for i in recorded if i.points < 0]
    since = max(negatives) if negatives else min(i.at_ms for i in recorded)
    assert len(months) == min(MAX_CLEAN_MONTHS, (now - since) // MONTH_MS)
    assert all(m.points > 0 and since < m.at_ms <= now for m in months)
    assert score(items + months, now_ms=now).score >= score(items, now_ms=now).score
