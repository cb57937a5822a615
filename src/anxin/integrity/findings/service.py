"""Run a detector over the journal, store its findings, review them, and derive the labels the engine reads.

Services never commit. A finding's account members carry its label (e.g.
``ring_member``) in the live engine while it is open or confirmed: the labels
of a detector come from its newest run plus every confirmed finding of older
runs, minus dismissed ones, so a new run replaces stale open findings without
forgetting what an analyst confirmed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from anxin.audit import service as audit
from anxin.auth import service as auth
from anxin.errors import InvalidInput, NotFound
from anxin.integrity.detectors import DETECTOR_LABELS
from anxin.integrity.detectors.finding import Finding
from anxin.integrity.events.schema import Event
from anxin.integrity.findings.inputs import DETECTORS, RunContext
from anxin.integrity.findings.models import DetectorRun, StoredFinding
from anxin.integrity.journal import Journal, event_from_json
from anxin.integrity.rules import service as rules
from anxin.store.base import utcnow

STATUSES = ("open", "confirmed", "dismissed")


def journal_events(path: Path, tenant: str | None) -> Iterator[Event]:
    journal = Journal(path, readonly=True)
    try:
        for text in journal.event_texts(tenant=tenant):
            yield event_from_json(text)
    finally:
        journal.close()


def run_detector(
    session: Session, *, journal: Path, detector: str, tenant: str | None, actor: auth.Principal | None
) -> DetectorRun:
    """Run ``detector`` over the journal's events (one tenant or all) and store what it finds."""
    run_findings = DETECTORS.get(detector)
    if run_findings is None:
        raise InvalidInput(
            f"unknown detector {detector!r}; choose one of {sorted(DETECTORS)}",
            message_zh=f"没有检测器 {detector}",
            detail={"detectors": sorted(DETECTORS)},
        )
    started = time.perf_counter()
    events = list(journal_events(journal, tenant)) if journal.exists() else []
    findings = run_findings(events, RunContext(load_rule_changes=lambda: rules.change_times(session)))
    run = DetectorRun(
        detector=detector,
        tenant=tenant,
        events_read=len(events),
        findings=len(findings),
        seconds=round(time.perf_counter() - started, 3),
        run_by=actor.user_id if actor else None,
    )
    session.add(run)
    session.flush()
    session.add_all(_stored(run, f) for f in findings)
    session.flush()
    audit.record(
        session, actor_id=run.run_by, action="detector.run", subject=f"run:{run.id}",
        detail={"detector": detector, "tenant": tenant, "events": run.events_read, "findings": run.findings},
    )  # fmt: skip
    return run


def _stored(run: DetectorRun, finding: Finding) -> StoredFinding:
    data = finding.to_dict()
    return StoredFinding(
        run_id=run.id,
        detector=run.detector,
        kind=finding.kind,
        label=finding.label,
        tenant=run.tenant,
        score=float(finding.score),
        size=finding.size,
        members=data["members"],
        reasons=data["reasons"],
        evidence=data["evidence"],
    )


def get_finding(session: Session, finding_id: int) -> StoredFinding:
    finding = session.get(StoredFinding, finding_id)
    if finding is None:
        raise NotFound(f"no finding {finding_id}", message_zh=f"没有发现 {finding_id}")
    return finding


def list_findings(
    session: Session, *, detector: str | None = None, status: str | None = None, limit: int = 200
) -> list[StoredFinding]:
    """Findings of each detector's newest run and every confirmed one, strongest first."""
    newest = select(func.max(DetectorRun.id)).group_by(DetectorRun.detector)
    query = select(StoredFinding).where((StoredFinding.run_id.in_(newest)) | (StoredFinding.status == "confirmed"))
    if detector is not None:
        query = query.where(StoredFinding.detector == detector)
    if status is not None:
        query = query.where(StoredFinding.status == status)
    return list(session.scalars(query.order_by(StoredFinding.score.desc(), StoredFinding.id).limit(limit)))


def runs(session: Session, *, limit: int = 20) -> list[DetectorRun]:
    return list(session.scalars(select(DetectorRun).order_by(DetectorRun.id.desc()).limit(limit)))


def review(session: Session, finding_id: int, *, status: str, actor: auth.Principal) -> StoredFinding:
    """An analyst's verdict: ``confirmed`` keeps the label across runs, ``dismissed`` removes it."""
    if status not in STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(STATUSES)}", message_zh="状态无效")
    finding = get_finding(session, finding_id)
    finding.status = status
    finding.reviewed_by = actor.user_id
    finding.reviewed_at = utcnow()
    session.flush()
    audit.record(session, actor_id=actor.user_id, action=f"finding.{status}", subject=f"finding:{finding.id}")
    return finding


def labels(session: Session) -> dict[str, frozenset[str]]:
    """Label → actor ids (accounts; staff for insider findings) of current, undismissed findings: what rules read.

    Staff carry the label too, so a rule can hold the next override by a
    flagged insider (``type == "staff_override" and label(actor, "insider_collusion")``).
    """
    out: dict[str, set[str]] = {label: set() for label in DETECTOR_LABELS}
    for finding in list_findings(session, limit=1_000_000):
        if finding.status == "dismissed":
            continue
        accounts = (m["id"] for m in finding.members if m["kind"] in ("account", "staff"))
        out.setdefault(finding.label, set()).update(accounts)
    return {k: frozenset(v) for k, v in out.items()}
