"""The technician's job page (start page, phone-first) and the visit record the customer and the brand see.

The job page works without a network for a while: ``static/js/offline-steps.js``
keeps each step in the phone's storage with its idempotency key and sends the
steps in order when the network is back; this module answers those steps in
JSON, and plain form posts (no JavaScript) with the page again.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse

from anxin.api.deps import KeyRingDep, SessionDep, SettingsDep
from anxin.api.ratelimit import rate_limited
from anxin.auth import service as auth
from anxin.auth.guard import Allow, MaybePrincipal
from anxin.auth.permissions import ROLE_LABELS, Permission, Role
from anxin.clocks.zones import CHINA
from anxin.errors import AnxinError, InvalidInput
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import LABELS, Status
from anxin.service.tickets.models import Ticket
from anxin.service.tickets.routes import TRACKS_PER_MINUTE
from anxin.service.tickets.schemas import FAULT_LABELS
from anxin.service.visits import service as visits
from anxin.text import N_
from anxin.uploads.responses import attached_photo
from anxin.uploads.store import MAX_UPLOAD_BYTES, StoredFile, store_upload, stored_path
from anxin.web.forms import FormData, field_errors
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

STEP_LABELS = {
    Status.accepted: N_("Accept"),
    Status.en_route: N_("Leave now"),
    Status.on_site: N_("Check in on site"),
    Status.completed: N_("Done"),
}
PHOTO_LABELS = {"fault": N_("Photo of the fault"), "done": N_("Photo of the finished work")}
NEXT_STEP = {
    "dispatched": Status.accepted,
    "accepted": Status.en_route,
    "en_route": Status.on_site,
    "on_site": Status.on_site,  # marked on site by the dispatcher: the technician still checks in
}
Worker = Annotated[auth.Principal, Depends(Allow(Permission.jobs_work))]
TicketReader = Annotated[auth.Principal, Depends(Allow(Permission.tickets_read))]


def _visit_context(session: SessionDep, keys: KeyRingDep, ticket: Ticket) -> dict[str, object]:
    """The visit record with a short-lived link to each photo and the signature, for a viewer already checked."""
    view = visits.visit_view(session, ticket)
    files = [*view.photos, *([view.signature] if view.signature else [])]
    return {
        "visit": view,
        "links": {f.id: visits.file_link(keys, f.id) for f in files},
        "photo_labels": PHOTO_LABELS,
        "china": CHINA,
    }


def _page(
    request: Request,
    session: SessionDep,
    keys: KeyRingDep,
    caller: auth.Principal,
    *,
    contact: tuple[int, visits.Contact] | None = None,
    error: tuple[int, str, dict[str, str]] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
):
    jobs = visits.my_jobs(session, actor=caller)
    records = {row.id: _visit_context(session, keys, row) for row in jobs if row.status == "on_site"}
    checked_in = {row_id for row_id, record in records.items() if record["visit"].checked_in_at is not None}
    context = {
        "jobs": [(row, tickets.to_read(session, keys, row)) for row in jobs],
        "records": records,
        "next_step": {row.id: NEXT_STEP.get(row.status) for row in jobs if row.id not in checked_in},
        "can_reveal": visits.REVEAL_WHILE,
        "contact": contact,
        "error": error,
        "values": values or {},
        "new_key": lambda: uuid.uuid4().hex,  # a plain form post's idempotency key; the script makes its own
        "status_labels": LABELS,
        "fault_labels": FAULT_LABELS,
        "photo_labels": PHOTO_LABELS,
        "title": ROLE_LABELS[Role.technician],
        "linked": visits.linked_technician(session, caller) is not None,
        "china": CHINA,
        "step_labels": STEP_LABELS,
    }
    return render(request, "jobs.html", context, status=status)


@router.get("/tech")
def job_page(request: Request, session: SessionDep, keys: KeyRingDep, caller: Worker):
    return _page(request, session, keys, caller)


def _int(form: dict[str, str], field: str, message_zh: str) -> int:
    try:
        return int(form.get(field, "").strip())
    except ValueError:
        raise InvalidInput(f"{field} must be a whole number", message_zh=message_zh, detail={"field": field}) from None


def _float(text: str) -> float | None:
    try:
        return float(text) if text.strip() else None
    except ValueError:
        return None


def _apply(
    session: SessionDep,
    keys: KeyRingDep,
    *,
    ticket_id: int,
    form: dict[str, str],
    upload: StoredFile | None,
    caller: auth.Principal,
) -> visits.StepOutcome:
    """Run the step the form names; the upload (photo or signature) passes the upload store's checks first."""
    kind, key = form.get("kind", ""), form.get("step_key", "")
    common = {"ticket_id": ticket_id, "key": key, "actor": caller}
    if kind in (Status.accepted, Status.en_route):
        return visits.move_job(session, to=Status(kind), **common)
    if kind == "check_in":
        position = visits.Position(
            latitude=_float(form.get("latitude", "")),
            longitude=_float(form.get("longitude", "")),
            accuracy_m=_float(form.get("accuracy", "")),
            note=form.get("note", ""),
        )
        return visits.check_in(session, keys, position=position, **common)
    if kind == "part":
        line = visits.PartLine(
            name=form.get("name", ""),
            code=form.get("code", ""),
            quantity=_int(form, "quantity", "数量须为整数"),
            unit_price_fen=visits.fen_from_yuan(form.get("unit_price", ""), field="unit_price"),
        )
        return visits.save_part(session, part_key=form.get("part_key", ""), line=line, **common)
    if kind == "part_removed":
        return visits.remove_part(session, part_key=form.get("part_key", ""), **common)
    if kind == "photo":
        if upload is None:
            raise InvalidInput("choose a photo", message_zh="请选择照片", detail={"field": "file"})
        return visits.add_photo(session, kind=form.get("photo_kind", ""), file=upload, **common)
    if kind == "complete":
        return visits.complete(session, summary=form.get("summary", ""), signature=upload, **common)
    raise InvalidInput(f"unknown step {kind!r}", message_zh="未知的操作")


