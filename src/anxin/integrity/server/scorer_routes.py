"""Scorer versions over HTTP: list them with their held-out metrics, activate one, look up an entity's score.

Training takes the platform's tables and minutes of CPU, so it runs from the
command line (``anxin scorer train``); activation here reaches the live
runtime as soon as it is stored.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from anxin.api.deps import SessionDep
from anxin.api.errors import error_schema
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import Permission
from anxin.errors import Conflict, NotFound
from anxin.integrity.scorer import service as scorer
from anxin.integrity.scorer.models import ScorerVersion
from anxin.integrity.server.live import publish_scores, runtime_of

router = APIRouter(prefix="/api/scorer", tags=["integrity"])

RuleEditor = Annotated[auth.Principal, Depends(Allow(Permission.rules_manage))]
DecisionReader = Annotated[auth.Principal, Depends(Allow(Permission.decisions_read))]


def version_dict(v: ScorerVersion) -> dict[str, Any]:
    return {
        "id": v.id,
        "name": v.name,
        "number": v.number,
        "status": v.status,
        "rows": v.rows,
        "positives": v.positives,
        "scored": v.scored,
        "metrics": v.metrics,
        "features": v.feature_names,
        "reason": v.reason,
        "created_at": v.created_at.isoformat(),
        "activated_at": v.activated_at.isoformat() if v.activated_at else None,
    }


@router.get("/versions")
def list_versions(session: SessionDep, _caller: DecisionReader) -> list[dict[str, Any]]:
    """Every trained version, newest first per model name."""
    return [version_dict(v) for v in scorer.versions(session)]


@router.post("/versions/{version_id}/activate", responses=error_schema(NotFound, Conflict))
def activate_version(version_id: int, request: Request, session: SessionDep, caller: RuleEditor) -> dict[str, Any]:
    """Make this version's scores what ``model_score(x, name)`` reads; the runtime switches once stored."""
    version = scorer.activate(session, version_id, actor=caller)
    publish_scores(session, runtime_of(request), version.name)
    return version_dict(version)


@router.get("/versions/{version_id}/scores/{subject}", responses=error_schema(NotFound))
def score_of(version_id: int, subject: str, session: SessionDep, _caller: DecisionReader) -> dict[str, Any]:
    """One entity's calibrated fraud probability under this version."""
    scorer.get_version(session, version_id)
    score = scorer.score_of(session, version_id, subject)
    if score is None:
        raise NotFound(f"version {version_id} scored no entity {subject!r}")
    return {"version": version_id, "subject": subject, "score": score}
