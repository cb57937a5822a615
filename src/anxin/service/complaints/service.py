"""Complaint use cases: file against a completed repair, investigate, answer, refund. Never commits.

安心保障 is a promise the customer can hold the brand to: a complaint shows
what the ticket promised (warranty, response time, parts charged), the brand
answers it with a reply the customer reads, and may refund up to what the
parts list charged. An upheld (resolved) complaint costs the technician credit
through the same credit items as late arrivals and re-repairs. Two admins
deciding at once conflict on the complaint's version instead of overwriting.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from anxin.audit import service as audit
from anxin.auth import service as auth
from anxin.errors import Conflict, InvalidInput, NotFound
from anxin.integrity.credit import service as credit
from anxin.privacy.crypto import KeyRing
from anxin.service.complaints.models import Complaint, ComplaintEvent
from anxin.service.complaints.schemas import ComplaintRead
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import Status
from anxin.service.tickets.models import Ticket
from anxin.service.visits import service as visits
from anxin.store.base import utcnow
from anxin.text import N_
from anxin.uploads.store import StoredFile

CATEGORIES = {
    "late": N_("The technician came late"),
    "quality": N_("The fault is not fixed, or the work is poor"),
    "overcharge": N_("Charged more than agreed"),
    "conduct": N_("Rude or unprofessional"),
    "damage": N_("Something was damaged"),
    "other": N_("Something else"),
}
STATUS_LABELS = {
    "open": N_("received"),
    "investigating": N_("being investigated"),
    "resolved": N_("upheld and resolved"),
    "rejected": N_("not upheld"),
}
TRANSITIONS = {"open": ("investigating",), "investigating": ("resolved", "rejected"), "resolved": (), "rejected": ()}
TEXT = "complaints.text"  # the sealing context of a complaint's text
PENDING = ("open", "investigating")
REFUNDABLE = ("investigating", "resolved")
COMPLAINABLE = (Status.completed.value, Status.closed.value)
MAX_FILES = 5
MAX_TEXT = 2000
UPHELD_POINTS = -4.0  # an upheld complaint, on the technician's credit (a low rating costs -3, a re-repair -5)


def _actor_label(actor: auth.Principal | None) -> str:
    return actor.username if actor is not None else tickets.CUSTOMER_ONLINE


def _event(session: Session, complaint: Complaint, action: str, actor: auth.Principal | None, **fields) -> None:
    session.add(
        ComplaintEvent(
            complaint_id=complaint.id,
            action=action,
            actor_id=actor.user_id if actor is not None else None,
            actor_label=_actor_label(actor),
            **fields,
        )
    )


def text_of(keys: KeyRing, complaint: Complaint) -> str:
    """The customer's own words, opened for the brand's desk and the customer's tracking page."""
    return keys.open(complaint.text_sealed, context=TEXT)


def to_read(keys: KeyRing, complaint: Complaint) -> ComplaintRead:
    """The API's view of a complaint, its text opened."""
    fields = {name: getattr(complaint, name) for name in ComplaintRead.model_fields if name != "text"}
    return ComplaintRead(**fields, text=text_of(keys, complaint))


def file_complaint(
    session: Session,
    keys: KeyRing,
    *,
    ticket: Ticket,
    category: str,
    text: str,
    files: list[StoredFile],
    actor: auth.Principal | None,
) -> Complaint:
    """File a complaint about a completed repair; ``actor`` None is the customer (number + phone already checked)."""
    if category not in CATEGORIES:
        raise InvalidInput("choose what went wrong", message_zh="请选择投诉原因", detail={"field": "category"})
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise InvalidInput(f"describe what happened (at most {MAX_TEXT} characters)",
                           message_zh=f"请描述发生了什么（最多 {MAX_TEXT} 字）", detail={"field": "text"})  # fmt: skip
    if len(files) > MAX_FILES or any(not f.content_type.startswith("image/") for f in files):
        raise InvalidInput(f"up to {MAX_FILES} photos", message_zh=f"最多上传 {MAX_FILES} 张照片",
                           detail={"field": "photos"})  # fmt: skip
    if ticket.status not in COMPLAINABLE:
        raise Conflict(f"ticket {ticket.number} is {ticket.status}; complaints are about completed repairs",
                       message_zh="维修完成后才能投诉；进行中的工单请联系客服")  # fmt: skip
    if session.scalar(select(Complaint.id).where(Complaint.ticket_id == ticket.id, Complaint.status.in_(PENDING))):
        raise Conflict("a complaint about this repair is being handled already", message_zh="该工单已有处理中的投诉")
    now = utcnow()
    answered = tickets.answered_at(session, [ticket.id]).get(ticket.id)
    complaint = Complaint(
        brand_id=ticket.brand_id, ticket_id=ticket.id, technician_id=ticket.technician_id, category=category,
        text_sealed=keys.seal(text, context=TEXT),
        files=[{"sha256": f.sha256, "type": f.content_type, "size": f.size} for f in files],
        channel="online" if actor is None else "agent", status="open",
        promised_warranty_until=ticket.warranty_until, promised_response_minutes=ticket.response_minutes,
        responded_minutes=round((answered - ticket.created_at).total_seconds() / 60) if answered else None,
        parts_charged_fen=visits.parts_total_fen(session, ticket.id), created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(complaint)
    session.flush()
    complaint.number = f"TS{now:%Y%m%d}{complaint.id:06d}"
    _event(session, complaint, "filed", actor)
    session.flush()
    return complaint


def get_complaint(session: Session, *, complaint_id: int, viewer: auth.Principal) -> Complaint:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None or not viewer.can_see_brand(complaint.brand_id):
        raise NotFound(f"complaint {complaint_id} does not exist", message_zh=f"投诉 {complaint_id} 不存在")
    return complaint


def list_complaints(
    session: Session, *, viewer: auth.Principal, status: str = "", category: str = "", number: str = "",
    limit: int = 200,
) -> list[tuple[Complaint, str]]:  # fmt: skip
    """The viewer's brand's complaints with their ticket numbers, pending first; filters by status, category, number."""
    query = select(Complaint, Ticket.number).join(Ticket, Ticket.id == Complaint.ticket_id)
    if viewer.brand_id is not None:
        query = query.where(Complaint.brand_id == viewer.brand_id)
    if status:
        query = query.where(Complaint.status == status)
    if category:
        query = query.where(Complaint.category == category)
    if number.strip():
        wanted = number.strip().upper()
        query = query.where((Complaint.number == wanted) | (Ticket.number == wanted))
    pending_first = Complaint.status.in_(PENDING).desc()
    rows = session.execute(query.order_by(pending_first, Complaint.created_at.desc(), Complaint.id.desc()).limit(limit))
    return [(complaint, number or "") for complaint, number in rows]


def for_ticket(session: Session, ticket_id: int) -> list[Complaint]:
    return list(session.scalars(select(Complaint).where(Complaint.ticket_id == ticket_id).order_by(Complaint.id)))


def history(session: Session, complaint_id: int) -> list[ComplaintEvent]:
    query = select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint_id).order_by(ComplaintEvent.id)
    return list(session.scalars(query))


