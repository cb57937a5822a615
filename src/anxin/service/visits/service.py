"""A technician's own jobs and the visit record: steps, check-in, photos, parts, signature, completion.

Steps: accept → on the way → check in on site → done. The full address and
phone show only while the visit is under way, each time recorded in the reveal
log; technicians see only what a job needs (信息加密).

Every step the phone sends carries an idempotency key, unique per ticket: the
phone keeps unsent steps and retries them in order when the network is back,
and a step that did arrive before is answered with its first result, never
applied twice. A move names only its target, and each target a technician may
choose has exactly one legal origin (accepted ← dispatched, on the way ←
accepted, on site ← on the way, done ← on site), so a step queued offline is
refused with the reason if the dispatcher changed the ticket meanwhile instead
of overwriting that change. Record edits touch the ticket, so its version moves
and a concurrent edit elsewhere conflicts rather than being lost.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from anxin.auth import service as auth
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.privacy.crypto import DecryptionError, KeyRing
from anxin.privacy.reveals import record_reveal
from anxin.service.customers import service as customers
from anxin.service.customers.models import Customer
from anxin.service.technicians.models import Technician
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import Status
from anxin.service.tickets.models import Ticket
from anxin.service.visits.models import VisitFile, VisitPart, VisitRecord, VisitStep
from anxin.store.base import utcnow
from anxin.uploads.store import StoredFile

PLAIN_MOVES = (Status.accepted, Status.en_route)  # check-in and completion carry their record: their own steps
REVEAL_WHILE = frozenset({Status.accepted.value, Status.en_route.value, Status.on_site.value})
ACTIVE = ("dispatched", "accepted", "en_route", "on_site")
PHOTO_KINDS = ("fault", "done")
POSITION = "visit_records.position"
FILE_LINK = "visits.file-link"
FILE_LINK_TTL = timedelta(hours=2)
STEP_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
MAX_PHOTOS = 12
MAX_PARTS = 30
MAX_QUANTITY = 99
MAX_UNIT_PRICE_FEN = 1_000_000  # ¥10,000 for one part is a typing slip, not a lock part


@dataclass(frozen=True)
class Contact:
    """What the technician needs at the door, shown only during the visit."""

    name: str
    phone: str
    address: str


@dataclass(frozen=True)
class StepOutcome:
    """What a step did; ``replayed`` when the same key had arrived before and this is its first result again."""

    kind: str
    status: str
    replayed: bool = False


@dataclass(frozen=True)
class Position:
    """Where the technician checked in: the browser's position when it gave one, else a typed note."""

    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None
    note: str = ""


@dataclass(frozen=True)
class PartLine:
    name: str
    code: str
    quantity: int
    unit_price_fen: int


@dataclass(frozen=True)
class VisitView:
    """The visit record as the customer and the brand see it; the check-in position stays sealed."""

    checked_in_at: datetime | None
    located: bool
    accuracy_m: int | None
    summary: str | None
    completed_at: datetime | None
    warranty_until: datetime | None
    photos: list[VisitFile]
    signature: VisitFile | None
    parts: list[VisitPart]
    parts_list_fen: int
    discount_percent: int  # the member discount promised at intake
    parts_total_fen: int  # charged: the list less the discount


def linked_technician(session: Session, actor: auth.Principal) -> Technician | None:
    """The technician profile this account is linked to (a brand admin links it), if any."""
    return session.scalar(select(Technician).where(Technician.user_id == actor.user_id))


def my_jobs(session: Session, *, actor: auth.Principal) -> list[Ticket]:
    """Active jobs assigned to the account's technician; none for an account not linked to one."""
    me = linked_technician(session, actor)
    if me is None:
        return []
    query = (
        select(Ticket)
        .where(Ticket.technician_id == me.id, Ticket.status.in_(ACTIVE))
        .order_by(Ticket.planned_arrival, Ticket.id)
    )
    return list(session.scalars(query))


