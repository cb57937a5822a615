"""Dispatch endpoint: run the optimizer over the brand's waiting tickets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from anxin.api.deps import SessionDep
from anxin.api.errors import error_schema
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import Permission
from anxin.errors import Forbidden
from anxin.service.dispatch import service as dispatch
from anxin.store.base import utcnow

router = APIRouter(prefix="/api", tags=["dispatch"])

Dispatcher = Annotated[auth.Principal, Depends(Allow(Permission.dispatch_run))]


class Assignment(BaseModel):
    ticket: str
    technician: str
    why: str


class Left(BaseModel):
    ticket: str
    reason: str


class DispatchRun(BaseModel):
    assigned: list[Assignment]
    unassigned: list[Left]


@router.post("/dispatch/run", response_model=DispatchRun, responses=error_schema(Forbidden))
def run_dispatch(session: SessionDep, caller: Dispatcher):
    """Assign waiting tickets to today's technicians (skills, shifts, territory, travel); explain every result."""
    result = dispatch.auto_dispatch(session, actor=caller, now=utcnow())
    return DispatchRun(
        assigned=[Assignment(ticket=t, technician=n, why=w) for t, n, w in result.assigned],
        unassigned=[Left(ticket=t, reason=r) for t, r in result.unassigned],
    )