def _checked(session: Session, complaint_id: int, version: int, actor: auth.Principal) -> Complaint:
    complaint = get_complaint(session, complaint_id=complaint_id, viewer=actor)
    if complaint.version != version:
        raise Conflict(
            f"complaint {complaint.number} was changed by someone else; reload",
            message_zh="投诉已被他人处理，请刷新后再操作",
            detail={"version": complaint.version},
        )
    return complaint


def _flush(session: Session, complaint: Complaint) -> Complaint:
    complaint.updated_at = utcnow()
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(f"complaint {complaint.number} was changed at the same moment; reload",
                       message_zh="投诉刚被他人处理，请刷新后再操作") from None  # fmt: skip
    return complaint


def move(session: Session, *, complaint_id: int, to: str, reply: str, version: int, actor: auth.Principal) -> Complaint:
    """Investigate, resolve (upheld) or reject; a decision needs a reply for the customer."""
    complaint = _checked(session, complaint_id, version, actor)
    allowed = TRANSITIONS[complaint.status]
    if to not in allowed:
        raise Conflict(
            f"a {complaint.status} complaint cannot become {to}; allowed: {', '.join(allowed) or 'none'}",
            message_zh="投诉当前状态不能这样处理" + (f"（可选：{'、'.join(allowed)}）" if allowed else "（已办结）"),
            detail={"from": complaint.status, "to": to, "allowed": list(allowed)},
        )
    reply = reply.strip()[:MAX_TEXT]
    if to in ("resolved", "rejected") and not reply:
        raise InvalidInput("tell the customer what was decided and why", message_zh="请填写给客户的答复",
                           detail={"field": "reply"})  # fmt: skip
    complaint.status = to
    if reply:
        complaint.reply = reply
    _event(session, complaint, to, actor, note=reply)
    ticket = session.get(Ticket, complaint.ticket_id)
    if to == "resolved" and complaint.technician_id is not None and ticket is not None:
        credit.record(
            session, kind="technician", subject_id=str(complaint.technician_id), item="complaint",
            points=UPHELD_POINTS, reason=f"投诉属实：{complaint.category} {ticket.number}",
            evidence=complaint.number, actor_id=actor.user_id,
        )  # fmt: skip
    return _flush(session, complaint)


def refunded_fen(session: Session, ticket_id: int) -> int:
    """What the brand has refunded on this ticket over all its complaints."""
    total = session.scalar(select(func.sum(Complaint.refund_fen)).where(Complaint.ticket_id == ticket_id))
    return int(total or 0)


def refund(
    session: Session, *, complaint_id: int, amount_fen: int, reason: str, version: int, actor: auth.Principal
) -> Complaint:
    """Grant a refund once per complaint, at most what the parts list charged less what was refunded already."""
    complaint = _checked(session, complaint_id, version, actor)
    if complaint.status not in REFUNDABLE or complaint.refund_fen is not None:
        raise Conflict("a refund is granted once, while investigating or after upholding",
                       message_zh="只能在调查中或投诉属实后退款，且每个投诉只退一次")  # fmt: skip
    charged = visits.parts_total_fen(session, complaint.ticket_id)
    left = charged - refunded_fen(session, complaint.ticket_id)
    if not 0 < amount_fen <= left:
        raise InvalidInput(
            f"the refund must be more than 0 and at most {left / 100:.2f} yuan (parts charged {charged / 100:.2f})",
            message_zh=f"退款金额须大于 0 且不超过 {left / 100:.2f} 元（配件收费 {charged / 100:.2f} 元）",
            detail={"field": "amount", "max_fen": left},
        )
    reason = reason.strip()[:MAX_TEXT]
    if not reason:
        raise InvalidInput("give the reason for the refund", message_zh="请填写退款原因", detail={"field": "reason"})
    complaint.refund_fen, complaint.refund_reason = amount_fen, reason
    _event(session, complaint, "refund", actor, note=reason, amount_fen=amount_fen)
    audit.record(
        session, actor_id=actor.user_id, action="complaint.refund", subject=f"complaint:{complaint.id}",
        detail={"amount_fen": amount_fen, "reason": reason},
    )  # fmt: skip
    return _flush(session, complaint)
