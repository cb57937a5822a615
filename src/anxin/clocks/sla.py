"""SLA clocks that pause with a reason (最快30分钟 as a measured promise).

A clock counts business minutes from its start, except while paused (waiting
for parts, customer not home); it breaches when the counted minutes exceed the
target. It is an event log, not a timer: state is derived from the recorded
start, pauses and resumes, so replaying a ticket's history gives the same answer.

>>> from datetime import datetime, timedelta
>>> t0 = datetime(2026, 11, 24, 10, 0, tzinfo=CHINA)
>>> clock = SlaClock(BusinessCalendar.always(), target_minutes=30, started=t0)
>>> clock.pause(t0 + timedelta(minutes=10), "customer not home")
>>> clock.resume(t0 + timedelta(minutes=50))
>>> clock.elapsed(t0 + timedelta(minutes=60)), clock.breached(t0 + timedelta(minutes=60))
(20.0, False)
>>> clock.deadline().isoformat()
'2026-11-24T11:10:00+08:00'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from anxin.clocks.calendar import BusinessCalendar
from anxin.clocks.zones import CHINA
from anxin.errors import Conflict


@dataclass(frozen=True)
class Pause:
    start: datetime
    reason: str
    end: datetime | None = None


@dataclass
class SlaClock:
    """One promise on one ticket: response within ``target_minutes`` business minutes of ``started``."""

    calendar: BusinessCalendar
    target_minutes: float
    started: datetime
    pauses: list[Pause] = field(default_factory=list)
    stopped: datetime | None = None

    def __post_init__(self) -> None:
        if self.target_minutes <= 0:
            raise ValueError("target_minutes must be > 0 (e.g. 30 for the response promise)")
        if self.started.tzinfo is None:
            raise ValueError("started must be an aware datetime")

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].end is None

    def pause(self, at: datetime, reason: str) -> None:
        if self.paused or self.stopped is not None:
            raise Conflict("the clock is already paused or stopped", message_zh="计时已暂停或已结束")
        if not reason.strip():
            raise ValueError("a pause needs a reason (waiting for parts, customer not home …)")
        self.pauses.append(Pause(at, reason.strip()))

    def resume(self, at: datetime) -> None:
        if not self.paused:
            raise Conflict("the clock is not paused", message_zh="计时未暂停")
        last = self.pauses[-1]
        if at < last.start:
            raise ValueError("resume cannot be before the pause")
        self.pauses[-1] = Pause(last.start, last.reason, at)

    def stop(self, at: datetime) -> None:
        """The promise was kept or broken at ``at`` (e.g. the first response); the clock no longer moves."""
        if self.paused:
            self.resume(at)
        self.stopped = at

    def elapsed(self, now: datetime) -> float:
        """Business minutes counted by ``now`` (pauses excluded)."""
        end = min(now, self.stopped) if self.stopped is not None else now
        counted = self.calendar.minutes_between(self.started, end)
        for p in self.pauses:  # a pause begun before the clock started counts from the start only
            pause_start, pause_end = max(p.start, self.started), min(p.end or end, end)
            if pause_end > pause_start:
                counted -= self.calendar.minutes_between(pause_start, pause_end)
        return max(0.0, counted)

    def breached(self, now: datetime) -> bool:
        return self.elapsed(now) > self.target_minutes

    def deadline(self) -> datetime | None:
        """When the promise runs out if nothing else pauses it; None while paused (the deadline moves)."""
        if self.paused:
            return None
        last_end = self.pauses[-1].end if self.pauses else None
        anchor = max(last_end, self.started) if last_end is not None else self.started
        remaining = self.target_minutes - self.elapsed(anchor)
        return self.calendar.add(anchor, max(0.0, remaining)).astimezone(CHINA)
