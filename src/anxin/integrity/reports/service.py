"""Reports: accept with a number at once, promise an answer in business time, triage against findings, answer.

Services never commit. A report is acknowledged with a number and a follow
code (shown once; only its hash is kept) so the consumer can follow it without
an account. The answer is due three business days later (Mon–Fri 09:00–18:00,
China time, on :class:`anxin.clocks.calendar.BusinessCalendar`). Triage shows
the detectors' findings that name the same target, and how many reports the
same reporter filed lately (one account filing many against a competitor is
itself a signal). A report becomes a case through :func:`anxin.integrity.cases.service.open_from_report`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from anxin.audit import service as audit
from anxin.auth import service as auth
from anxin.clocks.calendar import BusinessCalendar
from anxin.errors import Conflict, InvalidInput, NotFound
from anxin.integrity.credit import service as credit
from anxin.integrity.findings.models import StoredFinding
from anxin.integrity.reports.models import Report
from anxin.store.base import utcnow
from anxin.uploads.store import StoredFile

KINDS = ("fake_review", "brushed_shop", "fake_hotline", "technician")
WORKDAY = ["09:00", "18:00"]
BUSINESS_HOURS = {day: WORKDAY for day in ("mon", "tue", "wed", "thu", "fri")}
ANSWER_WITHIN_MINUTES = 3 * 9 * 60  # three business days
ABUSE_WINDOW = timedelta(days=30)
MAX_FILES = 5
CREDIT_SUBJECT = {"brushed_shop": "shop", "technician": "technician"}
"""Report kinds whose target is a credit subject (its shop or technician id)."""
UPHELD_POINTS = -8.0


def business_calendar() -> BusinessCalendar:
    """The risk team's working week (Mon–Fri 09:00–18:00 China time): reports and cases are due on it."""
    return BusinessCalendar(BUSINESS_HOURS)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def submit(
    session: Session,
    *,
    kind: str,
    target: str,
    description: str,
    tracking: str | None = None,
    files: list[StoredFile] | None = None,
    reporter: auth.Principal | None = None,
    address: str | None = None,
) -> tuple[Report, str]:
    """Accept a report; returns it and the follow code (shown to the reporter once)."""
    if kind not in KINDS:
        raise InvalidInput(
            f"kind must be one of {', '.join(KINDS)}", message_zh="举报类型无效", detail={"field": "kind"}
        )
    target, description = target.strip(), description.strip()
    if not target or len(target) > 256:
        raise InvalidInput(
            "name what you report: a shop, review, number, page or technician", message_zh="请填写举报对象"
        )
    if not description:
        raise InvalidInput("describe what you saw", message_zh="请描述您看到的情况", detail={"field": "description"})
    if len(files or []) > MAX_FILES:
        raise InvalidInput(f"at most {MAX_FILES} files", message_zh=f"最多上传 {MAX_FILES} 个文件")
    now = utcnow()
    code = secrets.token_urlsafe(9)
    report = Report(
        follow_code_hash=_hash(code), kind=kind, target=target, description=description[:5000],
        tracking=(tracking or "").strip()[:64] or None,
        files=[{"sha256": f.sha256, "type": f.content_type, "size": f.size} for f in files or []],
        reporter_id=reporter.user_id if reporter else None, reporter_address=address, created_at=now,
        answer_due=business_calendar().add(now, ANSWER_WITHIN_MINUTES),
    )  # fmt: skip
    session.add(report)
    session.flush()
    report.number = f"JB{now:%Y%m%d}{report.id:06d}"
    session.flush()
    return report, code


def follow(session: Session, *, number: str, code: str) -> Report:
    """The reporter's view; a wrong number and a wrong code look the same."""
    report = session.scalar(select(Report).where(Report.number == number.strip().upper()))
    if report is None or not hmac.compare_digest(report.follow_code_hash, _hash(code.strip())):
        raise NotFound("no report with this number and code", message_zh="举报编号或查询码不正确")
    return report


def get_report(session: Session, report_id: int) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound(f"no report {report_id}", message_zh=f"没有举报 {report_id}")
    return report


def list_reports(session: Session, *, status: str | None = None, limit: int = 200) -> list[Report]:
    query = select(Report).order_by(Report.answer_due, Report.id).limit(limit)
    if status is not None:
        query = query.where(Report.status == status)
    return list(session.scalars(query))


def matching_findings(session: Session, report: Report) -> list[StoredFinding]:
    """Current findings whose members name the reported target (a shop, account, device, number…)."""
    found = session.scalars(select(StoredFinding).where(StoredFinding.status != "dismissed"))
    return [f for f in found if any(m["id"] == report.target for m in f.members)]


def reporter_activity(session: Session, report: Report) -> int:
    """Reports by the same reporter (account or address) in the last 30 days, this one included."""
    if report.reporter_id is None and report.reporter_address is None:
        return 1
    same = []
    if report.reporter_id is not None:
        same.append(Report.reporter_id == report.reporter_id)
    if report.reporter_address is not None:
        same.append(Report.reporter_address == report.reporter_address)
    return (
        session.scalar(
            select(func.count()).select_from(Report).where(or_(*same), Report.created_at >= utcnow() - ABUSE_WINDOW)
        )
        or 1
    )


def answer(session: Session, report_id: int, *, status: str, text: str, actor: auth.Principal) -> Report:
    """Uphold or reject with an answer the reporter reads (``triaged`` marks it as being looked at)."""
    if status not in ("triaged", "upheld", "rejected"):
        raise InvalidInput("status must be triaged, upheld or rejected", message_zh="处理状态无效")
    report = get_report(session, report_id)
    if report.status in ("upheld", "rejected") and status == "triaged":
        raise Conflict("this report is answered already", message_zh="该举报已答复")
    if status != "triaged" and not text.strip():
        raise InvalidInput("write the answer the reporter will read", message_zh="请填写给举报人的答复")
    newly_upheld = status == "upheld" and report.status != "upheld"
    report.status = status
    if status != "triaged":
        report.answer, report.answered_by, report.answered_at = text.strip()[:5000], actor.user_id, utcnow()
    session.flush()
    subject_kind = CREDIT_SUBJECT.get(report.kind)
    if newly_upheld and subject_kind is not None and 0 < len(report.target.strip()) <= 128:  # costs credit
        credit.record(
            session, kind=subject_kind, subject_id=report.target, item="report", points=UPHELD_POINTS,
            reason=f"举报属实 {report.number}", actor_id=actor.user_id,
        )  # fmt: skip
    audit.record(session, actor_id=actor.user_id, action=f"report.{status}", subject=f"report:{report.number}")
    return report
