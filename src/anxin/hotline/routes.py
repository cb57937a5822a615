"""Hotline endpoints: anyone checks a number or reports a fake one; brands register; platform admins review."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from anxin.api.deps import SessionDep
from anxin.api.errors import error_schema
from anxin.api.ratelimit import rate_limited
from anxin.auth import service as auth
from anxin.auth.guard import Allow, MaybePrincipal
from anxin.auth.permissions import Permission
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyRequests
from anxin.hotline import service as hotlines
from anxin.hotline.schemas import (
    CheckResult,
    HotlineCreate,
    HotlineDecision,
    HotlineDetail,
    HotlineRead,
    HotlineStatus,
    ReportCreate,
)

router = APIRouter(prefix="/api", tags=["hotline"])

HotlineReader = Annotated[auth.Principal, Depends(Allow(Permission.hotlines_read))]
HotlineRegistrar = Annotated[auth.Principal, Depends(Allow(Permission.hotlines_register))]
HotlineReviewer = Annotated[auth.Principal, Depends(Allow(Permission.hotlines_review))]
CHECKS_PER_MINUTE = 60
REPORTS_PER_MINUTE = 10


@router.get(
    "/hotline/check",
    response_model=CheckResult,
    responses=error_schema(InvalidInput, TooManyRequests),
    dependencies=[Depends(rate_limited("hotline-check", limit=CHECKS_PER_MINUTE))],
)
def check_number(
    session: SessionDep,
    _caller: MaybePrincipal,
    number: str = Query(..., min_length=3, max_length=64, examples=["400-1865-909"]),
    brand: str | None = Query(None, max_length=128, description="The brand the number claims to serve."),
):
    """Is this number a verified after-sales line (of this brand)? With the brand's real numbers and fake reports."""
    return hotlines.check_number(session, number=number, brand=brand)


@router.post(
    "/hotline/reports",
    status_code=201,
    responses=error_schema(InvalidInput, TooManyRequests),
    dependencies=[Depends(rate_limited("hotline-report", limit=REPORTS_PER_MINUTE))],
)
def report_fake_number(body: ReportCreate, session: SessionDep, caller: MaybePrincipal) -> dict[str, int | str]:
    report = hotlines.report_fake(
        session,
        number=body.number,
        claimed_brand=body.claimed_brand,
        source_url=str(body.source_url) if body.source_url else None,
        note=body.note,
        reporter=caller,
    )
    return {"id": report.id, "number": report.number_key}


@router.get("/hotlines", response_model=list[HotlineRead])
def list_hotlines(session: SessionDep, caller: HotlineReader, status: HotlineStatus | None = None):
    """Registrations the caller may see (a brand's staff: only its own), newest change first."""
    return hotlines.list_hotlines(session, viewer=caller, status=status)


@router.post(
    "/hotlines", response_model=HotlineRead, status_code=201, responses=error_schema(Conflict, Forbidden, InvalidInput)
)
def register_hotline(body: HotlineCreate, session: SessionDep, caller: HotlineRegistrar):
    return hotlines.register_hotline(session, number=body.number, evidence=body.evidence, actor=caller)


def _detail(session: SessionDep, hotline_id: int, caller: auth.Principal) -> HotlineDetail:
    hotline = hotlines.get_hotline(session, hotline_id=hotline_id, viewer=caller)
    return HotlineDetail.model_validate(
        {
            **HotlineRead.model_validate(hotline).model_dump(),
            "evidence": hotlines.evidence_of(session, hotline_id=hotline.id),
            "history": hotlines.history_of(session, hotline_id=hotline.id),
        }
    )


@router.get("/hotlines/{hotline_id}", response_model=HotlineDetail, responses=error_schema(NotFound))
def read_hotline(hotline_id: int, session: SessionDep, caller: HotlineReader):
    return _detail(session, hotline_id, caller)


@router.post(
    "/hotlines/{hotline_id}/decision",
    response_model=HotlineDetail,
    responses=error_schema(NotFound, Conflict, InvalidInput),
)
def decide(hotline_id: int, body: HotlineDecision, session: SessionDep, caller: HotlineReviewer):
    """Verify or reject a pending number, or revoke a verified one; rejecting and revoking need a reason."""
    hotlines.decide(session, hotline_id=hotline_id, status=body.status, note=body.note, actor=caller)
    return _detail(session, hotline_id, caller)
