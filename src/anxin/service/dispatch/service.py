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
from anxin.errors import Forbidden, InvalidInput
from anxin.integrity.credit import service as credit
from anxin.regions.gazetteer import default_gazetteer
from anxin.service.dispatch.optimizer import Job, Plan, Problem, Technician, solve
from anxin.service.stations.models import Station, StationCoverage
from anxin.service.technicians import service as technicians_service
from anxin.service.technicians.models import Technician as TechnicianRow
from anxin.service.technicians.models import TechnicianTerritory
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import Status
from anxin.service.tickets.models import Ticket

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
JOB_MINUTES = 60.0
WAITING = (Status.received.value, Status.reopened.value)
REASSIGNABLE = (Status.dispatched.value, Status.accepted.value)  # the technician has not set off yet
BOOKED = (Status.dispatched.value, Status.accepted.value, Status.en_route.value, Status.on_site.value)
QUEUE_ORDER = (Ticket.queue_priority.desc(), Ticket.created_at, Ticket.id)
"""The order waiting tickets are offered to the optimizer in: members with priority dispatch first, then oldest."""


@dataclass(frozen=True)
class DispatchResult:
    assigned: list[tuple[str, str, str]]  # (ticket number, technician name, why)
    unassigned: list[tuple[str, str]]  # (ticket number, reason)


def _minute_of_day(moment: datetime) -> float:
    local = moment.astimezone(CHINA)
    return local.hour * 60 + local.minute + local.second / 60


def point_of(region_code: str) -> tuple[float, float] | None:
    """The county seat (lng, lat) of a district or town code: where the optimizer places a job."""
    return default_gazetteer().coords(region_code[:6] if len(region_code) > 6 else region_code)


def station_point(session: Session, station_id: int) -> tuple[float, float] | None:
    station = session.get(Station, station_id)
    return point_of(station.region_code) if station else None


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
    session: Session, *, brand_id: int, now: datetime, pins: dict[int, int] | None = None
) -> tuple[Problem, dict[str, Ticket], dict[str, TechnicianRow], list[tuple[str, str]]]:
    """Today's problem for a brand, the waiting tickets and technician rows behind its ids, and unplaceable tickets.

    Jobs come in :data:`QUEUE_ORDER`; every job has the same urgency here, so a member's tier decides who is
    offered first. Tickets already with a technician (dispatched … on site) enter pinned to
    them, so their day is not planned twice; ``pins`` (ticket id → technician
    id) pins waiting tickets too — the dispatcher's override the optimizer keeps.
    """
    today = DAY_KEYS[now.astimezone(CHINA).weekday()]
    start = _minute_of_day(now)
    pins = pins or {}
    jobs, waiting, unplaceable = [], {}, []
    for ticket in session.scalars(
        select(Ticket).where(Ticket.brand_id == brand_id, Ticket.status.in_((*WAITING, *BOOKED))).order_by(*QUEUE_ORDER)
    ):
        point = point_of(ticket.region_code)
        booked = ticket.status in BOOKED
        if point is None:
            if not booked:
                unplaceable.append((ticket.number or "", "no coordinates known for the customer's district"))
            continue
        pinned = ticket.technician_id if booked else pins.get(ticket.id)
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
                pinned=str(pinned) if pinned is not None else None,
            )
        )
        if not booked:
            waiting[number] = ticket
    technicians, rows = [], {}
    crew = list(
        session.scalars(select(TechnicianRow).where(TechnicianRow.brand_id == brand_id, TechnicianRow.active.is_(True)))
    )
    scores = credit.credits(session, kind="technician", subject_ids=[str(row.id) for row in crew])
    for row in crew:
        shift = row.shifts.get(today)
        point = station_point(session, row.home_station_id)
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
                credit=scores[str(row.id)].score,
            )
        )
        rows[str(row.id)] = row
    on_shift, kept = {t.id for t in technicians}, []
    for job in jobs:  # booked work of someone off shift is not today's problem; a pin to them cannot hold
        if job.pinned is None or job.pinned in on_shift:
            kept.append(job)
        elif job.id in waiting:
            unplaceable.append((job.id, "the chosen technician is not on shift now"))
    return Problem(kept, technicians), waiting, rows, unplaceable


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
    return _apply(session, plan, waiting, rows, unplaceable, now=now, actor=actor, how="auto-dispatch")


