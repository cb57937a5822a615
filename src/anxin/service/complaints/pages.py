"""Complaint pages: filing from the tracking page (customer) or the ticket page (agent); the brand's list and desk."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import RedirectResponse

from anxin.api.deps import KeyRingDep, SessionDep, SettingsDep
from anxin.api.ratelimit import rate_limited
from anxin.auth import service as auth
from anxin.auth.guard import Allow, MaybePrincipal
from anxin.auth.permissions import Permission
from anxin.clocks.zones import CHINA
from anxin.config import Settings
from anxin.errors import AnxinError
from anxin.privacy.crypto import KeyRing
from anxin.service.complaints import service as complaints
from anxin.service.complaints.models import Complaint
from anxin.service.complaints.routes import COMPLAINTS_PER_MINUTE
from anxin.service.tickets import service as tickets
from anxin.service.tickets.models import Ticket
from anxin.service.tickets.routes import TRACKS_PER_MINUTE
from anxin.service.visits import service as visits
from anxin.text import N_
from anxin.uploads.responses import attached_photo
from anxin.web.forms import FormData, field_errors, stored_photos
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

TicketReader = Annotated[auth.Principal, Depends(Allow(Permission.tickets_read))]
TicketCreator = Annotated[auth.Principal, Depends(Allow(Permission.tickets_create))]
ComplaintManager = Annotated[auth.Principal, Depends(Allow(Permission.complaints_manage))]
EVENT_LABELS = {**complaints.STATUS_LABELS, "filed": N_("filed"), "refund": N_("refund granted")}


def _labels() -> dict[str, object]:
    return {
        "categories": complaints.CATEGORIES,
        "status_labels": complaints.STATUS_LABELS,
        "event_labels": EVENT_LABELS,
        "china": CHINA,
    }


def _ticket_complaints(
    request: Request,
    session: SessionDep,
    keys: KeyRing,
    ticket: Ticket,
    *,
    action: str,
    hidden: dict[str, str],
    may_file: bool,
    can_manage: bool = False,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    page: bool = False,
):
    """A ticket's complaints and, when it can take one, the form; a whole page again after a refused post."""
    filed = complaints.for_ticket(session, ticket.id)
    pending = any(c.status in complaints.PENDING for c in filed)
    context = {
        "ticket": ticket,
        "complaints": filed,
        "texts": {c.id: complaints.text_of(keys, c) for c in filed},
        "can_file": may_file and ticket.status in complaints.COMPLAINABLE and not pending,
        "can_manage": can_manage,
        "action": action,
        "hidden": hidden,
        "values": values or {},
        "errors": errors or {},
        **_labels(),
    }
    return render(request, "complaint_page.html" if page else "ticket_complaints.html", context, status=status)


@router.get("/track/complaints", dependencies=[Depends(rate_limited("track", limit=TRACKS_PER_MINUTE))])
def complaints_for_customer(
    request: Request, session: SessionDep, keys: KeyRingDep, _caller: MaybePrincipal, number: str = "", phone: str = ""
):
    """Htmx fragment on the tracking page: the customer's complaints with the brand's replies, and the form."""
    ticket = tickets.tracked_ticket(session, keys, number=number, phone=phone)
    hidden = {"number": number, "phone": phone}
    return _ticket_complaints(request, session, keys, ticket, action="/track/complaints", hidden=hidden, may_file=True)


@router.post("/track/complaints", dependencies=[Depends(rate_limited("complaint", limit=COMPLAINTS_PER_MINUTE))])
def file_as_customer(
    request: Request,
    session: SessionDep,
    keys: KeyRingDep,
    settings: SettingsDep,
    _caller: MaybePrincipal,
    form: FormData,
    photos: list[UploadFile] = File(default=[]),
):
    number, phone = form.get("number", ""), form.get("phone", "")
    ticket = tickets.tracked_ticket(session, keys, number=number, phone=phone)
    hidden = {"number": number, "phone": phone}
    refused = _file_from_form(request, session, keys, settings, ticket, form, photos, None, "/track/complaints", hidden)
    return refused or RedirectResponse(f"/track?{urlencode(hidden)}", status_code=303)


@router.get("/tickets/{ticket_id}/complaints")
def complaints_for_staff(request: Request, ticket_id: int, session: SessionDep, keys: KeyRingDep, caller: TicketReader):
    """Htmx fragment on the ticket page: its complaints, and the form for an agent filing one for the caller."""
    ticket = tickets.get_ticket(session, ticket_id=ticket_id, viewer=caller)
    return _ticket_complaints(
        request, session, keys, ticket, action=f"/tickets/{ticket.id}/complaints", hidden={},
        may_file=caller.may(Permission.tickets_create), can_manage=caller.may(Permission.complaints_manage),
    )  # fmt: skip


@router.post("/tickets/{ticket_id}/complaints")
def file_as_agent(
    request: Request,
    ticket_id: int,
    session: SessionDep,
    keys: KeyRingDep,
    settings: SettingsDep,
    caller: TicketCreator,
    form: FormData,
    photos: list[UploadFile] = File(default=[]),
):
    ticket = tickets.get_ticket(session, ticket_id=ticket_id, viewer=caller)
    action = f"/tickets/{ticket.id}/complaints"
    refused = _file_from_form(request, session, keys, settings, ticket, form, photos, caller, action, {})
    return refused or RedirectResponse(f"/tickets/{ticket.id}", status_code=303)


