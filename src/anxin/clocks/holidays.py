"""China's public holidays and make-up working days (调休), as data for the business calendar.

Source: the State Council's holiday notice for 2026 (国务院办公厅关于2026年部分节假日安排的通知,
国办发明电〔2025〕7号). Next year's notice is a new entry here, not a code change.

>>> date(2026, 10, 8) in PUBLIC_HOLIDAYS, date(2026, 10, 7) in PUBLIC_HOLIDAYS, date(2026, 10, 10) in MAKEUP_WORKDAYS
(False, True, True)
"""

from __future__ import annotations

from datetime import date, timedelta

_DAYS_OFF = {  # first and last day off of each holiday
    "元旦": ((2026, 1, 1), (2026, 1, 3)),
    "春节": ((2026, 2, 15), (2026, 2, 23)),
    "清明节": ((2026, 4, 4), (2026, 4, 6)),
    "劳动节": ((2026, 5, 1), (2026, 5, 5)),
    "端午节": ((2026, 6, 19), (2026, 6, 21)),
    "中秋节": ((2026, 9, 25), (2026, 9, 27)),
    "国庆节": ((2026, 10, 1), (2026, 10, 7)),
}
_WORKED_WEEKEND_DAYS = ((2026, 1, 4), (2026, 2, 14), (2026, 2, 28), (2026, 5, 9), (2026, 9, 20), (2026, 10, 10))


def _span(first: tuple[int, int, int], last: tuple[int, int, int]) -> list[date]:
    start, end = date(*first), date(*last)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


PUBLIC_HOLIDAYS = frozenset(day for first, last in _DAYS_OFF.values() for day in _span(first, last))
MAKEUP_WORKDAYS = frozenset(date(*day) for day in _WORKED_WEEKEND_DAYS)
"""Weekend days worked as an ordinary weekday."""