def _apply(session, plan: Plan, waiting, rows, unplaceable, *, now: datetime, actor, how: str) -> DispatchResult:
    """Move the plan's waiting tickets to ``dispatched`` with their technician, arrival and reason."""
    midnight = now.astimezone(CHINA).replace(hour=0, minute=0, second=0, microsecond=0)
    assigned = []
    for number, technician_id in plan.assignment.items():
        if number not in waiting:
            continue  # booked earlier: stays as it is
        ticket, row, visit = waiting[number], rows[technician_id], plan.visit(number)
        ticket.technician_id = row.id
        ticket.planned_arrival = midnight + timedelta(minutes=visit.arrival)
        ticket.dispatch_note = visit.why[:512]
        tickets.move(
            session,
            ticket_id=ticket.id,
            to=Status.dispatched,
            version=ticket.version,
            note=f"{how} → {row.name}: {visit.why}"[:2000],
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


def assign(
    session: Session, *, ticket_id: int, technician_id: int, actor: auth.Principal, now: datetime
) -> DispatchResult:
    """The dispatcher's choice for one ticket, pinned: hard rules still hold, and later auto-dispatch keeps it.

    A ticket already with another technician who has not set off yet (dispatched or accepted) is
    taken back first and the move is recorded; if the new technician cannot take it, nothing changes.

    Raises:
        NotFound: the ticket or technician is not the caller's brand's.
        InvalidInput: the ticket is under way or done, or the technician cannot take it (skill, territory,
            shift, no room left today) — the message says which.
    """
    ticket = tickets.get_ticket(session, ticket_id=ticket_id, viewer=actor)
    technicians_service.get_technician(session, technician_id=technician_id, viewer=actor)
    if ticket.status in REASSIGNABLE and ticket.technician_id != technician_id:
        tickets.move(
            session, ticket_id=ticket.id, to=Status.received, version=ticket.version,
            note=f"taken back from technician {ticket.technician_id} to reassign", actor=actor,
        )  # fmt: skip
        ticket.technician_id = None
        ticket.planned_arrival = None
        session.flush()
    if ticket.status not in WAITING:
        raise InvalidInput(
            f"ticket {ticket.number} is {ticket.status}: only tickets not yet under way can be (re)assigned",
            message_zh="该工单已在上门途中或已完成，不能改派",
        )
    problem, _waiting, rows, unplaceable = build_problem(
        session, brand_id=ticket.brand_id, now=now, pins={ticket.id: technician_id}
    )
    number = ticket.number or str(ticket.id)
    if (why := dict(unplaceable).get(number)) is not None:
        raise InvalidInput(why, message_zh="该师傅现在不在班或客户地区无法定位")
    tech, job = problem.technician(str(technician_id)), problem.job(number)
    if not problem.allowed(tech, job):
        raise InvalidInput(
            f"{rows[tech.id].name} "
            + (
                f"lacks the skill {ticket.lock_model}"
                if ticket.lock_model not in tech.skills
                else "does not cover the customer's district"
            ),
            message_zh="该师傅不具备此型号技能或不覆盖该地区",
        )
    mine = Problem([j for j in problem.jobs if j.pinned == tech.id], [tech], problem.travel)
    plan = solve(mine, time_limit=0.3)
    if number not in plan.assignment:
        reason = plan.reason(number) or "no room in the technician's shift"
        raise InvalidInput(reason, message_zh="该师傅今天的班次已排满")
    return _apply(session, plan, {number: ticket}, rows, [], now=now, actor=actor, how="pinned by the dispatcher")
