"""China Standard Time (UTC+8, no daylight saving): the clock shifts, opening hours and SLA promises are read on."""

from datetime import timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")
