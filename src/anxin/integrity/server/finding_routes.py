"""Detector runs and findings over HTTP: run a detector over the journal, list and review what it found.

A run or a verdict changes the labels rules read (``label(actor, "ring_member")``);
the live engine gets them once the change is stored.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from anxin.api.deps import SessionDep
from anxin.api.errors import error_schema
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import Permission
from anxin.errors import InvalidInput, NotFound
from anxin.integrity.findings import service as findings
from anxin.integrity.findings.models import DetectorRun, StoredFinding
from anxin.integrity.server.live import publish_labels, runtime_of

router = APIRouter(prefix="/api", tags=["integrity"])

FindingManager = Annotated[auth.Principal, Depends(Allow(Permission.findings_manage))]
DecisionReader = Annotated[auth.Principal, Depends(Allow(Permission.decisions_read))]


class RunIn(BaseModel):
    tenant: str | None = Field(None, max_length=128, description="Only this tenant's events (default: all).")


class Verdict(BaseModel):
    status: str = Field(pattern="^(open|confirmed|dismissed)$")


def run_dict(run: DetectorRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "detector": run.detector,
        "tenant": run.tenant,
        "events_read": run.events_read,
        "findings": run.findings,
        "seconds": run.seconds,
        "started_at": run.started_at.isoformat(),
    }


def finding_dict(f: StoredFinding, *, full: bool = False) -> dict[str, Any]:
    out = {
        "id": f.id,
        "run_id": f.run_id,
        "detector": f.detector,
        "kind": f.kind,
        "label": f.label,
        "tenant": f.tenant,
        "score": f.score,
        "size": f.size,
        "status": f.status,
        "reasons": [r["text"] for r in f.reasons],
    }
    if full:
        out.update(members=f.members, reasons_detail=f.reasons, evidence=f.evidence)
    return out


@router.post("/detectors/{detector}/run", status_code=201, responses=error_schema(InvalidInput))
def run_detector(detector: str, body: RunIn, request: Request, session: SessionDep, caller: FindingManager):
    """Run a batch detector (``rings`` …) over the journal; its findings become labels rules can read."""
    run = findings.run_detector(
        session, journal=runtime_of(request).path, detector=detector, tenant=body.tenant, actor=caller
    )
    publish_labels(session, runtime_of(request))
    return run_dict(run)


@router.get("/findings")
def list_findings(session: SessionDep, _caller: DecisionReader, detector: str | None = None, status: str | None = None):
    return [finding_dict(f) for f in findings.list_findings(session, detector=detector, status=status)]


@router.get("/findings/{finding_id}", responses=error_schema(NotFound))
def read_finding(finding_id: int, session: SessionDep, _caller: DecisionReader) -> dict[str, Any]:
    return finding_dict(findings.get_finding(session, finding_id), full=True)


@router.post("/findings/{finding_id}/review", responses=error_schema(NotFound, InvalidInput))
def review_finding(finding_id: int, body: Verdict, request: Request, session: SessionDep, caller: FindingManager):
    """Confirm (the label stays across runs) or dismiss (no label) a finding."""
    finding = findings.review(session, finding_id, status=body.status, actor=caller)
    publish_labels(session, runtime_of(request))
    return finding_dict(finding)