@router.post("/tech/jobs/{ticket_id}/steps")
def step(
    request: Request,
    ticket_id: int,
    session: SessionDep,
    keys: KeyRingDep,
    settings: SettingsDep,
    caller: Worker,
    form: FormData,
    file: UploadFile | None = File(default=None),
):
    """One step of a job. The phone's script asks for JSON (errors come back in the error envelope)."""
    wants_json = "application/json" in request.headers.get("accept", "")
    try:
        data = file.file.read(MAX_UPLOAD_BYTES + 1) if file is not None and file.filename else b""
        upload = store_upload(data, root=settings.data_dir) if data else None
        outcome = _apply(session, keys, ticket_id=ticket_id, form=form, upload=upload, caller=caller)
    except AnxinError as exc:
        if wants_json:
            raise
        session.rollback()
        errors, message = field_errors(request, exc)
        return _page(request, session, keys, caller, error=(ticket_id, message, errors), values=form, status=exc.status)
    if wants_json:
        return JSONResponse({"kind": outcome.kind, "status": outcome.status, "replayed": outcome.replayed})
    return RedirectResponse("/tech", status_code=303)


@router.post("/tech/jobs/{ticket_id}/contact")
def show_contact(request: Request, ticket_id: int, session: SessionDep, keys: KeyRingDep, caller: Worker):
    """A POST because it writes the reveal log; the full contact shows on this response only."""
    contact = visits.contact_for_visit(session, keys, ticket_id=ticket_id, actor=caller)
    return _page(request, session, keys, caller, contact=(ticket_id, contact))


@router.get("/tickets/{ticket_id}/visit")
def visit_for_staff(request: Request, ticket_id: int, session: SessionDep, keys: KeyRingDep, caller: TicketReader):
    """Htmx fragment on the ticket page: the visit record of a ticket of the viewer's brand."""
    ticket = tickets.get_ticket(session, ticket_id=ticket_id, viewer=caller)
    return render(request, "visit_record.html", _visit_context(session, keys, ticket))


@router.get("/track/visit", dependencies=[Depends(rate_limited("track", limit=TRACKS_PER_MINUTE))])
def visit_for_customer(
    request: Request, session: SessionDep, keys: KeyRingDep, _caller: MaybePrincipal, number: str = "", phone: str = ""
):
    """Htmx fragment on the tracking page: the same record for whoever holds the ticket number and the phone."""
    ticket = tickets.tracked_ticket(session, keys, number=number, phone=phone)
    return render(request, "visit_record.html", _visit_context(session, keys, ticket))


@router.get("/tech/jobs/{ticket_id}/photos/{index}")
def request_photo(ticket_id: int, index: int, session: SessionDep, settings: SettingsDep, caller: Worker):
    """A photo the customer sent with the request, for the technician whose job it is: the fault before the visit."""
    return attached_photo(settings.data_dir, visits.own_job(session, ticket_id, caller).photos, index)


@router.get("/visits/files/{file_id}")
def visit_file(file_id: int, session: SessionDep, keys: KeyRingDep, settings: SettingsDep, _caller: MaybePrincipal,
               t: str = ""):  # fmt: skip
    """A photo or signature through a link the record page handed out after checking the viewer."""
    found = visits.open_file_link(session, keys, file_id=file_id, token=t)
    path = stored_path(settings.data_dir, found.sha256, found.content_type)
    return FileResponse(path, media_type=found.content_type, headers={"Cache-Control": "private, max-age=3600"})
