"""Auto-dispatch: turn a brand's waiting tickets and today's technicians into a Problem, solve, apply the Plan.

安排师傅 by an optimizer, not "first free": skills (the ticket's lock model
must be among the technician's skills), shifts (today's, in China time),
territory (home station coverage plus extra territory) and travel between
county seats. Each assignment keeps the optimizer's reason (distance, skill,
load) on the ticket for the board; each job left over keeps its reason too.
Services never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.clocks.zones import CHINA
from anxin.errors import Forbidden
from anxin.integrity.credit import service as credit
from anxin.regions.gazetteer import default_gazetteer
from anxin.service.dispatch.optimizer import Job, Plan, Problem, Technician, solve
from anxin.service.stations.models import Station, StationCoverage
from anxin.service.technicians.models import Technician as TechnicianRow
from anxin.service.technicians.models import TechnicianTerritory
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import Status
from anxin.service.tickets.models import Ticket

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
JOB_MINUTES = 60.0
WAITING = (Status.received.value, Status.reopened.value)


@dataclass(frozen=True)
class DispatchResult:
    assigned: list[tuple[str, str, str]]  # (ticket number, technician name, why)
    unassigned: list[tuple[str, str]]  # (ticket number, reason)


def _minute_of_day(moment: datetime) -> float:
    local = moment.astimezone(CHINA)
    return local.hour * 60 + local.minute + local.second / 60


def _point(region_code: str) -> tuple[float, float] | None:
    return default_gazetteer().coords(region_code[:6] if len(region_code) > 6 else region_code)


def _territory(session: Session, row: TechnicianRow) -> frozenset[str]:
    """County codes the technician may serve: the home station's coverage and any extra territory."""
    codes = set(
        session.scalars(select(StationCoverage.region_code).where(StationCoverage.station_id == row.home_station_id))
    )
    codes |= set(
        session.scalars(select(TechnicianTerritory.region_code).where(TechnicianTerritory.technician_id == row.id))
    )
    return frozenset(code[:6] for code in codes)


def build_problem(
    session: Session, *, brand_id: int, now: datetime
) -> tuple[Problem, dict[str, Ticket], dict[str, TechnicianRow], list[tuple[str, str]]]:
    """Today's problem for a brand, the rows behind its ids, and tickets that cannot be placed on a map."""
    today = DAY_KEYS[now.astimezone(CHINA).weekday()]
    start = _minute_of_day(now)
    jobs, waiting, unplaceable = [], {}, []
    for ticket in session.scalars(
        select(Ticket).where(Ticket.brand_id == brand_id, Ticket.status.in_(WAITING)).order_by(Ticket.created_at)
    ):
        point = _point(ticket.region_code)
        if point is None:
            unplaceable.append((ticket.number or "", "no coordinates known for the customer's district"))
            continue
        number = ticket.number or str(ticket.id)
        jobs.append(
            Job(
                number,
                point,
                window=(start, 24 * 60 - JOB_MINUTES),
                duration=JOB_MINUTES,
                skills={ticket.lock_model},
                release=start,
                district=ticket.region_code[:6],
            )
        )
        waiting[number] = ticket
    technicians, rows = [], {}
    for row in session.scalars(
        select(TechnicianRow).where(TechnicianRow.brand_id == brand_id, TechnicianRow.active.is_(True))
    ):
        shift = row.shifts.get(today)
        station = session.get(Station, row.home_station_id)
        point = _point(station.region_code) if station else None
        if not shift or point is None:
            continue
        open_, close = (int(t[:2]) * 60 + int(t[3:]) for t in shift)
        if close <= start:
            continue
        technicians.append(
            Technician(
                str(row.id),
                point,
                skills=set(row.skills),
                shift=(open_, close),
                available_at=start,
                territory=_territory(session, row),
                credit=credit.credit(session, kind="technician", subject_id=str(row.id)).score,
            )
        )
        rows[str(row.id)] = row
    return Problem(jobs, technicians), waiting, rows, unplaceable


def auto_dispatch(
    session: Session, *, actor: auth.Principal, now: datetime, time_limit: float = 1.0, seed: int = 0
) -> DispatchResult:
    """Assign the brand's waiting tickets to today's technicians and move them to ``dispatched``."""
    if actor.brand_id is None:
        raise Forbidden(
            "dispatch runs for one brand; use a brand's dispatcher account", message_zh="请使用品牌调度账号"
        )
    if _minute_of_day(now) >= 24 * 60 - JOB_MINUTES:
        return DispatchResult([], [])  # too late for a visit today; the morning run picks them up
    problem, waiting, rows, unplaceable = build_problem(session, brand_id=actor.brand_id, now=now)
    if not problem.jobs:
        return DispatchResult([], unplaceable)
    plan: Plan = solve(problem, time_limit=time_limit, seed=seed) if problem.technicians else Plan(())
    midnight = now.astimezone(CHINA).replace(hour=0, minute=0, second=0, microsecond=0)
    assigned = []
    for number, technician_id in plan.assignment.items():
        ticket, row, visit = waiting[number], rows[technician_id], plan.visit(number)
        ticket.technician_id = row.id
        ticket.planned_arrival = midnight + timedelta(minutes=visit.arrival)
        ticket.dispatch_note = visit.why[:512]
        tickets.move(
            session,
            ticket_id=ticket.id,
            to=Status.dispatched,
            version=ticket.version,
            note=f"auto-dispatch → {row.name}: {visit.why}"[:2000],
            actor=actor,
        )
        assigned.append((number, row.name, visit.why))
    reasons = {u.job_id: u.reason for u in plan.unassigned}
    unassigned = list(unplaceable)
    for number, ticket in waiting.items():
        if number not in plan.assignment:
            reason = reasons.get(number) or "no technician on shift today"
            ticket.dispatch_note = reason[:512]
            unassigned.append((number, reason))
    session.flush()
    return DispatchResult(assigned, unassigned)
