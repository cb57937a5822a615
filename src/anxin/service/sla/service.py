"""The response promise: a ticket is answered (dispatched to a technician) within 30 minutes of intake.

Lock-outs happen at night, so the response line runs around the clock: the
policy's calendar is 24×7. The clock is rebuilt from two recorded moments —
intake and the first ``dispatched`` move — so it needs no state of its own.
Takes plain values, so the tickets domain can show it without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from anxin.clocks.calendar import BusinessCalendar
from anxin.clocks.sla import SlaClock

RESPONSE_MINUTES = 30.0
RESPONSE_CALENDAR = BusinessCalendar.always()


@dataclass(frozen=True)
class SlaView:
    deadline: datetime | None
    elapsed_minutes: float
    breached: bool
    met: bool  # answered within the promise

    @property
    def remaining_minutes(self) -> float:
        return max(0.0, RESPONSE_MINUTES - self.elapsed_minutes)


def response_clock(received_at: datetime, answered_at: datetime | None) -> SlaClock:
    clock = SlaClock(RESPONSE_CALENDAR, target_minutes=RESPONSE_MINUTES, started=received_at)
    if answered_at is not None:
        clock.stop(answered_at)
    return clock


def response_sla(received_at: datetime, answered_at: datetime | None, now: datetime) -> SlaView:
    """Where the response promise of one ticket stands at ``now``."""
    clock = response_clock(received_at, answered_at)
    elapsed = clock.elapsed(now)
    breached = elapsed > RESPONSE_MINUTES
    stopped = clock.stopped is not None
    return SlaView(
        deadline=clock.deadline(),
        elapsed_minutes=elapsed,
        breached=breached,
        met=stopped and not breached,
    )
