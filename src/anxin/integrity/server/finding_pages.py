"""The risk console's findings: run a detector, see what it found, open one (drawn as a graph), confirm or dismiss."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from anxin.api.deps import SessionDep, get_locale
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import Permission
from anxin.errors import AnxinError
from anxin.integrity.detectors import SPIKE_CONTEXT_LABELS
from anxin.integrity.findings import service as findings
from anxin.integrity.findings.inputs import DETECTORS
from anxin.integrity.server.live import publish_labels, runtime_of
from anxin.integrity.server.pages import china_time
from anxin.text import N_
from anxin.web.forms import FormData
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

RiskViewer = Annotated[auth.Principal, Depends(Allow(Permission.page_risk))]
FindingManager = Annotated[auth.Principal, Depends(Allow(Permission.findings_manage))]
DETECTOR_LABELS = {
    "rings": N_("Sock-puppet rings"),
    "templates": N_("Template reviews"),
    "dense_blocks": N_("Dense blocks"),
    "lockstep": N_("Lockstep groups"),
    "cashback": N_("Cashback channels"),
    "brushing": N_("Brushing in real purchases"),
    "spikes": N_("Sales spikes with context"),
    "insider": N_("Insider collusion and subsidy farming"),
    "extortion": N_("Professional negative reviewers"),
}
STATUS_LABELS = {"open": N_("open"), "confirmed": N_("confirmed"), "dismissed": N_("dismissed")}


def _context(session, **extra):
    return {
        "detectors": [(name, DETECTOR_LABELS.get(name, name)) for name in DETECTORS],
        "detector_labels": DETECTOR_LABELS,
        "status_labels": STATUS_LABELS,
        "findings": findings.list_findings(session),
        "runs": findings.runs(session, limit=10),
        "error": None,
        **extra,
    }


@router.get("/risk/findings")
def findings_page(request: Request, session: SessionDep, _caller: RiskViewer):
    return render(request, "risk_findings.html", _context(session))


@router.post("/risk/findings/run")
def run_from_form(request: Request, session: SessionDep, caller: FindingManager, form: FormData):
    try:
        findings.run_detector(
            session,
            journal=runtime_of(request).path,
            detector=form.get("detector", ""),
            tenant=form.get("tenant", "").strip() or None,
            actor=caller,
        )
    except AnxinError as err:
        session.rollback()
        context = _context(session, error=err.localized(get_locale(request)))
        return render(request, "risk_findings.html", context, status=err.status)
    publish_labels(session, runtime_of(request))
    return RedirectResponse("/risk/findings", status_code=303)


@router.get("/risk/findings/{finding_id}")
def finding_page(request: Request, finding_id: int, session: SessionDep, _caller: RiskViewer):
    try:
        finding = findings.get_finding(session, finding_id)
    except AnxinError:
        return render(request, "risk_finding.html", {"finding": None}, status=404)
    context = {
        "finding": finding,
        "detector_labels": DETECTOR_LABELS,
        "status_labels": STATUS_LABELS,
        "series": _hourly_series(finding.evidence),
        "context_labels": SPIKE_CONTEXT_LABELS,
    }
    return render(request, "risk_finding.html", context)


def _hourly_series(evidence: dict) -> dict | None:
    """A spike's orders per hour, labelled in China time, for the chart; None for other findings."""
    series = evidence.get("series")
    if not series:
        return None
    return {"hours": [china_time(ms)[:-3] for ms in series["hours_ms"]], "orders": series["orders"]}


@router.post("/risk/findings/{finding_id}/review")
def review_from_form(request: Request, finding_id: int, session: SessionDep, caller: FindingManager, form: FormData):
    findings.review(session, finding_id, status=form.get("status", ""), actor=caller)
    publish_labels(session, runtime_of(request))
    return RedirectResponse(f"/risk/findings/{finding_id}", status_code=303)