def _file_from_form(
    request: Request,
    session: SessionDep,
    keys: KeyRing,
    settings: Settings,
    ticket: Ticket,
    form: dict[str, str],
    photos: list[UploadFile],
    actor: auth.Principal | None,
    action: str,
    hidden: dict[str, str],
):
    """File the complaint a form describes; None when filed, else the form again with the refusal and what was typed."""
    try:
        complaints.file_complaint(
            session, keys, ticket=ticket, category=form.get("category", ""), text=form.get("text", ""),
            files=stored_photos(settings.data_dir, photos), actor=actor,
        )  # fmt: skip
    except AnxinError as exc:
        session.rollback()
        errors, message = field_errors(request, exc)
        return _ticket_complaints(
            request, session, keys, ticket, action=action, hidden=hidden, may_file=True, values=form,
            errors=errors or {"text": message}, status=exc.status, page=True,
        )  # fmt: skip
    return None


@router.get("/brand/complaints")
def complaint_list(
    request: Request, session: SessionDep, caller: ComplaintManager, status: str = "", category: str = "",
    number: str = "",
):  # fmt: skip
    found = complaints.list_complaints(session, viewer=caller, status=status, category=category, number=number)
    context = {"rows": found, "filters": {"status": status, "category": category, "number": number}, **_labels()}
    return render(request, "complaints.html", context)


def _desk(
    request: Request,
    session: SessionDep,
    keys: KeyRing,
    complaint: Complaint,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
):
    ticket = session.get(Ticket, complaint.ticket_id)
    assert ticket is not None
    context = {
        "complaint": complaint,
        "text": complaints.text_of(keys, complaint),
        "ticket": ticket,
        "parts": visits.parts_of(session, ticket.id),
        "refunded_fen": complaints.refunded_fen(session, ticket.id),
        "history": complaints.history(session, complaint.id),
        "next": complaints.TRANSITIONS[complaint.status],
        "refundable": complaint.status in complaints.REFUNDABLE and complaint.refund_fen is None,
        "errors": errors or {},
        "values": values or {},
        **_labels(),
    }
    return render(request, "complaint.html", context, status=status)


@router.get("/brand/complaints/{complaint_id}")
def complaint_desk(
    request: Request, complaint_id: int, session: SessionDep, keys: KeyRingDep, caller: ComplaintManager
):
    return _desk(request, session, keys, complaints.get_complaint(session, complaint_id=complaint_id, viewer=caller))


def _version(form: dict[str, str]) -> int:
    """The version the form was rendered with; a missing or garbled one is stale, so the service refuses it."""
    value = form.get("version", "")
    return int(value) if value.isdigit() else 0


def _refused(
    request: Request,
    session: SessionDep,
    keys: KeyRing,
    complaint_id: int,
    caller: auth.Principal,
    form: dict[str, str],
    exc: AnxinError,
    field: str,
):
    """The desk again with the refusal next to ``field`` (or the field the error names) and the form kept."""
    session.rollback()
    errors, message = field_errors(request, exc)
    complaint = complaints.get_complaint(session, complaint_id=complaint_id, viewer=caller)
    return _desk(request, session, keys, complaint, errors=errors or {field: message}, values=form, status=exc.status)


@router.post("/brand/complaints/{complaint_id}/moves")
def move_from_form(
    request: Request,
    complaint_id: int,
    session: SessionDep,
    keys: KeyRingDep,
    caller: ComplaintManager,
    form: FormData,
):
    try:
        complaints.move(
            session, complaint_id=complaint_id, to=form.get("status", ""), reply=form.get("reply", ""),
            version=_version(form), actor=caller,
        )  # fmt: skip
    except AnxinError as exc:
        return _refused(request, session, keys, complaint_id, caller, form, exc, "status")
    return RedirectResponse(f"/brand/complaints/{complaint_id}", status_code=303)


@router.post("/brand/complaints/{complaint_id}/refund")
def refund_from_form(
    request: Request,
    complaint_id: int,
    session: SessionDep,
    keys: KeyRingDep,
    caller: ComplaintManager,
    form: FormData,
):
    try:
        complaints.refund(
            session, complaint_id=complaint_id, amount_fen=visits.fen_from_yuan(form.get("amount", ""), field="amount"),
            reason=form.get("reason", ""), version=_version(form), actor=caller,
        )  # fmt: skip
    except AnxinError as exc:
        return _refused(request, session, keys, complaint_id, caller, form, exc, "amount")
    return RedirectResponse(f"/brand/complaints/{complaint_id}", status_code=303)


@router.get("/brand/complaints/{complaint_id}/photos/{index}")
def complaint_photo(
    complaint_id: int, index: int, session: SessionDep, settings: SettingsDep, caller: ComplaintManager
):
    complaint = complaints.get_complaint(session, complaint_id=complaint_id, viewer=caller)
    return attached_photo(settings.data_dir, complaint.files, index)
