"""The dispatcher's board (start page): technicians with their assigned tickets, the waiting queue, auto-dispatch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from anxin.api.deps import KeyRingDep, SessionDep, get_locale
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import ROLE_LABELS, Permission, Role
from anxin.clocks.zones import CHINA
from anxin.errors import AnxinError
from anxin.service.dispatch import service as dispatch
from anxin.service.escalations import pages as escalation_pages
from anxin.service.escalations import service as escalations
from anxin.service.sla import service as sla
from anxin.service.technicians import service as technicians
from anxin.service.tickets import service as tickets
from anxin.service.tickets.models import Ticket
from anxin.store.base import utcnow
from anxin.text import N_
from anxin.web.forms import FormData
from anxin.web.i18n import translations
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

BoardViewer = Annotated[auth.Principal, Depends(Allow(Permission.page_dispatch))]
Dispatcher = Annotated[auth.Principal, Depends(Allow(Permission.dispatch_run))]


def _board(
    request: Request,
    session: SessionDep,
    keys: KeyRingDep,
    caller: auth.Principal,
    *,
    result: dispatch.DispatchResult | None = None,
    error: str | None = None,
    status: int = 200,
):
    crew = technicians.list_technicians(session, viewer=caller)
    query = select(Ticket).where(
        Ticket.status.in_([*dispatch.WAITING, "dispatched", "accepted", "en_route", "on_site"])
    )
    if caller.brand_id is not None:
        query = query.where(Ticket.brand_id == caller.brand_id)
    rows = list(session.scalars(query.order_by(Ticket.planned_arrival, Ticket.created_at)))
    by_tech: dict[int, list] = {t.id: [] for t in crew}
    waiting = []
    for row in rows:
        view = (row, tickets.to_read(session, keys, row))
        if row.technician_id in by_tech and row.status not in dispatch.WAITING:
            by_tech[row.technician_id].append(view)
        else:
            waiting.append(view)
    now = utcnow()
    moments = tickets.clock_moments(session, rows)
    calendars = {t.id: sla.arrival_calendar(session, t.id) for t in crew}
    escalations.check(session, now=now, brand_id=caller.brand_id)  # the board is where the dispatcher is warned
    context = {
        "crew": crew,
        "by_tech": by_tech,
        "waiting": waiting,
        "sla": {  # each waiting ticket's response promise, counting down on its own minutes
            row.id: sla.response_sla(
                row.created_at, moments[row.id].dispatched, now, row.response_minutes, moments[row.id].pauses
            )
            for row, _view in waiting
        },
        "arrival": {  # each booked ticket's arrival promise, on its technician's station hours
            row.id: sla.arrival_sla(moments[row.id], now, row.arrival_minutes, calendars[row.technician_id])
            for views in by_tech.values()
            for row, _view in views
        },
        "notices": escalations.notices_for(session, viewer=caller, limit=10),
        **escalation_pages.labels(),
        "result": result,
        "reassignable": dispatch.REASSIGNABLE,
        "title": ROLE_LABELS[Role.dispatcher],
        "can_run": caller.may(Permission.dispatch_run),
        "china": CHINA,
        "map": [
            (translations(get_locale(request)).gettext(name), points) for name, points in _map(session, crew, rows)
        ],
        "error": error,
    }
    return render(request, "board.html", context, status=status)


def _map(session, crew, rows) -> list[tuple[str, list[list]]]:
    """Technicians at their stations and tickets at their districts' county seats (lng, lat, label): the board's map."""
    techs = [[*p, t.name] for t in crew if (p := dispatch.station_point(session, t.home_station_id))]
    waiting, booked = [], []
    for row in rows:
        if point := dispatch.point_of(row.region_code):
            (waiting if row.status in dispatch.WAITING else booked).append([*point, row.number])
    return [(N_("Technicians"), techs), (N_("Waiting"), waiting), (N_("Assigned"), booked)]


@router.get("/dispatch")
def board(request: Request, session: SessionDep, keys: KeyRingDep, caller: BoardViewer):
    return _board(request, session, keys, caller)


@router.post("/dispatch/run")
def run(request: Request, session: SessionDep, keys: KeyRingDep, caller: Dispatcher):
    result = dispatch.auto_dispatch(session, actor=caller, now=utcnow())
    return _board(request, session, keys, caller, result=result)


@router.post("/dispatch/assign")
def assign(request: Request, session: SessionDep, keys: KeyRingDep, caller: Dispatcher, form: FormData):
    """The dispatcher's own choice for one ticket (a pin the optimizer keeps); refused with the rule it breaks."""
    try:
        dispatch.assign(
            session, ticket_id=int(form.get("ticket_id") or 0), technician_id=int(form.get("technician_id") or 0),
            actor=caller, now=utcnow(),
        )  # fmt: skip
    except (AnxinError, ValueError) as err:
        session.rollback()
        message = err.localized(get_locale(request)) if isinstance(err, AnxinError) else str(err)
        return _board(request, session, keys, caller, error=message, status=getattr(err, "status", 422))
    # Back to the board by GET: the ticket now shows on its technician's card, and reloading sends nothing again.
    return RedirectResponse("/dispatch", status_code=303)
