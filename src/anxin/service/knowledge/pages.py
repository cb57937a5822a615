"""Case library pages: the search page agents use on the phone, an article, and the write-up form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from anxin.api.deps import KeyRingDep, SessionDep, get_locale
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import Permission
from anxin.clocks.zones import CHINA
from anxin.errors import AnxinError
from anxin.service.knowledge import service as library
from anxin.service.knowledge.schemas import ArticleWrite
from anxin.service.tickets.schemas import FAULT_LABELS, Fault
from anxin.web.forms import FormData, field_errors
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

Reader = Annotated[auth.Principal, Depends(Allow(Permission.library_read))]
Writer = Annotated[auth.Principal, Depends(Allow(Permission.library_write))]
FIELDS = ("ticket_number", "title", "symptom", "cause", "fix", "parts")


@router.get("/library")
def search_page(
    request: Request,
    session: SessionDep,
    caller: Reader,
    q: str = "",
    lock_model: str = "",
    fault: str = "",
    page: int = 1,
):
    """One box, Chinese or English; filters narrow by model and fault. An empty box shows the newest write-ups."""
    results, error = None, None
    chosen_fault = fault if fault in Fault.__members__ else ""
    if q.strip():
        try:
            results = library.search_articles(
                session,
                query=q,
                viewer=caller,
                lock_model=lock_model or None,
                fault=chosen_fault or None,
                page=max(1, page),
            )
        except AnxinError as exc:
            error = exc.localized(get_locale(request))
    context = {
        "q": q,
        "lock_model": lock_model,
        "fault": chosen_fault,
        "results": results,
        "error": error,
        "recent": [] if q.strip() else library.recent(session, viewer=caller),
        "models": library.models_in_library(session, viewer=caller),
        "faults": list(Fault),
        "fault_labels": FAULT_LABELS,
        "can_write": caller.may(Permission.library_write),
        "china": CHINA,
    }
    return render(request, "library_search.html", context, status=422 if error else 200)


def _form(
    request: Request,
    session: SessionDep,
    caller: auth.Principal,
    *,
    values: dict[str, str],
    article_id: int | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = 200,
):
    ticket = None
    if article_id is None and values.get("ticket_number"):
        try:
            ticket = library.writable_ticket(session, number=values["ticket_number"], actor=caller)
        except AnxinError as exc:
            errors = {"ticket_number": exc.localized(get_locale(request)), **(errors or {})}
            status = status if status != 200 else exc.status
    context = {
        "values": values,
        "errors": errors or {},
        "message": message,
        "ticket": ticket,
        "article_id": article_id,
        "open_tickets": library.open_write_ups(session, actor=caller) if article_id is None else [],
        "fault_labels": FAULT_LABELS,
    }
    return render(request, "library_form.html", context, status=status)


@router.get("/library/new")
def new_form(request: Request, session: SessionDep, caller: Writer, ticket: str = ""):
    """The write-up form, for ``?ticket=NUMBER`` or picked from the caller's completed repairs."""
    return _form(request, session, caller, values={"ticket_number": ticket.strip()})


@router.post("/library/new")
def new_submit(request: Request, session: SessionDep, keys: KeyRingDep, caller: Writer, form: FormData):
    values = {k: form.get(k, "") for k in FIELDS}
    try:
        article = library.write_up(session, keys, body=ArticleWrite.model_validate(values), actor=caller)
    except (ValidationError, AnxinError) as exc:
        session.rollback()
        errors, message = field_errors(request, exc)
        return _form(request, session, caller, values=values, errors=errors, message=message, status=422)
    return RedirectResponse(f"/library/{article.id}", status_code=303)


@router.get("/library/{article_id}")
def article_page(request: Request, article_id: int, session: SessionDep, caller: Reader, q: str = ""):
    article = library.get_article(session, article_id=article_id, viewer=caller)
    context = {
        "article": article,
        "q": q,
        "fault_labels": FAULT_LABELS,
        "can_edit": caller.may(Permission.library_write) and library.can_edit(article, caller),
        "can_see_ticket": caller.may(Permission.tickets_read),
        "china": CHINA,
    }
    return render(request, "library_article.html", context)


@router.get("/library/{article_id}/edit")
def edit_form(request: Request, article_id: int, session: SessionDep, caller: Writer):
    article = library.get_article(session, article_id=article_id, viewer=caller)
    values = {k: getattr(article, k) for k in FIELDS}
    return _form(request, session, caller, values=values, article_id=article.id)


@router.post("/library/{article_id}/edit")
def edit_submit(
    request: Request, article_id: int, session: SessionDep, keys: KeyRingDep, caller: Writer, form: FormData
):
    article = library.get_article(session, article_id=article_id, viewer=caller)
    values = {k: form.get(k, "") for k in FIELDS} | {"ticket_number": article.ticket_number}
    try:
        library.edit(session, keys, article_id=article_id, body=ArticleWrite.model_validate(values), actor=caller)
    except (ValidationError, AnxinError) as exc:
        session.rollback()
        errors, message = field_errors(request, exc)
        return _form(
            request, session, caller, values=values, article_id=article_id, errors=errors, message=message, status=422
        )
    return RedirectResponse(f"/library/{article_id}", status_code=303)


@router.post("/library/{article_id}/delete")
def delete_submit(article_id: int, session: SessionDep, caller: Writer):
    library.delete(session, article_id=article_id, actor=caller)
    return RedirectResponse("/library", status_code=303)
