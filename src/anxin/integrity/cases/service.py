"""Cases: open one from a finding in one click, add findings, decisions and notes, export verifiable evidence.

Services never commit. An exported bundle holds the case, each finding as the
detector described it, every journaled event of the case's accounts (the
decisions included), the notes, and a Chinese summary; see :mod:`.bundle`.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from anxin.audit import service as audit
from anxin.auth import service as auth
from anxin.auth.permissions import Permission, Role, allowed
from anxin.clocks.zones import CHINA
from anxin.errors import Conflict, InvalidInput, NotFound
from anxin.integrity.cases.bundle import BundleItem, write_bundle
from anxin.integrity.cases.models import Case, CaseItem, CaseNote
from anxin.integrity.findings import service as findings
from anxin.integrity.findings.models import StoredFinding
from anxin.integrity.journal import Journal
from anxin.integrity.reports import service as reports
from anxin.integrity.reports.models import Report
from anxin.store.base import utcnow
from anxin.uploads.store import stored_path

STATUSES = ("open", "investigating", "closed")
DUE_WITHIN_MINUTES = {"open": 9 * 60, "investigating": 5 * 9 * 60}
"""The review queue's SLA on the reports' business calendar: triage within a business day, a decision within five."""
MAX_EVENTS_PER_ACCOUNT = 10_000


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}", message_zh=f"没有案件 {case_id}")
    return case


def list_cases(session: Session, *, status: str | None = None, limit: int = 200) -> list[Case]:
    query = select(Case).order_by(Case.updated_at.desc(), Case.id.desc()).limit(limit)
    if status is not None:
        query = query.where(Case.status == status)
    return list(session.scalars(query))


def queue(session: Session, *, assignee_id: int | None = None, limit: int = 200) -> list[Case]:
    """Cases waiting for a step, the most urgent first: what an analyst works through."""
    query = select(Case).where(Case.status != "closed").order_by(Case.due_at, Case.id).limit(limit)
    if assignee_id is not None:
        query = query.where(Case.assignee_id == assignee_id)
    return list(session.scalars(query))


def due_after(status: str, start: datetime) -> datetime | None:
    """When a case entering ``status`` at ``start`` is due for its next step (None for closed)."""
    minutes = DUE_WITHIN_MINUTES.get(status)
    return None if minutes is None else reports.business_calendar().add(start, minutes)


def assign(session: Session, case_id: int, *, username: str, actor: auth.Principal) -> Case:
    """Give the case to an analyst (one with the case permission)."""
    case = get_case(session, case_id)
    user = auth.get_user_by_username(session, username=username.strip())
    if user is None or not allowed(Role(user.role), Permission.cases_manage):
        raise InvalidInput(f"{username!r} is not an analyst who can work cases", message_zh="该用户不能处理案件")
    case.assignee_id = user.id
    case.updated_at = utcnow()
    session.flush()
    audit.record(
        session, actor_id=actor.user_id, action="case.assign", subject=f"case:{case.id}", detail={"to": user.username}
    )
    return case


def open_from_finding(session: Session, finding_id: int, *, actor: auth.Principal) -> Case:
    """A new case holding this finding; a finding already in a case returns that case instead."""
    finding = findings.get_finding(session, finding_id)
    existing = session.scalar(
        select(Case).join(CaseItem).where(CaseItem.kind == "finding", CaseItem.ref == str(finding_id))
    )
    if existing is not None:
        return existing
    reason = finding.reasons[0]["text"] if finding.reasons else finding.kind
    now = utcnow()
    case = Case(title=f"{finding.detector} #{finding.id}: {reason}"[:256], created_by=actor.user_id,
                created_at=now, updated_at=now, due_at=due_after("open", now))  # fmt: skip
    session.add(case)
    session.flush()
    session.add(CaseItem(case_id=case.id, kind="finding", ref=str(finding_id), added_by=actor.user_id))
    if finding.status == "open":
        finding.status = "confirmed"  # opening a case on it is the analyst's confirmation
        finding.reviewed_by, finding.reviewed_at = actor.user_id, utcnow()
    session.flush()
    audit.record(
        session, actor_id=actor.user_id, action="case.open", subject=f"case:{case.id}", detail={"finding": finding_id}
    )
    return case


def open_from_report(session: Session, report_id: int, *, actor: auth.Principal) -> Case:
    """A case holding the report and every current finding that names its target (once per report)."""
    report = reports.get_report(session, report_id)
    if report.case_id is not None:
        return get_case(session, report.case_id)
    now = utcnow()
    case = Case(title=f"举报 {report.number}: {report.target}"[:256], created_by=actor.user_id,
                created_at=now, updated_at=now, due_at=due_after("open", now))  # fmt: skip
    session.add(case)
    session.flush()
    session.add(CaseItem(case_id=case.id, kind="report", ref=str(report.id), added_by=actor.user_id))
    for finding in reports.matching_findings(session, report):
        session.add(CaseItem(case_id=case.id, kind="finding", ref=str(finding.id), added_by=actor.user_id))
    report.case_id = case.id
    if report.status == "received":
        report.status = "triaged"
    session.flush()
    audit.record(
        session, actor_id=actor.user_id, action="case.open", subject=f"case:{case.id}", detail={"report": report.number}
    )
    return case


def case_reports(session: Session, case_id: int) -> list[Report]:
    ids = [int(i.ref) for i in items(session, case_id) if i.kind == "report"]
    return list(session.scalars(select(Report).where(Report.id.in_(ids)).order_by(Report.id)))


def add_item(session: Session, case_id: int, *, kind: str, ref: str, actor: auth.Principal) -> CaseItem:
    case = get_case(session, case_id)
    if kind not in ("finding", "decision"):
        raise InvalidInput("an item is a finding or a decision", message_zh="只能加入检测发现或决策")
    if kind == "finding":
        findings.get_finding(session, int(ref))
    elif "/" not in ref:
        raise InvalidInput("a decision is named tenant/event id", message_zh="决策格式为 租户/事件编号")
    if session.scalar(select(CaseItem).where(CaseItem.case_id == case.id, CaseItem.kind == kind, CaseItem.ref == ref)):
        raise Conflict("already in this case", message_zh="已在本案件中")
    item = CaseItem(case_id=case.id, kind=kind, ref=ref, added_by=actor.user_id)
    session.add(item)
    case.updated_at = utcnow()
    session.flush()
    audit.record(session, actor_id=actor.user_id, action="case.add_item", subject=f"case:{case.id}", detail={kind: ref})
    return item


def add_note(session: Session, case_id: int, *, text: str, actor: auth.Principal) -> CaseNote:
    case = get_case(session, case_id)
    text = text.strip()
    if not text:
        raise InvalidInput("the note is empty", message_zh="备注为空")
    note = CaseNote(case_id=case.id, author_id=actor.user_id, text=text[:10_000])
    session.add(note)
    case.updated_at = utcnow()
    session.flush()
    audit.record(
        session, actor_id=actor.user_id, action="case.note", subject=f"case:{case.id}", detail={"note": note.id}
    )
    return note


def set_status(session: Session, case_id: int, *, status: str, actor: auth.Principal) -> Case:
    if status not in STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(STATUSES)}", message_zh="状态无效")
    case = get_case(session, case_id)
    now = utcnow()
    if status != case.status:
        case.due_at = due_after(status, now)
    case.status = status
    case.assignee_id = case.assignee_id or actor.user_id
    case.updated_at = now
    session.flush()
    audit.record(
        session, actor_id=actor.user_id, action="case.status", subject=f"case:{case.id}", detail={"status": status}
    )
    return case


def items(session: Session, case_id: int) -> list[CaseItem]:
    return list(session.scalars(select(CaseItem).where(CaseItem.case_id == case_id).order_by(CaseItem.id)))


def notes(session: Session, case_id: int) -> list[CaseNote]:
    return list(session.scalars(select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.id)))


def case_findings(session: Session, case_id: int) -> list[StoredFinding]:
    ids = [int(i.ref) for i in items(session, case_id) if i.kind == "finding"]
    return list(session.scalars(select(StoredFinding).where(StoredFinding.id.in_(ids)).order_by(StoredFinding.id)))


def accounts_of(found: list[StoredFinding]) -> list[str]:
    return sorted({m["id"] for f in found for m in f.members if m["kind"] == "account"})


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()


def export(
    session: Session, case_id: int, *, journal: Path, out: Path, actor_id: int | None, uploads: Path | None = None
) -> tuple[Path, str, int]:
    """Write the case's evidence bundle to ``out``; returns (path, bundle hash, number of items).

    ``uploads`` is the data directory holding reports' uploaded files; with it, the files go into the bundle.
    """
    case = get_case(session, case_id)
    found = case_findings(session, case_id)
    accounts = accounts_of(found)
    decision_refs = [i.ref for i in items(session, case_id) if i.kind == "decision"]
    bundle: list[BundleItem] = [
        BundleItem(f"findings/finding-{f.id}.json", _json(_finding_dict(f)), "finding") for f in found
    ]
    for report in case_reports(session, case_id):
        bundle.append(BundleItem(f"reports/{report.number}.json", _json(_report_dict(report)), "report"))
        for f in report.files if uploads is not None else []:
            path = stored_path(uploads, f["sha256"], f["type"])
            if path.exists():
                bundle.append(BundleItem(f"reports/files/{path.name}", path.read_bytes(), "report_file"))
    event_counts: dict[str, int] = {}
    if journal.exists():
        reader = Journal(journal, readonly=True)
        try:
            for account, rows in reader.decisions_of_actors(accounts, per_actor=MAX_EVENTS_PER_ACCOUNT).items():
                event_counts[account] = len(rows)
                lines = "\n".join(json.dumps(r.to_dict(), ensure_ascii=False, default=str) for r in rows)
                bundle.append(BundleItem(f"events/{_safe(account)}.jsonl", lines.encode(), "events"))
            for ref in decision_refs:
                tenant, event_id = ref.split("/", 1)
                row = reader.decision(tenant, event_id)
                if row is not None:
                    bundle.append(BundleItem(f"decisions/{_safe(ref)}.json", _json(row.to_dict()), "decision"))
        finally:
            reader.close()
    names = auth.display_names(session)
    case_notes = [
        {"author": names.get(n.author_id), "at": n.at.isoformat(), "text": n.text} for n in notes(session, case_id)
    ]
    bundle.append(BundleItem("notes.json", _json(case_notes), "notes"))
    now = utcnow().astimezone(CHINA)
    case_dict = {"id": case.id, "title": case.title, "status": case.status, "created_at": case.created_at.isoformat()}
    summary = _summary_html(case_dict, found, event_counts, case_notes, now)
    digest = write_bundle(out, case=case_dict, items=bundle, summary_html=summary, created_at=now.isoformat())
    audit.record(
        session, actor_id=actor_id, action="evidence.export", subject=f"case:{case.id}",
        detail={"bundle_sha256": digest, "items": len(bundle) + 1},
    )  # fmt: skip
    return out, digest, len(bundle) + 1


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:120]


def _report_dict(r: Report) -> dict[str, Any]:
    """The report as evidence; the reporter's identity stays out (reporters are protected)."""
    return {
        "number": r.number,
        "kind": r.kind,
        "target": r.target,
        "description": r.description,
        "tracking": r.tracking,
        "files": r.files,
        "status": r.status,
        "answer": r.answer,
        "created_at": r.created_at.isoformat(),
    }


