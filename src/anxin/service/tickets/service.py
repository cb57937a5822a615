"""Ticket use cases: intake (every request accepted and numbered), moves, merge, tracking. Never commits.

有问题必受理: a request is never refused for where it comes from. One outside
every station's coverage is still numbered and waits with a ``queue_reason``
for the brand to arrange service; a likely duplicate is accepted and offered
for merging, not dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from anxin.auth import service as auth
from anxin.auth import tenancy
from anxin.clocks.sla import Pause
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.integrity.credit import service as credit
from anxin.privacy.crypto import KeyRing
from anxin.privacy.masking import mask_address
from anxin.regions.gazetteer import default_gazetteer
from anxin.service.customers import service as customers
from anxin.service.customers.models import Customer
from anxin.service.members import service as members
from anxin.service.sla import service as sla
from anxin.service.stations import service as stations
from anxin.service.tickets.dedupe import OpenTicket, likely_duplicate
from anxin.service.tickets.lifecycle import OPEN, Status, check_transition
from anxin.service.tickets.models import Ticket, TicketEvent, TicketRating
from anxin.service.tickets.schemas import RepairRequest, TicketRead, TrackingRead, TrackingStep
from anxin.store.base import utcnow
from anxin.text import N_
from anxin.uploads.store import StoredFile

WARRANTY = timedelta(days=90)
REREPAIR_POINTS = -5.0  # a repair reopened under warranty, on the technician's credit
LOW_RATING = 2  # stars at or below which a rating counts as a complaint on the technician's credit
LOW_RATING_POINTS = -3.0
LATE_GRACE_MINUTES = 30  # on site later than the planned arrival by more than this breaks the visit promise
LATE_POINTS = -2.0
"""安心保障: a repair is guaranteed for 90 days; a new fault in that time reopens the ticket as free re-repair."""
ADDRESS = "tickets.address"
DESCRIPTION = "tickets.description"
CUSTOMER_ONLINE = "customer (online)"
MOVE, PAUSE, RESUME = "move", "pause", "resume"  # kinds of ticket event
PAUSE_REASONS = {
    "waiting_parts": N_("waiting for parts"),
    "customer_absent": N_("customer not home"),
    "customer_later": N_("customer asked for a later time"),
}
"""Why a promise's clock may stop: waiting on something the brand does not control."""


def _actor_label(actor: auth.Principal | None) -> str:
    return actor.username if actor is not None else CUSTOMER_ONLINE


def _record(
    session: Session, ticket: Ticket, to: Status, actor: auth.Principal | None, *, at: datetime, note: str = ""
) -> None:
    session.add(
        TicketEvent(
            ticket_id=ticket.id,
            from_status=None if to is Status.received and ticket.number is None else ticket.status,
            to_status=to.value,
            actor_id=actor.user_id if actor is not None and actor.via == "session" else None,
            actor_label=_actor_label(actor),
            note=note,
            at=at,
        )
    )


def create_ticket(
    session: Session,
    keys: KeyRing,
    *,
    request: RepairRequest,
    channel: str,
    actor: auth.Principal | None,
    now: datetime | None = None,
    photos: Sequence[StoredFile] = (),
) -> tuple[Ticket, int | None]:
    """Number and store a request; returns the ticket and the id of an open ticket it likely duplicates.

    ``photos`` of the lock come from the upload store (sniffed and re-encoded); the ticket keeps their digests.
    """
    now = now or utcnow()
    if actor is not None and actor.brand_id is not None and actor.brand_id != request.brand_id:
        raise Forbidden("you take requests for your own brand only", message_zh="只能受理本品牌的报修")
    tenancy.get_brand(session, brand_id=request.brand_id)
    customer = customers.find_or_create_customer(
        session, keys, brand_id=request.brand_id, phone=request.phone, name=request.name
    )
    open_tickets = session.execute(
        select(Ticket.id, Ticket.fault, Ticket.created_at).where(
            Ticket.customer_id == customer.id, Ticket.status.in_([s.value for s in OPEN])
        )
    )
    duplicate = likely_duplicate([OpenTicket(*row) for row in open_tickets], fault=request.fault.value, now=now)
    covered = stations.covering_stations(session, region_code=request.region_code, brand_id=request.brand_id)
    queue_reason = None
    if not any(kind == "full" for _station, kind in covered):
        queue_reason = f"no station of the brand serves {default_gazetteer().full_name(request.region_code)} yet"
    promise = members.promise_for(session, customer)  # the tier's privileges as of now, kept by the ticket
    ticket = Ticket(
        brand_id=request.brand_id,
        customer_id=customer.id,
        channel=channel,
        region_code=request.region_code,
        address_sealed=keys.seal(request.address, context=ADDRESS),
        lock_model=request.lock_model,
        fault=request.fault.value,
        description_sealed=keys.seal(request.description, context=DESCRIPTION),
        status=Status.received.value,
        queue_reason=queue_reason,
        member_tier_id=promise.tier_id,
        response_minutes=promise.response_minutes,
        arrival_minutes=promise.arrival_minutes,
        discount_percent=promise.discount_percent,
        queue_priority=promise.queue_priority,
        photos=[{"sha256": p.sha256, "type": p.content_type, "size": p.size} for p in photos],
        created_by=actor.user_id if actor is not None and actor.via == "session" else None,
        created_at=now,
        updated_at=now,
    )
    session.add(ticket)
    session.flush()
    _record(session, ticket, Status.received, actor, at=now, note=queue_reason or "")  # the clock starts at intake
    ticket.number = f"AX{now:%Y%m%d}{ticket.id:06d}"
    session.flush()
    return ticket, duplicate


