"""Figures for the brand admin's dashboard (流程优化): where tickets stand and wait, and which promises were kept.

Three queries whatever the number of tickets: one row per ticket (with its
first dispatch, its technician's station and its tier) for the counts and the
response promise; one aggregate over the tickets' recorded moves for the time
spent in each state; the oldest open tickets. A ticket's response promise is
judged by the SLA service against the minutes that ticket was promised.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, literal, select
from sqlalchemy.orm import Session

from anxin.clocks.zones import CHINA
from anxin.regions.gazetteer import default_gazetteer
from anxin.service.members.models import MemberTier
from anxin.service.sla.service import response_sla
from anxin.service.stations.models import Station
from anxin.service.technicians.models import Technician
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import OPEN, Status
from anxin.service.tickets.models import Ticket, TicketEvent
from anxin.store.base import UtcDateTime

OPEN_STATUSES = [s.value for s in Status if s in OPEN]  # in lifecycle order
OLDEST_SHOWN = 10


@dataclass(frozen=True)
class PromiseKept:
    """Response promises of one group (a station, a tier): kept, broken, still running."""

    name: str | None  # None: no station yet (never dispatched) / no tier
    met: int = 0
    breached: int = 0
    open: int = 0

    @property
    def hit_rate(self) -> float | None:
        """Share of decided promises that were kept, in percent; None while none is decided."""
        decided = self.met + self.breached
        return round(100 * self.met / decided, 1) if decided else None


@dataclass(frozen=True)
class StateTime:
    """Time tickets spent in one state, from their recorded moves; ``waiting_*`` is the open tickets there now."""

    status: str
    stays: int
    average_minutes: float
    longest_minutes: float
    waiting_now: int
    waiting_minutes: float  # summed over the tickets in this state now


@dataclass(frozen=True)
class OpenTicket:
    id: int
    number: str
    status: str
    tier: str | None
    region: str
    open_minutes: float  # since intake
    in_state_minutes: float  # since the last move


@dataclass(frozen=True)
class Dashboard:
    by_status: dict[str, int]
    sla: dict[str, int]  # met / breached / open
    by_district: list[tuple[str, int]]  # most tickets first
    by_day: list[tuple[str, int]]  # intake per day (China time)
    total: int
    sla_by_station: list[PromiseKept]  # by name; tickets never dispatched last
    sla_by_tier: list[PromiseKept]  # best tier first; customers without a tier last
    state_times: list[StateTime]  # in lifecycle order
    oldest_open: list[OpenTicket]  # open longest first


def _minutes_between(session: Session, start: ColumnElement, end: ColumnElement) -> ColumnElement[float]:
    """``end - start`` in minutes, computed by the database (SQLite keeps datetimes as text, PostgreSQL as instants)."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 1440.0
    return func.date_part("epoch", end - start) / 60.0


def _branded(query, brand_id: int | None):
    return query.where(Ticket.brand_id == brand_id) if brand_id is not None else query


def _promises(rows, now: datetime) -> tuple[Counter, dict[str | None, Counter], dict[tuple[int, str] | None, Counter]]:
    """Each ticket's response promise judged once, counted overall, by station and by tier."""
    overall, stations, tiers = Counter(), {}, {}
    for row in rows:
        if row.status == Status.cancelled.value:
            continue
        view = response_sla(row.created_at, row.answered_at, now, row.response_minutes)
        outcome = "met" if view.met else "breached" if view.breached else "open"
        overall[outcome] += 1
        stations.setdefault(row.station, Counter())[outcome] += 1
        tier = (row.tier_rank, row.tier) if row.tier is not None else None
        tiers.setdefault(tier, Counter())[outcome] += 1
    return overall, stations, tiers