def own_job(session: Session, ticket_id: int, actor: auth.Principal) -> Ticket:
    """The job, locked for this transaction, if it is assigned to this account's technician; else it does not exist."""
    me = linked_technician(session, actor)
    query = select(Ticket).where(Ticket.id == ticket_id).with_for_update()
    ticket = session.scalar(query.execution_options(populate_existing=True))
    if ticket is None or me is None or ticket.technician_id != me.id:
        raise NotFound(f"job {ticket_id} is not yours", message_zh="这不是您的工单")
    return ticket


def _begin(session: Session, ticket_id: int, key: str, actor: auth.Principal) -> tuple[Ticket, StepOutcome | None]:
    """Lock the job and look the key up: a step that arrived before returns its first outcome."""
    if not STEP_KEY.fullmatch(key):
        raise InvalidInput(
            "each step needs a key of 8–64 letters, digits, - or _", message_zh="步骤编号无效，请刷新页面后重试"
        )
    ticket = own_job(session, ticket_id, actor)
    done = session.scalar(select(VisitStep).where(VisitStep.ticket_id == ticket.id, VisitStep.key == key))
    if done is not None:
        return ticket, StepOutcome(done.kind, done.result["status"], replayed=True)
    return ticket, None


def _finish(session: Session, ticket: Ticket, key: str, kind: str, actor: auth.Principal) -> StepOutcome:
    """Remember the step under its key, touching the ticket so its version moves with the record."""
    ticket.updated_at = utcnow()
    outcome = StepOutcome(kind, ticket.status)
    session.add(
        VisitStep(ticket_id=ticket.id, key=key, kind=kind, result={"status": ticket.status}, actor_id=actor.user_id)
    )
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(
            f"ticket {ticket.number} was changed at the same moment; try again", message_zh="工单刚被修改，请重试"
        ) from None
    return outcome


def _record(session: Session, ticket_id: int) -> VisitRecord | None:
    return session.scalar(select(VisitRecord).where(VisitRecord.ticket_id == ticket_id))


def _editable(session: Session, ticket: Ticket) -> VisitRecord:
    """Photos, parts and the signature are recorded after the check-in on site, until the job is done."""
    record = _record(session, ticket.id)
    if ticket.status != Status.on_site.value or record is None:
        raise Conflict(
            f"ticket {ticket.number} is {ticket.status}; the record is kept from the check-in until completion",
            message_zh="到场签到后、完工前才能上传照片、修改配件和完工",
            detail={"status": ticket.status},
        )
    return record


def move_job(session: Session, *, ticket_id: int, key: str, to: Status, actor: auth.Principal) -> StepOutcome:
    """Accept or leave for the job; check-in and completion carry their record and have their own steps."""
    if to not in PLAIN_MOVES:
        raise Forbidden(
            f"technicians accept and leave with this step, not {to}; check-in and completion have their own",
            message_zh="师傅只能更新上门进度",
        )
    ticket, done = _begin(session, ticket_id, key, actor)
    if done is not None:
        return done
    tickets.move(session, ticket_id=ticket.id, to=to, version=ticket.version, note="", actor=actor)
    return _finish(session, ticket, key, to.value, actor)


