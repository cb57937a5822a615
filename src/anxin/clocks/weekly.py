"""Weekly hours (station opening hours, technician shifts) as data: ``{"mon": ["08:30", "18:00"], ...}``.

A day that is missing is closed. One interval per day keeps the form simple
for brand admins; a lunch break is modelled later by the SLA calendar's pauses.

>>> hours = parse_weekly_hours({"mon": ["08:30", "18:00"], "sat": ["09:00", "12:00"]})
>>> is_open(hours, "mon", 9 * 60), is_open(hours, "sun", 10 * 60), minutes(hours["sat"])
(True, False, (540, 720))
>>> parse_weekly_hours({"mon": ["18:00", "08:00"]})
Traceback (most recent call last):
...
anxin.errors.InvalidInput: mon: opening 18:00 must be before closing 08:00
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from anxin.errors import InvalidInput
from anxin.text import N_

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_LABELS = {
    "mon": N_("Mon"),
    "tue": N_("Tue"),
    "wed": N_("Wed"),
    "thu": N_("Thu"),
    "fri": N_("Fri"),
    "sat": N_("Sat"),
    "sun": N_("Sun"),
}
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


def _minute(text: str, day: str) -> int:
    if not isinstance(text, str) or not _HHMM.match(text):
        raise InvalidInput(
            f"{day}: {text!r} is not a time like 08:30", message_zh=f"{day}：{text!r} 不是 08:30 这样的时间"
        )
    hours, mins = text.split(":")
    return int(hours) * 60 + int(mins)


def parse_weekly_hours(raw: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Validated hours in day order; unknown days, bad times and empty intervals raise InvalidInput."""
    unknown = sorted(set(raw) - set(DAYS))
    if unknown:
        raise InvalidInput(f"unknown days {unknown}; use {', '.join(DAYS)}", message_zh="星期写法应为 mon…sun")
    out: dict[str, list[str]] = {}
    for day in DAYS:
        if day not in raw:
            continue
        interval = list(raw[day])
        if len(interval) != 2:
            raise InvalidInput(f"{day}: give [opening, closing]", message_zh=f"{day}：请给出开始和结束时间")
        start, end = (_minute(t, day) for t in interval)
        if start >= end:
            raise InvalidInput(
                f"{day}: opening {interval[0]} must be before closing {interval[1]}",
                message_zh=f"{day}：开始时间必须早于结束时间",
            )
        out[day] = interval
    return out


def minutes(interval: Sequence[str]) -> tuple[int, int]:
    """An interval as minutes since midnight."""
    return _minute(interval[0], "interval"), _minute(interval[1], "interval")


def is_open(hours: Mapping[str, Sequence[str]], day: str, minute: int) -> bool:
    if day not in hours:
        return False
    start, end = minutes(hours[day])
    return start <= minute < end