def _state_times(session: Session, brand_id: int | None, now: datetime) -> list[StateTime]:
    """Per open state: stays, average and longest stay, and the tickets in it now — one query over the moves."""
    left = func.lead(TicketEvent.at).over(partition_by=TicketEvent.ticket_id, order_by=(TicketEvent.at, TicketEvent.id))
    stays = _branded(
        select(TicketEvent.to_status.label("status"), TicketEvent.at.label("entered"), left.label("left"))
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(TicketEvent.kind == tickets.MOVE),  # a clock pause is not a new stay
        brand_id,
    ).subquery()
    minutes = _minutes_between(session, stays.c.entered, func.coalesce(stays.c.left, literal(now, UtcDateTime())))
    current = stays.c.left.is_(None)
    query = (
        select(
            stays.c.status,
            func.count(),
            func.avg(minutes),
            func.max(minutes),
            func.sum(case((current, 1), else_=0)),
            func.sum(case((current, minutes), else_=0.0)),
        )
        .where(stays.c.status.in_(OPEN_STATUSES))
        .group_by(stays.c.status)
    )
    found = {status: figures for status, *figures in session.execute(query)}
    return [_state_time(status, *found[status]) for status in OPEN_STATUSES if status in found]


def _state_time(status: str, stays: int, average: float, longest: float, waiting_now: int, waiting: float) -> StateTime:
    return StateTime(status, stays, round(average, 1), round(longest, 1), int(waiting_now), round(waiting, 1))


def _oldest_open(session: Session, brand_id: int | None, now: datetime) -> list[OpenTicket]:
    """The open tickets received longest ago, with how long they have sat in their current state."""
    last_move = (
        select(TicketEvent.ticket_id, func.max(TicketEvent.at).label("at"))
        .where(TicketEvent.kind == tickets.MOVE)
        .group_by(TicketEvent.ticket_id)
        .subquery()
    )
    at_now = literal(now, UtcDateTime())
    query = _branded(
        select(
            Ticket.id,
            Ticket.number,
            Ticket.status,
            Ticket.region_code,
            MemberTier.name,
            _minutes_between(session, Ticket.created_at, at_now),
            _minutes_between(session, last_move.c.at, at_now),
        )
        .join(last_move, last_move.c.ticket_id == Ticket.id)
        .outerjoin(MemberTier, MemberTier.id == Ticket.member_tier_id)
        .where(Ticket.status.in_(OPEN_STATUSES))
        .order_by(Ticket.created_at, Ticket.id)
        .limit(OLDEST_SHOWN),
        brand_id,
    )
    gazetteer = default_gazetteer()
    return [
        OpenTicket(id_, number or "", status, tier, gazetteer.full_name(region), round(age, 1), round(in_state, 1))
        for id_, number, status, region, tier, age, in_state in session.execute(query)
    ]


def dashboard(session: Session, *, brand_id: int | None, now: datetime) -> Dashboard:
    answered = tickets.first_dispatches().subquery()
    query = _branded(
        select(
            Ticket.status,
            Ticket.created_at,
            Ticket.region_code,
            Ticket.response_minutes,
            answered.c.at.label("answered_at"),
            Station.name.label("station"),
            MemberTier.name.label("tier"),
            MemberTier.rank.label("tier_rank"),
        )
        .outerjoin(answered, answered.c.ticket_id == Ticket.id)
        .outerjoin(Technician, Technician.id == Ticket.technician_id)
        .outerjoin(Station, Station.id == Technician.home_station_id)
        .outerjoin(MemberTier, MemberTier.id == Ticket.member_tier_id),
        brand_id,
    )
    rows = session.execute(query).all()
    overall, by_station, by_tier = _promises(rows, now)
    gazetteer = default_gazetteer()
    districts = Counter(gazetteer.full_name(row.region_code[:6]) for row in rows)
    days = Counter(row.created_at.astimezone(CHINA).strftime("%m-%d") for row in rows)
    return Dashboard(
        by_status=dict(Counter(row.status for row in rows)),
        sla={k: overall.get(k, 0) for k in ("met", "breached", "open")},
        by_district=districts.most_common(12),
        by_day=sorted(days.items()),
        total=len(rows),
        sla_by_station=[
            PromiseKept(name, **counts)
            for name, counts in sorted(by_station.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
        ],
        sla_by_tier=[
            PromiseKept(tier[1] if tier else None, **counts)
            for tier, counts in sorted(by_tier.items(), key=lambda kv: -kv[0][0] if kv[0] else 0)
        ],
        state_times=_state_times(session, brand_id, now),
        oldest_open=_oldest_open(session, brand_id, now),
    )
