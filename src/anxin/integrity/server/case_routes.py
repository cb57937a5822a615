"""Cases over HTTP: open one from a finding, notes, status, and the evidence bundle as a download."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from anxin.api.deps import SessionDep
from anxin.api.errors import error_schema
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import Permission
from anxin.errors import InvalidInput, NotFound
from anxin.integrity.cases import service as cases
from anxin.integrity.cases.models import Case
from anxin.integrity.server.live import publish_labels, runtime_of

router = APIRouter(prefix="/api", tags=["integrity"])

CaseManager = Annotated[auth.Principal, Depends(Allow(Permission.cases_manage))]
DecisionReader = Annotated[auth.Principal, Depends(Allow(Permission.decisions_read))]


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=10_000)


class StatusIn(BaseModel):
    status: str = Field(pattern="^(open|investigating|closed)$")


def case_dict(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "title": case.title,
        "status": case.status,
        "assignee_id": case.assignee_id,
        "created_at": case.created_at.isoformat(),
        "updated_at": case.updated_at.isoformat(),
    }


@router.post("/findings/{finding_id}/case", status_code=201, responses=error_schema(NotFound))
def open_case(finding_id: int, request: Request, session: SessionDep, caller: CaseManager) -> dict[str, Any]:
    """One click from a finding to a case (the finding counts as confirmed); an existing case is returned."""
    case = cases.open_from_finding(session, finding_id, actor=caller)
    publish_labels(session, runtime_of(request))
    return case_dict(case)


@router.get("/cases")
def list_cases(session: SessionDep, _caller: DecisionReader, status: str | None = None) -> list[dict[str, Any]]:
    return [case_dict(c) for c in cases.list_cases(session, status=status)]


@router.get("/cases/{case_id}", responses=error_schema(NotFound))
def read_case(case_id: int, session: SessionDep, _caller: DecisionReader) -> dict[str, Any]:
    case = cases.get_case(session, case_id)
    return {
        **case_dict(case),
        "items": [
            {"kind": i.kind, "ref": i.ref, "added_at": i.added_at.isoformat()} for i in cases.items(session, case_id)
        ],
        "notes": [
            {"author_id": n.author_id, "text": n.text, "at": n.at.isoformat()} for n in cases.notes(session, case_id)
        ],
    }


@router.post("/cases/{case_id}/notes", status_code=201, responses=error_schema(NotFound, InvalidInput))
def add_note(case_id: int, body: NoteIn, session: SessionDep, caller: CaseManager) -> dict[str, Any]:
    note = cases.add_note(session, case_id, text=body.text, actor=caller)
    return {"id": note.id, "text": note.text, "at": note.at.isoformat()}


@router.post("/cases/{case_id}/status", responses=error_schema(NotFound, InvalidInput))
def set_status(case_id: int, body: StatusIn, session: SessionDep, caller: CaseManager) -> dict[str, Any]:
    return case_dict(cases.set_status(session, case_id, status=body.status, actor=caller))


@router.get("/cases/{case_id}/evidence", responses=error_schema(NotFound))
def evidence_bundle(case_id: int, request: Request, session: SessionDep, caller: CaseManager) -> Response:
    """The case's evidence bundle (ZIP); its bundle hash is in the ``X-Bundle-SHA256`` header — record it."""
    with tempfile.TemporaryDirectory() as tmp:
        path, digest, _count = cases.export(
            session,
            case_id,
            journal=runtime_of(request).path,
            out=Path(tmp) / f"case-{case_id}.zip",
            actor_id=caller.user_id,
            uploads=request.app.state.settings.data_dir,
        )
        data = path.read_bytes()
    return Response(
        data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="anxin-case-{case_id}-evidence.zip"',
            "X-Bundle-SHA256": digest,
        },
    )
