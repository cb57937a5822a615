"""Ticket endpoints: staff intake and moves, public online requests and tracking (rate-limited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from anxin.api.deps import KeyRingDep, SessionDep
from anxin.api.errors import error_schema
from anxin.api.ratelimit import rate_limited
from anxin.auth import service as auth
from anxin.auth.guard import Allow, MaybePrincipal
from anxin.auth.permissions import Permission
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyRequests
from anxin.service.tickets import service as tickets
from anxin.service.tickets.feed import feed_rating, feed_ticket
from anxin.service.tickets.lifecycle import Status
from anxin.service.tickets.schemas import RepairRequest, TicketEventRead, TicketMove, TicketRead, TrackingRead

router = APIRouter(prefix="/api", tags=["tickets"])

TicketCreator = Annotated[auth.Principal, Depends(Allow(Permission.tickets_create))]
TicketReader = Annotated[auth.Principal, Depends(Allow(Permission.tickets_read))]
TicketUpdater = Annotated[auth.Principal, Depends(Allow(Permission.tickets_update))]
ONLINE_REQUESTS_PER_MINUTE = 10
TRACKS_PER_MINUTE = 30


class IntakeResult(BaseModel):
    ticket: TicketRead
    likely_duplicate_of: int | None


class OnlineReceipt(BaseModel):
    number: str
    status: Status
    queue_reason: str | None
    likely_duplicate: bool


class TicketDetail(TicketRead):
    history: list[TicketEventRead]


class RatingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=8, max_length=24)
    phone: str = Field(min_length=5, max_length=32)
    stars: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2000)


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    into: int


@router.post("/tickets", response_model=IntakeResult, status_code=201, responses=error_schema(InvalidInput, Forbidden))
def take_request(request: Request, body: RepairRequest, session: SessionDep, keys: KeyRingDep, caller: TicketCreator):
    """An agent's intake: always numbered; a likely duplicate is reported for merging, not refused."""
    ticket, duplicate = tickets.create_ticket(session, keys, request=body, channel="phone", actor=caller)
    feed_ticket(request, session, ticket)
    return IntakeResult(ticket=tickets.to_read(session, keys, ticket), likely_duplicate_of=duplicate)


@router.post(
    "/repair-requests",
    response_model=OnlineReceipt,
    status_code=201,
    responses=error_schema(InvalidInput, TooManyRequests),
    dependencies=[Depends(rate_limited("repair-request", limit=ONLINE_REQUESTS_PER_MINUTE))],
)
def request_repair_online(
    request: Request, body: RepairRequest, session: SessionDep, keys: KeyRingDep, _caller: MaybePrincipal
):
    """A customer's own request, no login needed; the receipt's number and the phone track it."""
    ticket, duplicate = tickets.create_ticket(session, keys, request=body, channel="online", actor=None)
    feed_ticket(request, session, ticket)
    return OnlineReceipt(
        number=ticket.number or "",
        status=Status(ticket.status),
        queue_reason=ticket.queue_reason,
        likely_duplicate=duplicate is not None,
    )


@router.get("/tickets", response_model=list[TicketRead])
def list_tickets(session: SessionDep, keys: KeyRingDep, caller: TicketReader, status: Status | None = None):
    return [tickets.to_read(session, keys, t) for t in tickets.list_tickets(session, viewer=caller, status=status)]


def _detail(session: SessionDep, keys: KeyRingDep, ticket: tickets.Ticket) -> TicketDetail:
    return TicketDetail(
        **tickets.to_read(session, keys, ticket).model_dump(),
        history=[TicketEventRead.model_validate(e) for e in tickets.history(session, ticket_id=ticket.id)],
    )


@router.get("/tickets/{ticket_id}", response_model=TicketDetail, responses=error_schema(NotFound))
def read_ticket(ticket_id: int, session: SessionDep, keys: KeyRingDep, caller: TicketReader):
    return _detail(session, keys, tickets.get_ticket(session, ticket_id=ticket_id, viewer=caller))


@router.post("/tickets/{ticket_id}/moves", response_model=TicketDetail, responses=error_schema(NotFound, Conflict))
def move_ticket(ticket_id: int, body: TicketMove, session: SessionDep, keys: KeyRingDep, caller: TicketUpdater):
    """Move a ticket; an illegal move or a stale ``version`` is refused with 409 and the reason."""
    ticket = tickets.move(
        session, ticket_id=ticket_id, to=body.status, version=body.version, note=body.note, actor=caller
    )
    return _detail(session, keys, ticket)


@router.post("/tickets/{ticket_id}/merge", response_model=TicketDetail, responses=error_schema(NotFound, Conflict))
def merge_ticket(ticket_id: int, body: MergeRequest, session: SessionDep, keys: KeyRingDep, caller: TicketUpdater):
    return _detail(session, keys, tickets.merge_into(session, ticket_id=ticket_id, target_id=body.into, actor=caller))


@router.get(
    "/track",
    response_model=TrackingRead,
    responses=error_schema(NotFound, TooManyRequests),
    dependencies=[Depends(rate_limited("track", limit=TRACKS_PER_MINUTE))],
)
def track(
    session: SessionDep,
    keys: KeyRingDep,
    _caller: MaybePrincipal,
    number: str = Query(..., min_length=8, max_length=24),
    phone: str = Query(..., min_length=5, max_length=32),
):
    return tickets.track(session, keys, number=number, phone=phone)


@router.post(
    "/track/rating",
    status_code=201,
    responses=error_schema(NotFound, Conflict, TooManyRequests),
    dependencies=[Depends(rate_limited("rating", limit=TRACKS_PER_MINUTE))],
)
def rate_repair(
    request: Request, body: RatingCreate, session: SessionDep, keys: KeyRingDep, _caller: MaybePrincipal
) -> dict[str, int]:
    """The customer rates a completed repair (number + booking phone), once."""
    rating = tickets.rate(session, keys, number=body.number, phone=body.phone, stars=body.stars, comment=body.comment)
    feed_rating(request, session, rating)
    return {"stars": rating.stars}
