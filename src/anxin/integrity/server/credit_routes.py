"""Credit and penalties over HTTP: anyone reads a credit score; analysts penalise and review appeals."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from anxin.api.deps import SessionDep
from anxin.api.errors import error_schema
from anxin.auth import service as auth
from anxin.auth.guard import Allow, MaybePrincipal
from anxin.auth.permissions import Permission
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.integrity.credit import service as credit
from anxin.integrity.credit.models import Penalty
from anxin.integrity.server.live import publish_list, runtime_of

router = APIRouter(prefix="/api", tags=["integrity"])

PenaltyManager = Annotated[auth.Principal, Depends(Allow(Permission.penalties_manage))]


class PenaltyIn(BaseModel):
    subject_kind: str = Field(pattern="^(shop|technician)$")
    subject_id: str = Field(min_length=1, max_length=128)
    level: str = Field(pattern="^(warning|demotion|suspension|cashback_block)$")
    reason: str = Field(min_length=1, max_length=2000)
    finding_id: int | None = None


class InspectionIn(BaseModel):
    subject_kind: str = Field(pattern="^(shop|technician)$")
    subject_id: str = Field(min_length=1, max_length=128)
    sample: str = Field(min_length=1, max_length=200, description="What was sampled (item, order, visit).")
    passed: bool
    evidence: str = Field(min_length=1, max_length=2000, description="Report number, file digest, lab, inspector.")


class AppealIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


class AppealDecision(BaseModel):
    overturn: bool
    note: str = Field("", max_length=5000)


def penalty_dict(p: Penalty) -> dict[str, Any]:
    return {
        "id": p.id,
        "subject_kind": p.subject_kind,
        "subject_id": p.subject_id,
        "level": p.level,
        "reason": p.reason,
        "status": p.status,
        "created_at": p.created_at.isoformat(),
        "appeal_deadline": p.appeal_deadline.isoformat(),
        "appeal_text": p.appeal_text,
        "decision_note": p.decision_note,
    }


def _publish(request: Request, session, penalty: Penalty) -> None:
    if penalty.level in credit.LEVEL_LISTS:
        publish_list(session, runtime_of(request), credit.LEVEL_LISTS[penalty.level].format(kind=penalty.subject_kind))


@router.get("/credit/{kind}/{subject_id}", responses=error_schema(InvalidInput))
def read_credit(kind: str, subject_id: str, session: SessionDep, caller: MaybePrincipal) -> dict[str, Any]:
    """A shop's or technician's credit: score, level and the reasons (staff also see the internal ones)."""
    result = credit.credit(session, kind=kind, subject_id=subject_id)
    shown = (
        result.contributions
        if caller is not None and caller.may(Permission.decisions_read)
        else result.public_reasons()
    )
    return {
        "kind": kind,
        "id": subject_id,
        "score": result.score,
        "level": result.level,
        "reasons": [
            {
                "reason": c.item.reason,
                "kind": c.item.kind,
                "points": round(c.points, 1),
                "counts_until_ms": c.counts_until_ms,
            }
            for c in shown
        ],
    }


@router.post("/penalties", status_code=201, responses=error_schema(InvalidInput))
def impose(body: PenaltyIn, request: Request, session: SessionDep, caller: PenaltyManager) -> dict[str, Any]:
    penalty = credit.impose(
        session, kind=body.subject_kind, subject_id=body.subject_id, level=body.level, reason=body.reason,
        actor=caller, finding_id=body.finding_id,
    )  # fmt: skip
    _publish(request, session, penalty)
    return penalty_dict(penalty)


@router.get("/penalties")
def list_penalties(session: SessionDep, _caller: PenaltyManager) -> list[dict[str, Any]]:
    return [penalty_dict(p) for p in credit.penalties(session)]


@router.post("/penalties/{penalty_id}/appeal", responses=error_schema(NotFound, Conflict, InvalidInput))
def appeal(penalty_id: int, body: AppealIn, session: SessionDep, caller: PenaltyManager) -> dict[str, Any]:
    """Record the subject's appeal (before the deadline)."""
    return penalty_dict(credit.appeal(session, penalty_id, text=body.text, actor=caller))


@router.post("/penalties/{penalty_id}/decision", responses=error_schema(NotFound, Conflict, Forbidden))
def decide(penalty_id: int, body: AppealDecision, request: Request, session: SessionDep, caller: PenaltyManager):
    """Another analyst upholds or overturns the appealed penalty (overturned: off the list, out of the score)."""
    penalty = credit.decide_appeal(session, penalty_id, overturn=body.overturn, note=body.note, actor=caller)
    _publish(request, session, penalty)
    return penalty_dict(penalty)


@router.post("/inspections", status_code=201, responses=error_schema(InvalidInput))
def record_inspection(body: InspectionIn, session: SessionDep, caller: PenaltyManager) -> dict[str, Any]:
    """A third-party inspection (抽检) result: a pass adds a little credit, a failure takes much."""
    row = credit.inspect(
        session, kind=body.subject_kind, subject_id=body.subject_id, sample=body.sample, passed=body.passed,
        evidence=body.evidence, actor=caller,
    )  # fmt: skip
    return {"id": row.id, "points": row.points, "reason": row.reason}