def get_ticket(session: Session, *, ticket_id: int, viewer: auth.Principal) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None or not viewer.can_see_brand(ticket.brand_id):
        raise NotFound(f"ticket {ticket_id} does not exist", message_zh=f"工单 {ticket_id} 不存在")
    return ticket


def list_tickets(
    session: Session, *, viewer: auth.Principal, status: Status | None = None, limit: int = 200
) -> list[Ticket]:
    query = select(Ticket).order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit)
    if viewer.brand_id is not None:
        query = query.where(Ticket.brand_id == viewer.brand_id)
    if status is not None:
        query = query.where(Ticket.status == status.value)
    return list(session.scalars(query))


def open_tickets_of(session: Session, *, customer_id: int) -> list[Ticket]:
    """A customer's tickets that are still open, newest first (shown to the agent while the customer is on the line)."""
    query = (
        select(Ticket)
        .where(Ticket.customer_id == customer_id, Ticket.status.in_([s.value for s in OPEN]))
        .order_by(Ticket.created_at.desc())
    )
    return list(session.scalars(query))


def first_dispatches():
    """(ticket_id, at) of each ticket's first dispatch: when its response promise was kept or broken."""
    return (
        select(TicketEvent.ticket_id, func.min(TicketEvent.at).label("at"))
        .where(TicketEvent.to_status == Status.dispatched.value, TicketEvent.kind == MOVE)
        .group_by(TicketEvent.ticket_id)
    )


def clock_moments(session: Session, tickets: Sequence[Ticket]) -> dict[int, sla.Moments]:
    """What each ticket's promise clocks are rebuilt from: intake, first dispatch, first on site, pauses (one query).

    Arrival on site is the technician's check-in (or the dispatcher marking it), which moves the ticket on site.
    """
    moments: dict[int, dict] = {t.id: {"received": t.created_at, "pauses": []} for t in tickets}
    clock_events = (TicketEvent.kind != MOVE) | TicketEvent.to_status.in_([Status.dispatched, Status.on_site])
    query = select(TicketEvent).where(TicketEvent.ticket_id.in_(list(moments)), clock_events)
    for event in session.scalars(query.order_by(TicketEvent.at, TicketEvent.id)):
        found = moments[event.ticket_id]
        if event.kind == PAUSE:
            found["pauses"].append(Pause(event.at, event.note))
        elif event.kind == RESUME and found["pauses"]:
            last = found["pauses"][-1]
            found["pauses"][-1] = Pause(last.start, last.reason, event.at)
        elif event.kind == MOVE:
            found.setdefault("dispatched" if event.to_status == Status.dispatched else "on_site", event.at)
    return {ticket: sla.Moments(**found | {"pauses": tuple(found["pauses"])}) for ticket, found in moments.items()}


def _stamp_clock(
    session: Session, ticket: Ticket, kind: str, version: int, note: str, actor: auth.Principal, now: datetime
) -> Ticket:
    """Record a pause or resume as a ticket event; touching the ticket makes a concurrent pause conflict."""
    if ticket.version != version:
        raise Conflict(
            f"ticket {ticket.number} was changed by someone else; reload",
            message_zh="工单已被他人修改，请刷新后重试",
            detail={"version": ticket.version},
        )
    if ticket.status not in OPEN:
        raise Conflict(f"a {ticket.status} ticket has no running promise", message_zh="工单已结束，无需暂停计时")
    session.add(
        TicketEvent(
            ticket_id=ticket.id, from_status=ticket.status, to_status=ticket.status, kind=kind,
            actor_id=actor.user_id if actor.via == "session" else None, actor_label=_actor_label(actor),
            note=note, at=now,
        )
    )  # fmt: skip
    ticket.updated_at = now
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(
            f"ticket {ticket.number} was changed at the same moment; reload",
            message_zh="工单刚被他人修改，请刷新后重试",
        ) from None
    return ticket


