"""The risk console's cases: open one from a finding, work it (status, notes), download its evidence bundle."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from anxin.api.deps import SessionDep, get_locale
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import Permission
from anxin.clocks.zones import CHINA
from anxin.errors import AnxinError
from anxin.integrity.cases import service as cases
from anxin.integrity.server.live import publish_labels, runtime_of
from anxin.store.base import utcnow
from anxin.text import N_
from anxin.web.forms import FormData
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

RiskViewer = Annotated[auth.Principal, Depends(Allow(Permission.page_risk))]
CaseManager = Annotated[auth.Principal, Depends(Allow(Permission.cases_manage))]
CASE_STATUS_LABELS = {"open": N_("open"), "investigating": N_("investigating"), "closed": N_("closed")}


@router.get("/risk/cases")
def cases_page(request: Request, session: SessionDep, caller: RiskViewer, mine: bool = False):
    """The review queue (most urgent first, overdue flagged), then the closed cases."""
    context = {
        "queue": cases.queue(session, assignee_id=caller.user_id if mine else None),
        "closed": cases.list_cases(session, status="closed", limit=50),
        "names": auth.display_names(session),
        "now": utcnow(),
        "china": CHINA,
        "mine": mine,
        "status_labels": CASE_STATUS_LABELS,
    }
    return render(request, "risk_cases.html", context)


@router.post("/risk/findings/{finding_id}/case")
def open_case_from_finding(request: Request, finding_id: int, session: SessionDep, caller: CaseManager):
    case = cases.open_from_finding(session, finding_id, actor=caller)
    publish_labels(session, runtime_of(request))
    return RedirectResponse(f"/risk/cases/{case.id}", status_code=303)


def _case_context(session, case_id: int, **extra):
    found = cases.case_findings(session, case_id)
    return {
        "case": cases.get_case(session, case_id),
        "findings": found,
        "accounts": cases.accounts_of(found),
        "decisions": [i for i in cases.items(session, case_id) if i.kind == "decision"],
        "notes": cases.notes(session, case_id),
        "names": auth.display_names(session),
        "now": utcnow(),
        "china": CHINA,
        "status_labels": CASE_STATUS_LABELS,
        "error": None,
        **extra,
    }


@router.get("/risk/cases/{case_id}")
def case_page(request: Request, case_id: int, session: SessionDep, _caller: RiskViewer):
    try:
        context = _case_context(session, case_id)
    except AnxinError:
        return render(request, "risk_case.html", {"case": None}, status=404)
    return render(request, "risk_case.html", context)


@router.post("/risk/cases/{case_id}")
def case_action(request: Request, case_id: int, session: SessionDep, caller: CaseManager, form: FormData):
    """A note, a status change, an assignee, or a decision (tenant/event id) added to the case."""
    try:
        if form.get("assignee", "").strip():
            cases.assign(session, case_id, username=form["assignee"], actor=caller)
        if form.get("note", "").strip():
            cases.add_note(session, case_id, text=form["note"], actor=caller)
        if form.get("status"):
            cases.set_status(session, case_id, status=form["status"], actor=caller)
        if form.get("decision", "").strip():
            cases.add_item(session, case_id, kind="decision", ref=form["decision"].strip(), actor=caller)
    except AnxinError as err:
        session.rollback()
        context = _case_context(session, case_id, error=err.localized(get_locale(request)))
        return render(request, "risk_case.html", context, status=err.status)
    return RedirectResponse(f"/risk/cases/{case_id}", status_code=303)
