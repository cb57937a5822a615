"""Hotline pages: the public number check (with a fake-number report form) and the registry console."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse
from pydantic import ValidationError

from anxin.api.deps import SessionDep, SettingsDep, get_locale
from anxin.api.ratelimit import rate_limited
from anxin.auth import service as auth
from anxin.auth import tenancy
from anxin.auth.guard import Allow, MaybePrincipal
from anxin.auth.permissions import Permission, Role
from anxin.errors import AnxinError, NotFound
from anxin.hotline import scans
from anxin.hotline import service as hotlines
from anxin.hotline.routes import CHECKS_PER_MINUTE, REPORTS_PER_MINUTE
from anxin.hotline.schemas import EvidenceIn, EvidenceKind, HotlineStatus, ReportCreate
from anxin.text import N_
from anxin.uploads.store import MAX_UPLOAD_BYTES, store_upload, stored_path
from anxin.web.forms import FormData
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

HotlineReader = Annotated[auth.Principal, Depends(Allow(Permission.hotlines_read))]
HotlineRegistrar = Annotated[auth.Principal, Depends(Allow(Permission.hotlines_register))]
HotlineReviewer = Annotated[auth.Principal, Depends(Allow(Permission.hotlines_review))]
ScanReviewer = Annotated[auth.Principal, Depends(Allow(Permission.scans_review))]

STATUS_LABELS = {
    "pending": N_("pending review"),
    "verified": N_("verified"),
    "rejected": N_("rejected"),
    "revoked": N_("revoked"),
}
REVIEW_LABELS = {"new": N_("to review"), "confirmed": N_("confirmed"), "dismissed": N_("dismissed")}
VERDICT_LABELS = {"impersonation": N_("impersonation"), "suspicious": N_("suspicious"), "clean": N_("clean")}
EVIDENCE_LABELS = {
    "official_site": N_("official website page"),
    "manual_photo": N_("photo of the product manual"),
    "business_licence": N_("business licence"),
    "carrier_contract": N_("carrier contract for the number"),
}


@router.get("/hotline", dependencies=[Depends(rate_limited("hotline-check-page", limit=CHECKS_PER_MINUTE))])
def check_page(request: Request, session: SessionDep, _caller: MaybePrincipal, number: str = "", brand: str = ""):
    result, error = None, None
    if number.strip():
        try:
            result = hotlines.check_number(session, number=number, brand=brand.strip() or None)
        except AnxinError as exc:
            error = exc.localized(get_locale(request))
    context = {"number": number, "brand": brand, "result": result, "error": error, "reported": False}
    return render(request, "hotline_check.html", context, status=422 if error else 200)


@router.post("/hotline/report", dependencies=[Depends(rate_limited("hotline-report", limit=REPORTS_PER_MINUTE))])
def report_page(request: Request, session: SessionDep, caller: MaybePrincipal, form: FormData):
    try:
        body = ReportCreate.model_validate({k: v for k, v in form.items() if k != "csrf_token" and v.strip()})
        hotlines.report_fake(
            session,
            number=body.number,
            claimed_brand=body.claimed_brand,
            source_url=str(body.source_url) if body.source_url else None,
            note=body.note,
            reporter=caller,
        )
    except (ValidationError, AnxinError) as exc:
        message = exc.localized(get_locale(request)) if isinstance(exc, AnxinError) else _first_error(exc)
        context = {"number": form.get("number", ""), "brand": form.get("claimed_brand", ""), "result": None}
        return render(request, "hotline_check.html", {**context, "error": message, "reported": False}, status=422)
    result = hotlines.check_number(session, number=body.number, brand=body.claimed_brand or None)
    context = {"number": body.number, "brand": body.claimed_brand, "result": result, "error": None, "reported": True}
    return render(request, "hotline_check.html", context)


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"


def _registry_page(
    request: Request,
    session: SessionDep,
    caller: auth.Principal,
    *,
    error: str | None = None,
    status: int = 200,
    values: dict[str, str] | None = None,
):
    rows = hotlines.list_hotlines(session, viewer=caller)
    brands = {b.id: b for b in tenancy.list_brands(session)}
    context = {
        "rows": rows,
        "brands": brands,
        "evidence": {row.id: hotlines.evidence_of(session, hotline_id=row.id) for row in rows},
        "can_register": caller.may(Permission.hotlines_register),
        "can_review": caller.may(Permission.hotlines_review),
        "status_labels": STATUS_LABELS,
        "evidence_labels": EVIDENCE_LABELS,
        "evidence_kinds": [k.value for k in EvidenceKind],
        "transitions": {k: sorted(v) for k, v in hotlines.TRANSITIONS.items()},
        "error": error,
        "is_brand_admin": caller.role is Role.brand_admin,
        "values": values or {},
    }
    return render(request, "hotline_registry.html", context, status=status)


@router.get("/hotline/registry")
def registry_page(request: Request, session: SessionDep, caller: HotlineReader):
    return _registry_page(request, session, caller)


@router.post("/hotline/registry")
def register_from_form(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    caller: HotlineRegistrar,
    form: FormData,
    evidence_file: UploadFile | None = File(None),
):
    try:
        stored = None
        if evidence_file is not None and evidence_file.filename:
            stored = store_upload(evidence_file.file.read(MAX_UPLOAD_BYTES + 1), root=settings.data_dir)
        evidence = [
            EvidenceIn.model_validate(
                {
                    "kind": form.get("evidence_kind"),
                    "url": form.get("evidence_url") or None,
                    "description": form.get("evidence_description", ""),
                }
            )
        ]
        hotlines.register_hotline(session, number=form.get("number", ""), evidence=evidence, actor=caller, file=stored)
    except (ValidationError, AnxinError) as exc:
        session.rollback()
        message = exc.localized(get_locale(request)) if isinstance(exc, AnxinError) else _first_error(exc)
        return _registry_page(request, session, caller, error=message, status=422, values=form)
    return RedirectResponse("/hotline/registry", status_code=303)


@router.post("/hotline/registry/{hotline_id}/decision")
def decide_from_form(request: Request, hotline_id: int, session: SessionDep, caller: HotlineReviewer, form: FormData):
    try:
        status = HotlineStatus(form.get("status", ""))
        hotlines.decide(session, hotline_id=hotline_id, status=status, note=form.get("note", ""), actor=caller)
    except ValueError:
        return _registry_page(request, session, caller, error=f"unknown status {form.get('status')!r}", status=422)
    except AnxinError as exc:
        session.rollback()
        return _registry_page(request, session, caller, error=exc.localized(get_locale(request)), status=exc.status)
    return RedirectResponse("/hotline/registry", status_code=303)


@router.get("/hotline/scans")
def scans_page(request: Request, session: SessionDep, _caller: ScanReviewer, review: str = "new"):
    """Stored scanner results, most suspicious first; confirming one reports its numbers as fake."""
    if review not in scans.REVIEWS:
        review = "new"
    context = {
        "pages": scans.list_scanned(session, review=review),
        "review": review,
        "reviews": scans.REVIEWS,
        "review_labels": REVIEW_LABELS,
        "verdict_labels": VERDICT_LABELS,
    }
    return render(request, "hotline_scans.html", context)


@router.post("/hotline/scans/{page_id}/review")
def review_scanned(request: Request, page_id: int, session: SessionDep, caller: ScanReviewer, form: FormData):
    scans.review_page(session, page_id=page_id, confirm=form.get("decision") == "confirm", actor=caller)
    return RedirectResponse("/hotline/scans", status_code=303)


@router.get("/hotline/evidence/{evidence_id}/file")
def evidence_file(evidence_id: int, session: SessionDep, settings: SettingsDep, caller: HotlineReader):
    """The uploaded evidence file, for people who may see the registration (never public)."""
    item = hotlines.get_evidence(session, evidence_id=evidence_id, viewer=caller)
    if item.file_sha256 is None or item.file_type is None:
        raise NotFound("this evidence has no file", message_zh="该证明材料没有附件")
    return FileResponse(stored_path(settings.data_dir, item.file_sha256, item.file_type), media_type=item.file_type)
