"""The brand admin's membership page (会员管理): tiers and their privileges, members found by phone number.

Each form answers a bad field in place, next to that field, with what was typed kept.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from anxin.api.deps import KeyRingDep, SessionDep
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import Permission
from anxin.errors import AnxinError, InvalidInput
from anxin.service.members import service as members
from anxin.service.members.schemas import TierWrite
from anxin.service.sla import service as sla
from anxin.web.forms import FormData, field_errors
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

MemberManager = Annotated[auth.Principal, Depends(Allow(Permission.members_manage))]
PAGE = "/brand/members"
WHOLE_NUMBERS = {"rank": "等级序号", "response_minutes": "响应承诺", "discount_percent": "折扣"}


def _page(
    request: Request,
    session: SessionDep,
    keys: KeyRingDep,
    caller: auth.Principal,
    *,
    failed: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = 200,
):
    """``failed`` names the form that was refused ("new", a tier id, "assign"); it shows ``values`` and ``errors``."""
    context = {
        "tiers": members.list_tiers(session, viewer=caller),
        "counts": members.member_counts(session, viewer=caller),
        "members": members.members_of(session, keys, viewer=caller),
        "standard_minutes": sla.policy_for(session, caller.brand_id).response_minutes,  # members are a brand's
        "failed": failed,
        "values": values or {},
        "errors": errors or {},
        "message": message,
    }
    return render(request, "members.html", context, status=status)


def _terms(form: dict[str, str]) -> TierWrite:
    """The tier form as terms; a number field that is not a whole number is refused by name."""
    numbers = {}
    for field, label_zh in WHOLE_NUMBERS.items():
        text = form.get(field, "").strip()
        if not text.isdigit():
            raise InvalidInput(
                f"{field.replace('_', ' ')} must be a whole number",
                message_zh=f"{label_zh}须为整数",
                detail={"field": field},
            )
        numbers[field] = int(text)
    return TierWrite(
        name=form.get("name", "").strip(), priority_dispatch=form.get("priority_dispatch") == "on", **numbers
    )


def _refused(request, session, keys, caller, exc: AnxinError, *, failed: str, values: dict[str, str]):
    session.rollback()
    errors, message = field_errors(request, exc)
    return _page(
        request, session, keys, caller, failed=failed, values=values, errors=errors, message=message, status=exc.status
    )


@router.get(PAGE)
def members_page(request: Request, session: SessionDep, keys: KeyRingDep, caller: MemberManager):
    return _page(request, session, keys, caller)


@router.post(f"{PAGE}/tiers")
def add_tier(request: Request, session: SessionDep, keys: KeyRingDep, caller: MemberManager, form: FormData):
    try:
        members.create_tier(session, actor=caller, terms=_terms(form))
    except AnxinError as exc:
        return _refused(request, session, keys, caller, exc, failed="new", values=form)
    return RedirectResponse(PAGE, status_code=303)


@router.post(f"{PAGE}/tiers/{{tier_id}}")
def edit_tier(
    request: Request, tier_id: int, session: SessionDep, keys: KeyRingDep, caller: MemberManager, form: FormData
):
    try:
        members.edit_tier(session, actor=caller, tier_id=tier_id, terms=_terms(form))
    except AnxinError as exc:
        return _refused(request, session, keys, caller, exc, failed=str(tier_id), values=form)
    return RedirectResponse(PAGE, status_code=303)


@router.post(f"{PAGE}/assign")
def assign_member(request: Request, session: SessionDep, keys: KeyRingDep, caller: MemberManager, form: FormData):
    tier = form.get("tier_id", "")
    try:
        members.assign(
            session,
            keys,
            actor=caller,
            phone=form.get("phone", ""),
            name=form.get("name", ""),
            tier_id=int(tier) if tier.isdigit() else None,
        )
    except AnxinError as exc:
        return _refused(request, session, keys, caller, exc, failed="assign", values=form)
    return RedirectResponse(PAGE, status_code=303)
