"""Report pages: the consumer's form (with screenshots, photos, PDFs) and status lookup; the analysts' triage."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import RedirectResponse

from anxin.api.deps import SessionDep, SettingsDep, get_locale
from anxin.api.ratelimit import rate_limited
from anxin.auth import service as auth
from anxin.auth.guard import Allow, MaybePrincipal
from anxin.auth.permissions import Permission
from anxin.errors import AnxinError
from anxin.integrity.cases import service as cases
from anxin.integrity.reports import service as reports
from anxin.integrity.server.report_routes import REPORTS_PER_MINUTE
from anxin.text import N_
from anxin.uploads.store import MAX_UPLOAD_BYTES, store_upload, stored_path, table_rows
from anxin.web.forms import FormData
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

ReportManager = Annotated[auth.Principal, Depends(Allow(Permission.reports_manage))]
KIND_LABELS = {
    "fake_review": N_("Fake review"),
    "brushed_shop": N_("Brushed shop (刷单)"),
    "fake_hotline": N_("Fake hotline number or page"),
    "technician": N_("A technician"),
}
STATUS_LABELS = {
    "received": N_("received"),
    "triaged": N_("being handled"),
    "upheld": N_("confirmed as reported"),
    "rejected": N_("not upheld"),
}


@router.get("/report")
def report_form(request: Request, _caller: MaybePrincipal):
    return render(request, "report_form.html", {"kinds": KIND_LABELS, "values": {}, "error": None, "receipt": None})


@router.post("/report", dependencies=[Depends(rate_limited("report", limit=REPORTS_PER_MINUTE))])
def report_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    caller: MaybePrincipal,
    form: FormData,
    evidence: list[UploadFile] = File(default=[]),
):
    try:
        stored = [
            store_upload(f.file.read(MAX_UPLOAD_BYTES + 1), root=settings.data_dir) for f in evidence if f.filename
        ]
        report, code = reports.submit(
            session, kind=form.get("kind", ""), target=form.get("target", ""), description=form.get("description", ""),
            tracking=form.get("tracking"), files=stored, reporter=caller,
            address=request.client.host if request.client else None,
        )  # fmt: skip
    except AnxinError as err:
        session.rollback()
        context = {"kinds": KIND_LABELS, "values": form, "error": err.localized(get_locale(request)), "receipt": None}
        return render(request, "report_form.html", context, status=err.status)
    receipt = {"number": report.number, "code": code, "due": report.answer_due, "files": len(stored)}
    return render(
        request, "report_form.html", {"kinds": KIND_LABELS, "values": {}, "error": None, "receipt": receipt}, status=201
    )


@router.get("/report/status")
def report_status(request: Request, session: SessionDep, _caller: MaybePrincipal, number: str = "", code: str = ""):
    report, error = None, None
    if number or code:
        try:
            report = reports.follow(session, number=number, code=code)
        except AnxinError as err:
            error = err.localized(get_locale(request))
    context = {"report": report, "error": error, "number": number, "kinds": KIND_LABELS, "status_labels": STATUS_LABELS}
    return render(request, "report_status.html", context, status=404 if error else 200)


@router.get("/risk/reports")
def triage_page(request: Request, session: SessionDep, _caller: ReportManager):
    context = {"reports": reports.list_reports(session), "kinds": KIND_LABELS, "status_labels": STATUS_LABELS}
    return render(request, "risk_reports.html", context)


def _report_context(session, report_id: int, *, root, **extra):
    report = reports.get_report(session, report_id)
    return {
        "report": report,
        "tables": _tables(root, report),
        "findings": reports.matching_findings(session, report),
        "activity": reports.reporter_activity(session, report),
        "kinds": KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "error": None,
        **extra,
    }


@router.get("/risk/reports/{report_id}")
def report_page(request: Request, report_id: int, session: SessionDep, settings: SettingsDep, _caller: ReportManager):
    return render(request, "risk_report.html", _report_context(session, report_id, root=settings.data_dir))


def _tables(root, report) -> list[list[list[str]]]:
    """The rows of each logistics record (CSV) the reporter attached, for the analyst to read in place."""
    paths = [stored_path(root, f["sha256"], f["type"]) for f in report.files if f["type"] == "text/csv"]
    return [table_rows(p) for p in paths if p.exists()]


@router.post("/risk/reports/{report_id}")
def report_action(
    request: Request, report_id: int, session: SessionDep, settings: SettingsDep, caller: ReportManager, form: FormData
):
    try:
        if form.get("op") == "case":
            case = cases.open_from_report(session, report_id, actor=caller)
            return RedirectResponse(f"/risk/cases/{case.id}", status_code=303)
        reports.answer(session, report_id, status=form.get("status", ""), text=form.get("text", ""), actor=caller)
    except AnxinError as err:
        session.rollback()
        context = _report_context(session, report_id, root=settings.data_dir, error=err.localized(get_locale(request)))
        return render(request, "risk_report.html", context, status=err.status)
    return RedirectResponse(f"/risk/reports/{report_id}", status_code=303)
