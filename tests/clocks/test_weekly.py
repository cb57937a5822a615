"""Weekly hours: what parses, what is refused, and is_open agreeing with a minute-by-minute oracle."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anxin.clocks.weekly import DAYS, is_open, minutes, parse_weekly_hours
from anxin.errors import InvalidInput

times = st.integers(0, 24 * 60).map(lambda m: "24:00" if m == 1440 else f"{m // 60:02d}:{m % 60:02d}")


@given(st.dictionaries(st.sampled_from(DAYS), st.tuples(times, times)))
def test_valid_intervals_parse_and_is_open_matches_the_oracle(raw):
    valid = {d: [a, b] for d, (a, b) in raw.items() if minutes([a, b])[0] < minutes([a, b])[1]}
    hours = parse_weekly_hours(valid)
    assert list(hours) == [d for d in DAYS if d in valid]
    for day in DAYS:
        for minute in range(0, 24 * 60, 37):
            expected = day in valid and minutes(valid[day])[0] <= minute < minutes(valid[day])[1]
            assert is_open(hours, day, minute) == expected


@pytest.mark.parametrize(
    "raw",
    [
        {"monday": ["08:00", "09:00"]},
        {"mon": ["8:00", "09:00"]},
        {"mon": ["25:00", "26:00"]},
        {"mon": ["09:00"]},
        {"mon": ["09:00", "09:00"]},
    ],
)
def test_refused(raw):
    with pytest.raises(InvalidInput):
        parse_weekly_hours(raw)
