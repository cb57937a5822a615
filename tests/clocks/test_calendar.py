"""Business calendar and SLA clocks against a minute-by-minute oracle, and the edges users of ticket tools
report broken: off-hours starts, holidays, make-up workdays, pauses across midnight."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.clocks.calendar import BusinessCalendar
from anxin.clocks.sla import SlaClock
from anxin.clocks.zones import CHINA
from anxin.errors import Conflict

OFFICE = BusinessCalendar(
    {d: ["09:00", "18:00"] for d in ("mon", "tue", "wed", "thu", "fri")} | {"sat": ["10:00", "16:00"]},
    holidays={date(2026, 11, 25)},
    workdays={date(2026, 11, 29): "mon"},  # a Sunday worked with Monday's hours
)
BASE = datetime(2026, 11, 23, 0, 0, tzinfo=CHINA)  # a Monday


def open_minutes_by_oracle(cal: BusinessCalendar, start: datetime, end: datetime) -> int:
    """Count open minutes one by one."""
    count, t = 0, start
    while t < end:
        window = cal.interval(t.date())
        m = t.hour * 60 + t.minute
        if window and window[0] <= m < window[1]:
            count += 1
        t += timedelta(minutes=1)
    return count


moments = st.integers(0, 9 * 24 * 60).map(lambda m: BASE + timedelta(minutes=m))


@settings(max_examples=40, deadline=None)
@given(moments, st.integers(0, 3 * 24 * 60))
def test_minutes_between_matches_the_oracle(start, span):
    end = start + timedelta(minutes=span)
    assert OFFICE.minutes_between(start, end) == open_minutes_by_oracle(OFFICE, start, end)


@settings(max_examples=60, deadline=None)
@given(moments, st.integers(0, 2000))
def test_add_then_count_gives_back_the_minutes(start, business_minutes):
    end = OFFICE.add(start, business_minutes)
    assert OFFICE.minutes_between(start, end) == pytest.approx(business_minutes)
    assert OFFICE.add(start, 0) >= start


def test_edges():
    friday_evening = datetime(2026, 11, 27, 17, 50, tzinfo=CHINA)
    assert OFFICE.add(friday_evening, 30).isoformat() == "2026-11-28T10:20:00+08:00"  # Saturday hours
    tuesday = datetime(2026, 11, 24, 17, 45, tzinfo=CHINA)
    assert OFFICE.add(tuesday, 30).isoformat() == "2026-11-26T09:15:00+08:00"  # Wednesday is a holiday
    saturday_late = datetime(2026, 11, 28, 15, 50, tzinfo=CHINA)
    assert OFFICE.add(saturday_late, 30).isoformat() == "2026-11-29T09:20:00+08:00"  # make-up Sunday
    with pytest.raises(ValueError):
        BusinessCalendar({}).add(BASE, 1)  # never open
    with pytest.raises(ValueError):
        OFFICE.add(datetime(2026, 11, 23, 9, 0), 5)  # naive


def test_pause_across_midnight_and_breach():
    start = datetime(2026, 11, 23, 17, 0, tzinfo=CHINA)
    clock = SlaClock(OFFICE, target_minutes=120, started=start)
    clock.pause(datetime(2026, 11, 23, 17, 30, tzinfo=CHINA), "waiting for parts")
    clock.resume(datetime(2026, 11, 24, 10, 0, tzinfo=CHINA))
    assert clock.elapsed(datetime(2026, 11, 24, 10, 0, tzinfo=CHINA)) == 30
    assert clock.deadline().isoformat() == "2026-11-24T11:30:00+08:00"
    assert not clock.breached(datetime(2026, 11, 24, 11, 30, tzinfo=CHINA))
    assert clock.breached(datetime(2026, 11, 24, 11, 31, tzinfo=CHINA))
    clock.stop(datetime(2026, 11, 24, 11, 0, tzinfo=CHINA))
    assert clock.elapsed(datetime(2026, 11, 30, 12, 0, tzinfo=CHINA)) == 90  # stopped: no longer moves
    with pytest.raises(Conflict):
        clock.pause(datetime(2026, 11, 24, 12, 0, tzinfo=CHINA), "late")


def test_deadline_is_unknown_while_paused_and_double_pause_refused():
    clock = SlaClock(BusinessCalendar.always(), target_minutes=30, started=BASE)
    clock.pause(BASE + timedelta(minutes=5), "customer not home")
    assert clock.deadline() is None
    with pytest.raises(Conflict):
        clock.pause(BASE + timedelta(minutes=6), "again")
    with pytest.raises(ValueError):
        SlaClock(BusinessCalendar.always(), target_minutes=0, started=BASE)