def check_in(
    session: Session, keys: KeyRing, *, ticket_id: int, key: str, position: Position, actor: auth.Principal
) -> StepOutcome:
    """On site: the time, and the browser's position (sealed) or the technician's note when it gave none."""
    located = position.latitude is not None and position.longitude is not None
    note = position.note.strip()
    if located and not (-90 <= position.latitude <= 90 and -180 <= position.longitude <= 180):  # type: ignore[operator]
        raise InvalidInput("the position is not on Earth", message_zh="定位坐标无效", detail={"field": "note"})
    if not located and not note:
        raise InvalidInput(
            "the phone gave no position; say where you are instead",
            message_zh="未能获取定位，请填写位置说明",
            detail={"field": "note"},
        )
    ticket, done = _begin(session, ticket_id, key, actor)
    if done is not None:
        return done
    if _record(session, ticket.id) is not None:
        raise Conflict(f"ticket {ticket.number} is checked in already", message_zh="已经签到过了")
    if ticket.status != Status.on_site.value:  # the dispatcher may have marked the arrival already
        tickets.move(session, ticket_id=ticket.id, to=Status.on_site, version=ticket.version, note="", actor=actor)
    accuracy = position.accuracy_m if located and position.accuracy_m is not None else None
    place = {"latitude": position.latitude, "longitude": position.longitude, "note": note[:256]}
    session.add(
        VisitRecord(
            ticket_id=ticket.id, checked_in_at=utcnow(), located=located,
            accuracy_m=round(accuracy) if accuracy is not None else None,
            position_sealed=keys.seal(json.dumps(place, ensure_ascii=False), context=POSITION),
        )
    )  # fmt: skip
    return _finish(session, ticket, key, "check_in", actor)


def add_photo(
    session: Session, *, ticket_id: int, key: str, kind: str, file: StoredFile, actor: auth.Principal
) -> StepOutcome:
    """A photo of the fault or of the finished work; the upload store has re-encoded it without metadata."""
    if kind not in PHOTO_KINDS:
        raise InvalidInput(f"photo kind must be one of {PHOTO_KINDS}", message_zh="照片类型无效")
    if not file.content_type.startswith("image/"):
        raise InvalidInput(
            f"a {file.content_type} file is not a photo", message_zh="只能上传照片", detail={"field": "file"}
        )
    ticket, done = _begin(session, ticket_id, key, actor)
    if done is not None:
        return done
    _editable(session, ticket)
    count = session.scalar(select(func.count()).where(VisitFile.ticket_id == ticket.id, VisitFile.kind == kind))
    if (count or 0) >= MAX_PHOTOS:
        raise Conflict(f"at most {MAX_PHOTOS} photos of each kind", message_zh=f"每类照片最多 {MAX_PHOTOS} 张")
    _store_file(session, ticket, kind, file, actor)
    return _finish(session, ticket, key, "photo", actor)


def _store_file(session: Session, ticket: Ticket, kind: str, file: StoredFile, actor: auth.Principal) -> None:
    session.add(
        VisitFile(
            ticket_id=ticket.id, kind=kind, sha256=file.sha256, content_type=file.content_type, size=file.size,
            uploaded_by=actor.user_id,
        )
    )  # fmt: skip


def _check_part(line: PartLine) -> PartLine:
    """The part as it will be charged, or InvalidInput naming the field in Chinese."""
    name, code = line.name.strip(), line.code.strip()
    if not name or len(name) > 64:
        raise InvalidInput("name the part (at most 64 characters)", message_zh="请填写配件名称（最多 64 字）",
                           detail={"field": "name"})  # fmt: skip
    if len(code) > 32:
        raise InvalidInput("the part code is at most 32 characters", message_zh="配件编码最多 32 个字符",
                           detail={"field": "code"})  # fmt: skip
    if not 1 <= line.quantity <= MAX_QUANTITY:
        raise InvalidInput(f"quantity is 1 to {MAX_QUANTITY}", message_zh=f"数量为 1 到 {MAX_QUANTITY}",
                           detail={"field": "quantity"})  # fmt: skip
    if not 0 <= line.unit_price_fen <= MAX_UNIT_PRICE_FEN:
        raise InvalidInput("the price is 0 to 10,000 yuan", message_zh="单价应在 0 到 10000 元之间",
                           detail={"field": "unit_price"})  # fmt: skip
    return PartLine(name, code, line.quantity, line.unit_price_fen)


