"""A ticket's two promises — response and arrival — as clocks rebuilt from recorded moments, and each brand's policy.

Response (最快30分钟): the ticket is answered (its first dispatch) within its
promised minutes of intake. Lock-outs happen at night, so this line runs 24×7.
Arrival (上门服务): a technician is on site within the promised minutes of the
first dispatch, counted in the working hours of the technician's home station
(its opening hours, China's public holidays and make-up workdays).

A brand admin sets the standard minutes (:class:`SlaPolicy`); a member's tier
may promise a faster response. Each ticket copies its minutes at intake, so an
old ticket's clock never changes when a tier or the policy does later.

Clocks are never stored: they are rebuilt from the recorded moments (intake, the
first dispatch, the first arrival on site, and the pauses staff recorded with a
reason), so replaying a ticket's history always gives the same answer. The
clock functions take plain values, so the tickets domain shows them without an
import cycle. Services never commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from anxin.audit import service as audit
from anxin.auth import service as auth
from anxin.clocks.calendar import BusinessCalendar
from anxin.clocks.holidays import MAKEUP_WORKDAYS, PUBLIC_HOLIDAYS
from anxin.clocks.sla import Pause, SlaClock
from anxin.clocks.weekly import DAYS
from anxin.errors import Forbidden, InvalidInput
from anxin.service.sla.models import SlaPolicy
from anxin.service.stations.models import Station
from anxin.service.technicians.models import Technician
from anxin.store.base import utcnow

STANDARD_RESPONSE_MINUTES = 30
STANDARD_ARRIVAL_MINUTES = 120
STANDARD_WARN_PERCENT = 80
RESPONSE_CALENDAR = BusinessCalendar.always()
LIMITS = {  # what a brand may promise; outside these a promise is a typing slip, not a service level
    "response_minutes": (5, 240),
    "arrival_minutes": (30, 2880),
    "warn_percent": (50, 95),
}


@dataclass(frozen=True)
class Terms:
    """A brand's standard promises, and how much of a promise is used up before the dispatcher is warned."""

    response_minutes: int = STANDARD_RESPONSE_MINUTES
    arrival_minutes: int = STANDARD_ARRIVAL_MINUTES
    warn_percent: int = STANDARD_WARN_PERCENT


STANDARD_TERMS = Terms()


@dataclass(frozen=True)
class Moments:
    """What was recorded of one ticket that its clocks are rebuilt from."""

    received: datetime
    dispatched: datetime | None = None  # the first dispatch: response kept or broken, arrival starts
    on_site: datetime | None = None  # the first check-in on site: arrival kept or broken
    pauses: tuple[Pause, ...] = ()

    @property
    def paused(self) -> Pause | None:
        """The pause running now, if any."""
        return self.pauses[-1] if self.pauses and self.pauses[-1].end is None else None


@dataclass(frozen=True)
class SlaView:
    deadline: datetime | None  # None while paused: the deadline moves
    promised_minutes: float
    elapsed_minutes: float
    breached: bool
    met: bool  # stopped within the promise
    paused: bool = False

    @property
    def remaining_minutes(self) -> float:
        return max(0.0, self.promised_minutes - self.elapsed_minutes)

    @property
    def running(self) -> bool:
        return not (self.met or self.breached)


def _view(clock: SlaClock, now: datetime) -> SlaView:
    elapsed = clock.elapsed(now)
    breached = elapsed > clock.target_minutes
    return SlaView(
        deadline=clock.deadline(),
        promised_minutes=clock.target_minutes,
        elapsed_minutes=elapsed,
        breached=breached,
        met=clock.stopped is not None and not breached,
        paused=clock.paused,
    )


def _clock(
    calendar: BusinessCalendar, minutes: float, start: datetime, stop: datetime | None, pauses: Sequence[Pause]
) -> SlaClock:
    """A pause begun after the clock stopped belongs to a later clock, so it is left out."""
    kept = [p for p in pauses if stop is None or p.start < stop]
    clock = SlaClock(calendar, target_minutes=minutes, started=start, pauses=kept)
    if stop is not None:
        clock.stop(stop)
    return clock