def _finding_dict(f: StoredFinding) -> dict[str, Any]:
    return {
        "id": f.id,
        "detector": f.detector,
        "kind": f.kind,
        "label": f.label,
        "tenant": f.tenant,
        "score": f.score,
        "status": f.status,
        "members": f.members,
        "reasons": f.reasons,
        "evidence": f.evidence,
        "created_at": f.created_at.isoformat(),
    }


def _summary_html(case, found, event_counts, case_notes, now: datetime) -> str:
    esc = html.escape
    rows = "".join(
        f"<li>{esc(f.detector)} #{f.id}（{esc(f.label)}，{f.size} 个成员，评分 {f.score:.2f}）："
        + "；".join(esc(r["text"]) for r in f.reasons)
        + "</li>"
        for f in found
    )
    accounts = "".join(f"<li><code>{esc(a)}</code>：{n} 条事件与决策</li>" for a, n in event_counts.items())
    note_rows = "".join(f"<li>{esc(n['at'])} {esc(str(n['author']))}：{esc(n['text'])}</li>" for n in case_notes)
    return f"""<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>证据包 案件 {case["id"]}</title>
<h1>安心 诚信平台 · 证据包</h1>
<p>案件编号 {case["id"]}：{esc(case["title"])}（状态：{esc(case["status"])}）。
导出时间 {now:%Y-%m-%d %H:%M}（北京时间）。</p>
<h2>如何核验</h2>
<p>本压缩包中每个文件的 SHA-256 摘要都记录在 manifest.json 中；整包摘要（bundle_sha256）由全部条目计算得出，
请记入移交记录。运行 <code>anxin evidence verify 本文件.zip --expect 整包摘要</code> 可核验：
任何文件被修改、增加或删除都会被指出。</p>
<h2>检测发现</h2><ol>{rows or "<li>无</li>"}</ol>
<h2>涉及账号的全部事件（events/ 目录）</h2><ul>{accounts or "<li>无</li>"}</ul>
<h2>调查备注</h2><ul>{note_rows or "<li>无</li>"}</ul>
</html>"""
