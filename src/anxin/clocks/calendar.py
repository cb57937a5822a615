"""A business calendar: opening hours per weekday, public holidays, and make-up working days (调休).

Problem: "respond within 30 business minutes" must skip nights, weekends and
holidays, yet count a Saturday that the State Council declared a working day.
Holidays are data (``holidays``: dates off; ``workdays``: weekend dates worked,
with the hours of the weekday they stand in for), so next year's calendar is a
data change, not a code change. Times are read in China time.

Cost: adding ``m`` business minutes walks at most one interval per day, so
O(days spanned); counting minutes between two moments is the same.

>>> from datetime import date, datetime
>>> cal = BusinessCalendar({"mon": ["09:00", "18:00"], "tue": ["09:00", "18:00"]}, holidays={date(2026, 11, 24)})
>>> cal.add(datetime(2026, 11, 23, 17, 50, tzinfo=CHINA), 30).isoformat()   # Tue is a holiday: next Monday
'2026-11-30T09:20:00+08:00'
>>> cal.minutes_between(datetime(2026, 11, 23, 17, 0, tzinfo=CHINA), datetime(2026, 11, 30, 10, 0, tzinfo=CHINA))
120.0
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta

from anxin.clocks.weekly import DAYS, minutes, parse_weekly_hours
from anxin.clocks.zones import CHINA

MAX_DAYS = 366 * 2  # a promise further out than this is a configuration error, not a deadline


class BusinessCalendar:
    """When the business runs. ``always()`` is the 24×7 calendar (emergency lines, lockouts)."""

    def __init__(
        self,
        hours: Mapping[str, Sequence[str]],
        *,
        holidays: Iterable[date] = (),
        workdays: Mapping[date, str] | None = None,
    ):
        self.hours = parse_weekly_hours(hours)
        self.holidays = frozenset(holidays)
        self.workdays = dict(workdays or {})
        for day, stands_for in self.workdays.items():
            if stands_for not in self.hours:
                raise ValueError(f"make-up workday {day} stands for {stands_for!r}, which has no hours; use mon…fri")
            if day in self.holidays:
                raise ValueError(f"{day} cannot be both a holiday and a make-up workday")

    @classmethod
    def always(cls) -> BusinessCalendar:
        return cls({day: ["00:00", "24:00"] for day in DAYS})

    def interval(self, day: date) -> tuple[int, int] | None:
        """Opening minutes of ``day`` (local), or None when closed."""
        if day in self.holidays:
            return None
        key = self.workdays.get(day, DAYS[day.weekday()])
        return minutes(self.hours[key]) if key in self.hours else None

    def add(self, start: datetime, business_minutes: float) -> datetime:
        """The moment ``business_minutes`` of open time after ``start`` (aware datetime, returned in China time)."""
        if start.tzinfo is None:
            raise ValueError("give an aware datetime (e.g. tzinfo=CHINA); naive times are ambiguous")
        if business_minutes < 0:
            raise ValueError("business_minutes must be ≥ 0")
        local = start.astimezone(CHINA)
        left = float(business_minutes)
        day = local.date()
        minute = local.hour * 60 + local.minute + local.second / 60
        for _ in range(MAX_DAYS):
            window = self.interval(day)
            if window is not None:
                begin = max(window[0], minute)
                if begin < window[1]:
                    if begin + left <= window[1]:
                        return _at(day, begin + left)
                    left -= window[1] - begin
            day += timedelta(days=1)
            minute = 0.0
        raise ValueError(f"no {business_minutes} business minutes within {MAX_DAYS} days: is the calendar ever open?")

    def minutes_between(self, start: datetime, end: datetime) -> float:
        """Open minutes in [start, end); 0 when end is not after start."""
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("give aware datetimes (e.g. tzinfo=CHINA)")
        a, b = start.astimezone(CHINA), end.astimezone(CHINA)
        total = 0.0
        day = a.date()
        while day <= b.date():
            window = self.interval(day)
            if window is not None:
                lo = window[0] if day > a.date() else max(window[0], a.hour * 60 + a.minute + a.second / 60)
                hi = window[1] if day < b.date() else min(window[1], b.hour * 60 + b.minute + b.second / 60)
                total += max(0.0, hi - lo)
            day += timedelta(days=1)
        return total


def _at(day: date, minute: float) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=CHINA) + timedelta(minutes=minute)