def response_sla(
    received_at: datetime,
    answered_at: datetime | None,
    now: datetime,
    promised_minutes: float,
    pauses: Sequence[Pause] = (),
) -> SlaView:
    """Where the response promise of one ticket stands at ``now``, against the minutes that ticket was promised."""
    return _view(_clock(RESPONSE_CALENDAR, promised_minutes, received_at, answered_at, pauses), now)


def arrival_sla(moments: Moments, now: datetime, promised_minutes: float, calendar: BusinessCalendar) -> SlaView | None:
    """Where the arrival promise stands at ``now``; None before the ticket is first dispatched (nobody is coming)."""
    if moments.dispatched is None:
        return None
    return _view(_clock(calendar, promised_minutes, moments.dispatched, moments.on_site, moments.pauses), now)


def station_calendar(opening_hours: Mapping[str, Sequence[str]]) -> BusinessCalendar:
    """A station's working time: its weekly hours, closed on public holidays, open on make-up workdays.

    A make-up workday keeps the hours of the station's first open weekday; a station that keeps no hours
    at all (none entered yet) is taken as open around the clock, so its tickets still have a deadline.
    """
    if not opening_hours:
        return BusinessCalendar.always()
    weekday = next((day for day in DAYS[:5] if day in opening_hours), None)
    workdays = {day: weekday for day in MAKEUP_WORKDAYS} if weekday is not None else {}
    return BusinessCalendar(opening_hours, holidays=PUBLIC_HOLIDAYS, workdays=workdays)


def arrival_calendar(session: Session, technician_id: int | None) -> BusinessCalendar:
    """The calendar of the home station of the ticket's technician (24×7 when nobody is assigned)."""
    technician = session.get(Technician, technician_id) if technician_id is not None else None
    station = session.get(Station, technician.home_station_id) if technician is not None else None
    return station_calendar(station.opening_hours if station is not None else {})


# --- policy -------------------------------------------------------------------------------------------------------


def policy_for(session: Session, brand_id: int) -> Terms:
    """The brand's terms as they stand now; the standard terms until its admin sets them."""
    row = session.scalar(select(SlaPolicy).where(SlaPolicy.brand_id == brand_id))
    if row is None:
        return STANDARD_TERMS
    return Terms(row.response_minutes, row.arrival_minutes, row.warn_percent)


def _check(terms: Terms) -> None:
    labels_zh = {"response_minutes": "响应承诺", "arrival_minutes": "上门承诺", "warn_percent": "预警比例"}
    for field, (low, high) in LIMITS.items():
        if not low <= getattr(terms, field) <= high:
            raise InvalidInput(
                f"{field.replace('_', ' ')} is {low} to {high}",
                message_zh=f"{labels_zh[field]}须在 {low}–{high} 之间",
                detail={"field": field},
            )


def set_policy(session: Session, *, actor: auth.Principal, terms: Terms) -> Terms:
    """The brand admin's new standard promises, for tickets taken from now on (audited)."""
    if actor.brand_id is None:
        raise Forbidden("a policy belongs to a brand; use the brand's admin account", message_zh="请使用品牌管理员账号")
    _check(terms)
    before = policy_for(session, actor.brand_id)
    row = session.scalar(select(SlaPolicy).where(SlaPolicy.brand_id == actor.brand_id))
    if row is None:
        row = SlaPolicy(brand_id=actor.brand_id)
        session.add(row)
    row.response_minutes, row.arrival_minutes, row.warn_percent = (
        terms.response_minutes, terms.arrival_minutes, terms.warn_percent
    )  # fmt: skip
    row.updated_by, row.updated_at = actor.user_id, utcnow()
    session.flush()
    audit.record(
        session,
        actor_id=actor.user_id,
        action="sla_policy.set",
        subject=f"brand:{actor.brand_id}",
        detail={"before": vars(before), "after": vars(terms)},
    )
    return terms
