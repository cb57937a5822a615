"""The response promise: a ticket is answered (dispatched to a technician) within its promised minutes of intake.

The standard promise is 30 minutes (最快30分钟); a member's tier may promise
less. Each ticket keeps the minutes it was promised at intake, so the clock of
an old ticket never changes when a tier or the policy does later.

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

STANDARD_RESPONSE_MINUTES = 30
RESPONSE_CALENDAR = BusinessCalendar.always()


@dataclass(frozen=True)
class SlaView:
    deadline: datetime | None
    promised_minutes: float
    elapsed_minutes: float
    breached: bool
    met: bool  # answered within the promise

    @property
    def remaining_minutes(self) -> float:
        return max(0.0, self.promised_minutes - self.elapsed_minutes)


def response_clock(received_at: datetime, answered_at: datetime | None, promised_minutes: float) -> SlaClock:
    clock = SlaClock(RESPONSE_CALENDAR, target_minutes=promised_minutes, started=received_at)
    if answered_at is not None:
        clock.stop(answered_at)
    return clock


def response_sla(
    received_at: datetime, answered_at: datetime | None, now: datetime, promised_minutes: float
) -> SlaView:
    """Where the response promise of one ticket stands at ``now``, against the minutes that ticket was promised."""
    clock = response_clock(received_at, answered_at, promised_minutes)
    elapsed = clock.elapsed(now)
    breached = elapsed > promised_minutes
    stopped = clock.stopped is not None
    return SlaView(
        deadline=clock.deadline(),
        promised_minutes=promised_minutes,
        elapsed_minutes=elapsed,
        breached=breached,
        met=stopped and not breached,
    )