def pause_clock(
    session: Session, *, ticket_id: int, reason: str, version: int, actor: auth.Principal, now: datetime | None = None
) -> Ticket:
    """Stop the ticket's running promise clock for one of :data:`PAUSE_REASONS` until someone resumes it."""
    if reason not in PAUSE_REASONS:
        raise InvalidInput(
            f"choose a reason: {', '.join(PAUSE_REASONS)}", message_zh="请选择暂停原因", detail={"field": "reason"}
        )
    ticket = get_ticket(session, ticket_id=ticket_id, viewer=actor)
    if clock_moments(session, [ticket])[ticket.id].paused is not None:
        raise Conflict("the clock is paused already", message_zh="计时已暂停")
    return _stamp_clock(session, ticket, PAUSE, version, reason, actor, now or utcnow())


def resume_clock(
    session: Session, *, ticket_id: int, version: int, actor: auth.Principal, now: datetime | None = None
) -> Ticket:
    ticket = get_ticket(session, ticket_id=ticket_id, viewer=actor)
    if clock_moments(session, [ticket])[ticket.id].paused is None:
        raise Conflict("the clock is not paused", message_zh="计时未暂停")
    return _stamp_clock(session, ticket, RESUME, version, "", actor, now or utcnow())


def answered_at(session: Session, ticket_ids: list[int]) -> dict[int, datetime]:
    """When each ticket was first dispatched; one query."""
    rows = session.execute(first_dispatches().where(TicketEvent.ticket_id.in_(ticket_ids)))
    return {ticket_id: at for ticket_id, at in rows}


def history(session: Session, *, ticket_id: int) -> list[TicketEvent]:
    return list(session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)))


def move(session: Session, *, ticket_id: int, to: Status, version: int, note: str, actor: auth.Principal) -> Ticket:
    """Change the status if the move is legal and nobody changed the ticket since ``version`` was read."""
    ticket = get_ticket(session, ticket_id=ticket_id, viewer=actor)
    if ticket.version != version:
        raise Conflict(
            f"ticket {ticket.number} was changed by someone else (version {ticket.version}, you had {version}); reload",
            message_zh="工单已被他人修改，请刷新后重试",
            detail={"version": ticket.version},
        )
    check_transition(ticket.status, to.value)
    now = utcnow()
    if to is Status.reopened and (ticket.warranty_until is None or now > ticket.warranty_until):
        raise Conflict(
            f"the warranty of {ticket.number} ended on {ticket.warranty_until:%Y-%m-%d}; take a new request",
            message_zh="保修期已过，请新建报修",
            detail={"warranty_until": ticket.warranty_until.isoformat() if ticket.warranty_until else None},
        )
    _record(session, ticket, to, actor, at=now, note=note)
    ticket.status = to.value
    ticket.updated_at = now
    if to is Status.completed:
        ticket.completed_at = now
        ticket.warranty_until = now + WARRANTY
    late = (now - ticket.planned_arrival).total_seconds() / 60 if ticket.planned_arrival else 0.0
    if to is Status.on_site and ticket.technician_id is not None and late > LATE_GRACE_MINUTES:
        credit.record(
            session, kind="technician", subject_id=str(ticket.technician_id), item="sla_breach",
            points=LATE_POINTS, reason=f"上门迟到 {late:.0f} 分钟 {ticket.number}", actor_id=actor.user_id,
        )  # fmt: skip
    if to is Status.reopened and ticket.technician_id is not None:  # 安心保障 has a price for the technician
        credit.record(
            session, kind="technician", subject_id=str(ticket.technician_id), item="rerepair",
            points=REREPAIR_POINTS, reason=f"保修期内返修 {ticket.number}", actor_id=actor.user_id,
        )  # fmt: skip
    try:
        session.flush()
    except StaleDataError:  # another transaction updated the row between our read and this write
        raise Conflict(
            f"ticket {ticket.number} was changed at the same moment; reload",
            message_zh="工单刚被他人修改，请刷新后重试",
        ) from None
    return ticket


