"""Ticket pages: the online repair form and tracking (public), the agent's intake desk, the ticket board."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from anxin.api.deps import KeyRingDep, SessionDep, SettingsDep, get_locale
from anxin.api.ratelimit import rate_limited
from anxin.auth import service as auth
from anxin.auth import tenancy
from anxin.auth.guard import Allow, MaybePrincipal
from anxin.auth.permissions import Permission
from anxin.clocks.zones import CHINA
from anxin.errors import AnxinError
from anxin.regions import service as regions
from anxin.service.customers import service as customers
from anxin.service.members import service as members
from anxin.service.sla import service as sla
from anxin.service.tickets import service as tickets
from anxin.service.tickets.feed import feed_rating, feed_ticket
from anxin.service.tickets.lifecycle import LABELS, OPEN, TRANSITIONS, Status
from anxin.service.tickets.routes import ONLINE_REQUESTS_PER_MINUTE, TRACKS_PER_MINUTE
from anxin.service.tickets.schemas import FAULT_LABELS, Fault, RepairRequest
from anxin.store.base import utcnow
from anxin.uploads.responses import attached_photo
from anxin.web.forms import FormData, field_errors, stored_photos
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

TicketCreator = Annotated[auth.Principal, Depends(Allow(Permission.tickets_create))]
TicketReader = Annotated[auth.Principal, Depends(Allow(Permission.tickets_read))]
TicketUpdater = Annotated[auth.Principal, Depends(Allow(Permission.tickets_update))]
FIELDS = ("brand_id", "phone", "name", "region_code", "address", "lock_model", "fault", "description")


def _labels() -> dict[str, object]:
    return {"status_labels": LABELS, "fault_labels": FAULT_LABELS, "faults": list(Fault), "china": CHINA}


def _form_page(
    request: Request,
    session: SessionDep,
    template: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = 200,
    brand_id: int | None = None,
    extra: dict[str, object] | None = None,
):
    """The request form (online or agent) with what was typed kept and errors next to their fields."""
    values = values or {}
    code = values.get("region_code") or None
    levels, selected = regions.picker_levels(code)
    brands = [b for b in tenancy.list_brands(session) if brand_id is None or b.id == brand_id]
    context = {
        "values": values,
        "errors": errors or {},
        "message": message,
        "brands": brands,
        "levels": levels,
        "selected": selected,
        "detail": regions.detail(selected) if selected else None,
        **_labels(),
        **(extra or {}),
    }
    return render(request, template, context, status=status)


def _validate(form: dict[str, str]) -> RepairRequest:
    return RepairRequest.model_validate({k: form.get(k, "") for k in FIELDS} | {"brand_id": form.get("brand_id") or 0})


@router.get("/repair")
def repair_form(request: Request, session: SessionDep, _caller: MaybePrincipal):
    return _form_page(request, session, "repair.html")


@router.post("/repair", dependencies=[Depends(rate_limited("repair-request", limit=ONLINE_REQUESTS_PER_MINUTE))])
def repair_submit(
    request: Request,
    session: SessionDep,
    keys: KeyRingDep,
    settings: SettingsDep,
    _caller: MaybePrincipal,
    form: FormData,
    photos: list[UploadFile] = File(default=[]),
):
    try:
        ticket, duplicate = tickets.create_ticket(
            session, keys, request=_validate(form), channel="online", actor=None,
            photos=stored_photos(settings.data_dir, photos),
        )  # fmt: skip
        feed_ticket(request, session, ticket)
    except (ValidationError, AnxinError) as exc:
        session.rollback()
        errors, message = field_errors(request, exc)
        return _form_page(request, session, "repair.html", values=form, errors=errors, message=message, status=422)
    context = {"ticket": ticket, "duplicate": duplicate, **_labels()}
    return render(request, "repair_receipt.html", context, status=201)


@router.get("/track", dependencies=[Depends(rate_limited("track", limit=TRACKS_PER_MINUTE))])
def track_page(
    request: Request, session: SessionDep, keys: KeyRingDep, _caller: MaybePrincipal, number: str = "", phone: str = ""
):
    return _track(request, session, keys, number, phone)


def _track(
    request: Request,
    session: SessionDep,
    keys: KeyRingDep,
    number: str,
    phone: str,
    error: str | None = None,
    rated_now: bool = False,
):
    result = None
    if number.strip() and phone.strip():
        try:
            result = tickets.track(session, keys, number=number, phone=phone)
        except AnxinError as exc:
            error = error or exc.localized(get_locale(request))
    context = {"number": number, "phone": phone, "result": result, "error": error, "rated_now": rated_now, **_labels()}
    return render(request, "track.html", context, status=422 if error and result else 404 if error else 200)


@router.post("/track/rating", dependencies=[Depends(rate_limited("rating", limit=TRACKS_PER_MINUTE))])
def rate_from_form(request: Request, session: SessionDep, keys: KeyRingDep, _caller: MaybePrincipal, form: FormData):
    number, phone = form.get("number", ""), form.get("phone", "")
    try:
        rating = tickets.rate(
            session,
            keys,
            number=number,
            phone=phone,
            stars=int(form.get("stars", "0") or 0),
            comment=form.get("comment", ""),
        )
        feed_rating(request, session, rating)
    except AnxinError as exc:
        session.rollback()
        return _track(request, session, keys, number, phone, error=exc.localized(get_locale(request)))
    return _track(request, session, keys, number, phone, rated_now=True)


@router.get("/tickets/new")
def intake_form(request: Request, session: SessionDep, caller: TicketCreator):
    return _form_page(
        request, session, "intake.html", brand_id=caller.brand_id, values={"brand_id": str(caller.brand_id or "")}
    )


@router.get("/tickets/caller")
def returning_caller(request: Request, session: SessionDep, keys: KeyRingDep, caller: TicketCreator, phone: str = ""):
    """Htmx fragment under the phone field: is this a returning customer, and what is open for them?"""
    found, error, open_tickets = None, None, []
    if phone.strip() and caller.brand_id is not None:
        try:
            found = customers.find_customer(session, keys, brand_id=caller.brand_id, phone=phone)
        except AnxinError as exc:
            error = exc.localized(get_locale(request))
        if found is not None:
            open_tickets = tickets.open_tickets_of(session, customer_id=found.id)
    context = {
        "customer": found,
        "name": customers.masked_name(keys, found) if found else None,
        "promise": members.promise_for(session, found) if found else None,  # what this call will be promised
        "tier": members.tier_name(session, found.member_tier_id) if found else None,
        "error": error,
        "open_tickets": open_tickets,
        **_labels(),
    }
    return render(request, "caller.html", context)


@router.post("/tickets/new")
def intake_submit(
    request: Request,
    session: SessionDep,
    keys: KeyRingDep,
    settings: SettingsDep,
    caller: TicketCreator,
    form: FormData,
    photos: list[UploadFile] = File(default=[]),
):
    try:
        ticket, duplicate = tickets.create_ticket(
            session, keys, request=_validate(form), channel="phone", actor=caller,
            photos=stored_photos(settings.data_dir, photos),
        )  # fmt: skip
        feed_ticket(request, session, ticket)
    except (ValidationError, AnxinError) as exc:
        session.rollback()
        errors, message = field_errors(request, exc)
        return _form_page(
            request,
            session,
            "intake.html",
            values=form,
            errors=errors,
            message=message,
            status=422,
            brand_id=caller.brand_id,
        )
    suffix = f"?duplicate={duplicate}" if duplicate else ""
    return RedirectResponse(f"/tickets/{ticket.id}{suffix}", status_code=303)


@router.get("/tickets")
def board(request: Request, session: SessionDep, keys: KeyRingDep, caller: TicketReader, status: str = ""):
    chosen = Status(status) if status in Status.__members__ else None
    found = tickets.list_tickets(session, viewer=caller, status=chosen)
    moments = tickets.clock_moments(session, found)
    now = utcnow()
    rows = [
        (
            tickets.to_read(session, keys, t),
            sla.response_sla(t.created_at, moments[t.id].dispatched, now, t.response_minutes, moments[t.id].pauses),
        )
        for t in found
    ]
    context = {"rows": rows, "status": status, "statuses": list(Status), **_labels()}
    return render(request, "tickets.html", context)


@router.get("/tickets/{ticket_id}")
def ticket_page(
    request: Request,
    ticket_id: int,
    session: SessionDep,
    keys: KeyRingDep,
    caller: TicketReader,
    duplicate: int | None = None,
    error: str | None = None,
):
    ticket = tickets.get_ticket(session, ticket_id=ticket_id, viewer=caller)
    moments = tickets.clock_moments(session, [ticket])[ticket.id]
    now = utcnow()
    context = {
        "ticket": tickets.to_read(session, keys, ticket),
        "response": sla.response_sla(
            moments.received, moments.dispatched, now, ticket.response_minutes, moments.pauses
        ),
        "arrival": sla.arrival_sla(
            moments, now, ticket.arrival_minutes, sla.arrival_calendar(session, ticket.technician_id)
        ),
        "paused": moments.paused,
        "pause_reasons": tickets.PAUSE_REASONS,
        "can_pause": caller.may(Permission.tickets_update) and ticket.status in OPEN,
        "history": tickets.history(session, ticket_id=ticket.id),
        "next": sorted(TRANSITIONS[Status(ticket.status)]),
        "can_update": caller.may(Permission.tickets_update),
        "duplicate": tickets.get_ticket(session, ticket_id=duplicate, viewer=caller) if duplicate else None,
        "error": error,
        **_labels(),
    }
    return render(request, "ticket.html", context, status=409 if error else 200)


@router.get("/tickets/{ticket_id}/photos/{index}")
def ticket_photo(ticket_id: int, index: int, session: SessionDep, settings: SettingsDep, caller: TicketReader):
    """One of the photos the customer sent with the request (re-encoded at upload, no metadata)."""
    return attached_photo(
        settings.data_dir, tickets.get_ticket(session, ticket_id=ticket_id, viewer=caller).photos, index
    )


@router.post("/tickets/{ticket_id}/moves")
def move_from_form(
    request: Request, ticket_id: int, session: SessionDep, keys: KeyRingDep, caller: TicketUpdater, form: FormData
):
    try:
        tickets.move(
            session,
            ticket_id=ticket_id,
            to=Status(form.get("status", "")),
            version=int(form.get("version", 0)),
            note=form.get("note", ""),
            actor=caller,
        )
    except (ValueError, AnxinError) as exc:
        session.rollback()
        message = exc.localized(get_locale(request)) if isinstance(exc, AnxinError) else str(exc)
        return ticket_page(request, ticket_id, session, keys, caller, error=message)
    return RedirectResponse(f"/tickets/{ticket_id}", status_code=303)


@router.post("/tickets/{ticket_id}/clock")
def pause_or_resume(
    request: Request, ticket_id: int, session: SessionDep, keys: KeyRingDep, caller: TicketUpdater, form: FormData
):
    """Staff stop the ticket's promise clock with a reason, or restart it; both are recorded as ticket events."""
    common = {"ticket_id": ticket_id, "version": int(form.get("version", 0) or 0), "actor": caller}
    try:
        if form.get("action") == "resume":
            tickets.resume_clock(session, **common)
        else:
            tickets.pause_clock(session, reason=form.get("reason", ""), **common)
    except AnxinError as exc:
        session.rollback()
        return ticket_page(request, ticket_id, session, keys, caller, error=exc.localized(get_locale(request)))
    return RedirectResponse(f"/tickets/{ticket_id}", status_code=303)


@router.post("/tickets/{ticket_id}/merge")
def merge_from_form(ticket_id: int, session: SessionDep, caller: TicketUpdater, form: FormData):
    target = int(form.get("into", "0") or 0)
    tickets.merge_into(session, ticket_id=ticket_id, target_id=target, actor=caller)
    return RedirectResponse(f"/tickets/{target}", status_code=303)
