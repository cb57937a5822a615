"""Consumer reports over HTTP: anyone files one and follows it; analysts triage, answer and open a case."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from anxin.api.deps import SessionDep
from anxin.api.errors import error_schema
from anxin.api.ratelimit import rate_limited
from anxin.auth import service as auth
from anxin.auth.guard import Allow, MaybePrincipal
from anxin.auth.permissions import Permission
from anxin.errors import Conflict, InvalidInput, NotFound, TooManyRequests
from anxin.integrity.cases import service as cases
from anxin.integrity.reports import service as reports
from anxin.integrity.reports.models import Report

router = APIRouter(prefix="/api", tags=["reports"])

ReportManager = Annotated[auth.Principal, Depends(Allow(Permission.reports_manage))]
REPORTS_PER_MINUTE = 10


class ReportIn(BaseModel):
    kind: str = Field(pattern="^(fake_review|brushed_shop|fake_hotline|technician)$")
    target: str = Field(min_length=1, max_length=256, description="The shop, review, number, page URL or technician.")
    description: str = Field(min_length=1, max_length=5000)
    tracking: str | None = Field(None, max_length=64, description="A logistics tracking number, if it matters.")


class AnswerIn(BaseModel):
    status: str = Field(pattern="^(triaged|upheld|rejected)$")
    text: str = Field("", max_length=5000)


def public_view(report: Report) -> dict[str, Any]:
    """What the reporter sees: status, the promise and the answer — never who handled it."""
    return {
        "number": report.number,
        "kind": report.kind,
        "target": report.target,
        "status": report.status,
        "answer_due": report.answer_due.isoformat(),
        "answer": report.answer,
        "files": len(report.files),
    }


@router.post(
    "/reports",
    status_code=201,
    responses=error_schema(InvalidInput, TooManyRequests),
    dependencies=[Depends(rate_limited("report", limit=REPORTS_PER_MINUTE))],
)
def file_report(body: ReportIn, request: Request, session: SessionDep, caller: MaybePrincipal) -> dict[str, Any]:
    """Acknowledged at once: the number and a follow code (keep it: it is shown only now)."""
    report, code = reports.submit(
        session, kind=body.kind, target=body.target, description=body.description, tracking=body.tracking,
        reporter=caller, address=request.client.host if request.client else None,
    )  # fmt: skip
    return {**public_view(report), "follow_code": code}


@router.get("/reports/status", responses=error_schema(NotFound))
def report_status(
    session: SessionDep, _caller: MaybePrincipal, number: str = Query(max_length=24), code: str = Query(max_length=64)
) -> dict[str, Any]:
    return public_view(reports.follow(session, number=number, code=code))


@router.get("/reports")
def list_reports(session: SessionDep, _caller: ReportManager, status: str | None = None) -> list[dict[str, Any]]:
    return [{**public_view(r), "id": r.id, "case_id": r.case_id} for r in reports.list_reports(session, status=status)]


@router.post("/reports/{report_id}/answer", responses=error_schema(NotFound, InvalidInput, Conflict))
def answer_report(report_id: int, body: AnswerIn, session: SessionDep, caller: ReportManager) -> dict[str, Any]:
    return public_view(reports.answer(session, report_id, status=body.status, text=body.text, actor=caller))


@router.post("/reports/{report_id}/case", status_code=201, responses=error_schema(NotFound))
def case_from_report(report_id: int, session: SessionDep, caller: ReportManager) -> dict[str, Any]:
    """A case with the report and every current finding that names the reported target."""
    case = cases.open_from_report(session, report_id, actor=caller)
    return {"case_id": case.id, "items": [{"kind": i.kind, "ref": i.ref} for i in cases.items(session, case.id)]}