def save_part(
    session: Session, *, ticket_id: int, key: str, part_key: str, line: PartLine, actor: auth.Principal
) -> StepOutcome:
    """Add a part, or change the one with this ``part_key``; the list is open until the job is done."""
    line = _check_part(line)
    if not STEP_KEY.fullmatch(part_key):
        raise InvalidInput("the part needs a key", message_zh="配件编号无效，请刷新页面后重试")
    ticket, done = _begin(session, ticket_id, key, actor)
    if done is not None:
        return done
    part = _editable_part(session, ticket, part_key)
    if part is None:
        if len(parts_of(session, ticket.id)) >= MAX_PARTS:
            raise Conflict(f"at most {MAX_PARTS} parts on a job", message_zh=f"一张工单最多 {MAX_PARTS} 种配件")
        part = VisitPart(ticket_id=ticket.id, part_key=part_key, added_by=actor.user_id)
        session.add(part)
    part.name, part.code, part.quantity, part.unit_price_fen = line.name, line.code, line.quantity, line.unit_price_fen
    part.updated_at = utcnow()
    return _finish(session, ticket, key, "part", actor)


def _editable_part(session: Session, ticket: Ticket, part_key: str) -> VisitPart | None:
    """The job's part with this key, if any, once the parts list is known to be still open."""
    _editable(session, ticket)
    return session.scalar(select(VisitPart).where(VisitPart.ticket_id == ticket.id, VisitPart.part_key == part_key))


def remove_part(session: Session, *, ticket_id: int, key: str, part_key: str, actor: auth.Principal) -> StepOutcome:
    ticket, done = _begin(session, ticket_id, key, actor)
    if done is not None:
        return done
    part = _editable_part(session, ticket, part_key)
    if part is None:
        raise NotFound("this part is not on the job", message_zh="该配件不在清单上")
    session.delete(part)
    return _finish(session, ticket, key, "part_removed", actor)


def complete(
    session: Session,
    *,
    ticket_id: int,
    key: str,
    summary: str,
    signature: StoredFile | None,
    actor: auth.Principal,
) -> StepOutcome:
    """Done: the customer's signature (a PNG drawn on the phone) and a summary of the work are required."""
    if signature is not None and signature.content_type != "image/png":
        raise InvalidInput("the signature must be a PNG image", message_zh="签名须为 PNG 图片",
                           detail={"field": "signature"})  # fmt: skip
    summary = summary.strip()
    if not summary:
        raise InvalidInput("say what was done", message_zh="请填写完工说明", detail={"field": "summary"})
    ticket, done = _begin(session, ticket_id, key, actor)
    if done is not None:
        return done
    record = _editable(session, ticket)
    if signature is not None:
        _store_file(session, ticket, "signature", signature, actor)
        session.flush()
    if _signature(session, ticket.id) is None:
        raise Conflict("the customer has not signed yet", message_zh="请先请客户签名确认",
                       detail={"field": "signature"})  # fmt: skip
    tickets.move(session, ticket_id=ticket.id, to=Status.completed, version=ticket.version, note="", actor=actor)
    record.summary = summary[:2000]
    return _finish(session, ticket, key, "complete", actor)


def fen_from_yuan(text: str, *, field: str) -> int:
    """Yuan as typed (``35``, ``35.5``) to fen; anything else is refused next to ``field``."""
    try:
        yuan = Decimal(text.strip())
        exact = yuan.is_finite() and yuan >= 0 and yuan == yuan.quantize(Decimal("0.01"))
    except InvalidOperation:
        exact = False
    if not exact:
        raise InvalidInput("give the amount in yuan, like 35.50", message_zh="请按元填写金额，如 35.50",
                           detail={"field": field})  # fmt: skip
    return int(yuan * 100)


def parts_of(session: Session, ticket_id: int) -> list[VisitPart]:
    return list(session.scalars(select(VisitPart).where(VisitPart.ticket_id == ticket_id).order_by(VisitPart.id)))


def parts_list_fen(session: Session, ticket_id: int) -> int:
    """The parts list at the prices the technician entered, in fen, before any member discount."""
    total = session.scalar(
        select(func.sum(VisitPart.quantity * VisitPart.unit_price_fen)).where(VisitPart.ticket_id == ticket_id)
    )
    return int(total or 0)