def merge_into(session: Session, *, ticket_id: int, target_id: int, actor: auth.Principal) -> Ticket:
    """Close a duplicate by pointing it at the ticket it repeats (same customer); its history stays."""
    ticket = get_ticket(session, ticket_id=ticket_id, viewer=actor)
    target = get_ticket(session, ticket_id=target_id, viewer=actor)
    if target.customer_id != ticket.customer_id or target.id == ticket.id:
        raise Conflict(
            "only another ticket of the same customer can be merged into", message_zh="只能合并到同一客户的其他工单"
        )
    ticket.duplicate_of = target.id
    return move(
        session,
        ticket_id=ticket.id,
        to=Status.cancelled,
        version=ticket.version,
        note=f"merged into {target.number}",
        actor=actor,
    )


def rate(session: Session, keys: KeyRing, *, number: str, phone: str, stars: int, comment: str = "") -> TicketRating:
    """The customer rates a completed repair once, proving it is theirs with the booking phone."""
    if not 1 <= stars <= 5:
        raise InvalidInput("stars must be 1 to 5", message_zh="评分为 1 到 5 星", detail={"field": "stars"})
    view = track(session, keys, number=number, phone=phone)  # same NotFound for a wrong number or phone
    if view.status not in (Status.completed, Status.closed):
        raise Conflict("only a completed repair can be rated", message_zh="维修完成后才能评价")
    ticket = session.scalar(select(Ticket).where(Ticket.number == view.number))
    assert ticket is not None
    if session.scalar(select(TicketRating).where(TicketRating.ticket_id == ticket.id)) is not None:
        raise Conflict("this repair was rated already", message_zh="该工单已评价")
    rating = TicketRating(ticket_id=ticket.id, stars=stars, comment=comment.strip()[:2000])
    session.add(rating)
    session.flush()
    if stars <= LOW_RATING and ticket.technician_id is not None:
        credit.record(
            session, kind="technician", subject_id=str(ticket.technician_id), item="complaint",
            points=LOW_RATING_POINTS, reason=f"低分评价（{stars} 星）", evidence=ticket.number,
        )  # fmt: skip
    return rating


def to_read(session: Session, keys: KeyRing, ticket: Ticket) -> TicketRead:
    customer = session.get(Customer, ticket.customer_id)
    assert customer is not None
    region = default_gazetteer().full_name(ticket.region_code)
    return TicketRead(
        id=ticket.id,
        number=ticket.number or "",
        brand_id=ticket.brand_id,
        channel=ticket.channel,
        status=Status(ticket.status),
        region_code=ticket.region_code,
        region=region,
        lock_model=ticket.lock_model,
        fault=ticket.fault,
        customer=customers.masked_name(keys, customer),
        phone=customer.phone_masked,
        address=mask_address(region),
        queue_reason=ticket.queue_reason,
        duplicate_of=ticket.duplicate_of,
        member_tier=members.tier_name(session, ticket.member_tier_id),
        response_minutes=ticket.response_minutes,
        arrival_minutes=ticket.arrival_minutes,
        discount_percent=ticket.discount_percent,
        photos=len(ticket.photos),
        version=ticket.version,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
    )


def tracked_ticket(session: Session, keys: KeyRing, *, number: str, phone: str) -> Ticket:
    """The ticket for whoever holds both its number and the phone it was booked with (no login)."""
    not_found = NotFound("no ticket with this number and phone", message_zh="没有找到与该号码匹配的工单")
    ticket = session.scalar(select(Ticket).where(Ticket.number == number.strip().upper()))
    if ticket is None:
        raise not_found
    customer = session.get(Customer, ticket.customer_id)
    if customer is None or customer.phone_index != customers.phone_index(keys, customers.customer_phone(phone)):
        raise not_found  # the same answer, so numbers cannot be probed without the phone
    return ticket


def track(session: Session, keys: KeyRing, *, number: str, phone: str) -> TrackingRead:
    """Progress for whoever holds both the ticket number and the phone it was booked with."""
    ticket = tracked_ticket(session, keys, number=number, phone=phone)
    return TrackingRead(
        number=ticket.number or "",
        status=Status(ticket.status),
        lock_model=ticket.lock_model,
        region=default_gazetteer().full_name(ticket.region_code),
        warranty_until=ticket.warranty_until,
        rated=session.scalar(select(TicketRating.id).where(TicketRating.ticket_id == ticket.id)) is not None,
        history=[TrackingStep.model_validate(e) for e in history(session, ticket_id=ticket.id) if e.kind == MOVE],
    )
