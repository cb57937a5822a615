"""The technician's job page (start page, phone-first): today's jobs, the next step, the address when needed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from anxin.api.deps import KeyRingDep, SessionDep, get_locale
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import ROLE_LABELS, Permission, Role
from anxin.clocks.zones import CHINA
from anxin.errors import AnxinError
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import LABELS, TRANSITIONS, Status
from anxin.service.tickets.schemas import FAULT_LABELS
from anxin.service.visits import service as visits
from anxin.text import N_
from anxin.web.forms import FormData
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

STEP_LABELS = {
    Status.accepted: N_("Accept"),
    Status.en_route: N_("Leave now"),
    Status.on_site: N_("Check in on site"),
    Status.completed: N_("Done"),
}
Worker = Annotated[auth.Principal, Depends(Allow(Permission.jobs_work))]


def _page(
    request: Request,
    session: SessionDep,
    keys: KeyRingDep,
    caller: auth.Principal,
    *,
    contact: tuple[int, visits.Contact] | None = None,
    error: str | None = None,
    status: int = 200,
):
    jobs = visits.my_jobs(session, actor=caller)
    context = {
        "jobs": [(row, tickets.to_read(session, keys, row)) for row in jobs],
        "next": {row.id: sorted(TRANSITIONS[Status(row.status)] & visits.TECHNICIAN_MOVES) for row in jobs},
        "can_reveal": visits.REVEAL_WHILE,
        "contact": contact,
        "error": error,
        "status_labels": LABELS,
        "fault_labels": FAULT_LABELS,
        "title": ROLE_LABELS[Role.technician],
        "linked": visits.linked_technician(session, caller) is not None,
        "china": CHINA,
        "step_labels": STEP_LABELS,
    }
    return render(request, "jobs.html", context, status=status)


@router.get("/tech")
def job_page(request: Request, session: SessionDep, keys: KeyRingDep, caller: Worker):
    return _page(request, session, keys, caller)


@router.post("/tech/jobs/{ticket_id}/moves")
def step(request: Request, ticket_id: int, session: SessionDep, keys: KeyRingDep, caller: Worker, form: FormData):
    try:
        visits.work_on(
            session,
            ticket_id=ticket_id,
            to=Status(form.get("status", "")),
            version=int(form.get("version", "0") or 0),
            actor=caller,
        )
    except (ValueError, AnxinError) as exc:
        session.rollback()
        message = exc.localized(get_locale(request)) if isinstance(exc, AnxinError) else str(exc)
        return _page(request, session, keys, caller, error=message, status=409)
    return RedirectResponse("/tech", status_code=303)


@router.post("/tech/jobs/{ticket_id}/contact")
def show_contact(request: Request, ticket_id: int, session: SessionDep, keys: KeyRingDep, caller: Worker):
    """A POST because it writes the reveal log; the full contact shows on this response only."""
    contact = visits.contact_for_visit(session, keys, ticket_id=ticket_id, actor=caller)
    return _page(request, session, keys, caller, contact=(ticket_id, contact))