def discount_fen(list_fen: int, percent: int) -> int:
    """A member's discount on the parts, rounded to the nearest fen."""
    return (list_fen * percent + 50) // 100


def parts_total_fen(session: Session, ticket_id: int) -> int:
    """What the customer is charged for parts, in fen: the list less the discount the ticket was promised at intake.

    The most a refund can give back. The discount is the ticket's own (copied from the member's tier at intake),
    so a tier edited after the booking changes nothing here.
    """
    ticket = session.get(Ticket, ticket_id)
    listed = parts_list_fen(session, ticket_id)
    return listed - discount_fen(listed, ticket.discount_percent if ticket is not None else 0)


def _signature(session: Session, ticket_id: int) -> VisitFile | None:
    """The latest signature counts: a customer may sign again before the job is done."""
    query = select(VisitFile).where(VisitFile.ticket_id == ticket_id, VisitFile.kind == "signature")
    return session.scalar(query.order_by(VisitFile.id.desc()).limit(1))


def visit_view(session: Session, ticket: Ticket) -> VisitView:
    record = _record(session, ticket.id)
    photos = session.scalars(
        select(VisitFile)
        .where(VisitFile.ticket_id == ticket.id, VisitFile.kind.in_(PHOTO_KINDS))
        .order_by(VisitFile.id)
    )
    return VisitView(
        checked_in_at=record.checked_in_at if record else None,
        located=record.located if record else False,
        accuracy_m=record.accuracy_m if record else None,
        summary=record.summary if record else None,
        completed_at=ticket.completed_at,
        warranty_until=ticket.warranty_until,
        photos=list(photos),
        signature=_signature(session, ticket.id),
        parts=parts_of(session, ticket.id),
        parts_list_fen=parts_list_fen(session, ticket.id),
        discount_percent=ticket.discount_percent,
        parts_total_fen=parts_total_fen(session, ticket.id),
    )


def file_link(keys: KeyRing, file_id: int, *, now: datetime | None = None) -> str:
    """A URL to one visit file that works for two hours: handed out only after the page checked who is looking.

    The token is sealed with the key ring (authenticated encryption), so it cannot be forged or moved to another file.
    """
    expires = int(((now or utcnow()) + FILE_LINK_TTL).timestamp())
    return f"/visits/files/{file_id}?t={keys.seal(f'{file_id}:{expires}', context=FILE_LINK)}"


def open_file_link(session: Session, keys: KeyRing, *, file_id: int, token: str) -> VisitFile:
    """The file a link names, if the link is genuine, for this file, and not expired."""
    missing = NotFound("no such file, or the link has expired", message_zh="文件不存在或链接已过期")
    try:
        named, expires = keys.open(token, context=FILE_LINK).split(":")
    except (DecryptionError, ValueError):
        raise missing from None
    if named != str(file_id) or int(expires) < utcnow().timestamp():
        raise missing
    found = session.get(VisitFile, file_id)
    if found is None:
        raise missing
    return found


def contact_for_visit(session: Session, keys: KeyRing, *, ticket_id: int, actor: auth.Principal) -> Contact:
    """The full name, phone and address of the customer, during an accepted visit only; recorded first."""
    ticket = own_job(session, ticket_id, actor)
    if ticket.status not in REVEAL_WHILE:
        raise Forbidden(
            "the address is shown from acceptance until the visit ends", message_zh="接单后才能查看完整地址"
        )
    record_reveal(
        session,
        actor_id=actor.user_id,
        subject=f"ticket:{ticket.id}",
        fields=["name", "phone", "address"],
        reason=f"on-site visit ({ticket.status})",
    )
    customer = session.get(Customer, ticket.customer_id)
    assert customer is not None
    return Contact(
        name=keys.open(customer.name_sealed, context=customers.NAME),
        phone=keys.open(customer.phone_sealed, context=customers.PHONE),
        address=keys.open(ticket.address_sealed, context=tickets.ADDRESS),
    )
