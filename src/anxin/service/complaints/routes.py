"""Complaint endpoints: the customer files one (number + phone, rate-limited); the brand lists, decides, refunds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from anxin.api.deps import KeyRingDep, SessionDep
from anxin.api.errors import error_schema
from anxin.api.ratelimit import rate_limited
from anxin.auth import service as auth
from anxin.auth.guard import Allow, MaybePrincipal
from anxin.auth.permissions import Permission
from anxin.errors import Conflict, InvalidInput, NotFound, TooManyRequests
from anxin.service.complaints import service as complaints
from anxin.service.complaints.schemas import ComplaintCreate, ComplaintMove, ComplaintRead, RefundCreate
from anxin.service.tickets import service as tickets

router = APIRouter(prefix="/api", tags=["complaints"])

ComplaintManager = Annotated[auth.Principal, Depends(Allow(Permission.complaints_manage))]
COMPLAINTS_PER_MINUTE = 5


@router.post(
    "/track/complaints",
    response_model=ComplaintRead,
    status_code=201,
    responses=error_schema(InvalidInput, NotFound, Conflict, TooManyRequests),
    dependencies=[Depends(rate_limited("complaint", limit=COMPLAINTS_PER_MINUTE))],
)
def file_complaint(body: ComplaintCreate, session: SessionDep, keys: KeyRingDep, _caller: MaybePrincipal):
    """The customer complains about a completed repair; photos are attached on the tracking page."""
    ticket = tickets.tracked_ticket(session, keys, number=body.number, phone=body.phone)
    filed = complaints.file_complaint(
        session, keys, ticket=ticket, category=body.category, text=body.text, files=[], actor=None
    )
    return complaints.to_read(keys, filed)


@router.get("/complaints", response_model=list[ComplaintRead])
def list_complaints(
    session: SessionDep,
    keys: KeyRingDep,
    caller: ComplaintManager,
    status: str = "",
    category: str = "",
    number: str = "",
):
    """The caller's brand's complaints, pending first."""
    found = complaints.list_complaints(session, viewer=caller, status=status, category=category, number=number)
    return [complaints.to_read(keys, complaint) for complaint, _ticket_number in found]


@router.post(
    "/complaints/{complaint_id}/moves",
    response_model=ComplaintRead,
    responses=error_schema(InvalidInput, NotFound, Conflict),
)
def move_complaint(
    complaint_id: int, body: ComplaintMove, session: SessionDep, keys: KeyRingDep, caller: ComplaintManager
):
    """Investigate, uphold (resolved) or reject; an illegal move or a stale ``version`` is refused with 409."""
    moved = complaints.move(
        session, complaint_id=complaint_id, to=body.status, reply=body.reply, version=body.version, actor=caller
    )
    return complaints.to_read(keys, moved)


@router.post(
    "/complaints/{complaint_id}/refund",
    response_model=ComplaintRead,
    responses=error_schema(InvalidInput, NotFound, Conflict),
)
def grant_refund(
    complaint_id: int, body: RefundCreate, session: SessionDep, keys: KeyRingDep, caller: ComplaintManager
):
    refunded = complaints.refund(
        session, complaint_id=complaint_id, amount_fen=body.amount_fen, reason=body.reason, version=body.version,
        actor=caller,
    )  # fmt: skip
    return complaints.to_read(keys, refunded)
