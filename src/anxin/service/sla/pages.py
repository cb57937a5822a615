"""The brand admin's page of service promises (服务承诺): standard response and arrival minutes, when to warn.

A refused field is answered next to itself with what was typed kept.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from anxin.api.deps import SessionDep
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import Permission
from anxin.clocks.holidays import MAKEUP_WORKDAYS, PUBLIC_HOLIDAYS
from anxin.errors import AnxinError, InvalidInput
from anxin.service.sla import service as sla
from anxin.web.forms import FormData, field_errors
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

PolicyManager = Annotated[auth.Principal, Depends(Allow(Permission.sla_manage))]
PAGE = "/brand/sla"
NUMBER_LABELS_ZH = {"response_minutes": "响应承诺", "arrival_minutes": "上门承诺", "warn_percent": "预警比例"}


def _page(request: Request, session: SessionDep, caller: auth.Principal, *, values=None, errors=None, message=None,
          status: int = 200):  # fmt: skip
    terms = sla.policy_for(session, caller.brand_id) if caller.brand_id is not None else sla.STANDARD_TERMS
    context = {
        "terms": terms,
        "values": values or {},
        "errors": errors or {},
        "message": message,
        "holidays": sorted(PUBLIC_HOLIDAYS),
        "makeup_days": sorted(MAKEUP_WORKDAYS),
        "limits": sla.LIMITS,
    }
    return render(request, "sla_policy.html", context, status=status)


def _terms(form: dict[str, str]) -> sla.Terms:
    numbers = {}
    for field, label_zh in NUMBER_LABELS_ZH.items():
        text = form.get(field, "").strip()
        if not text.isdigit():
            raise InvalidInput(
                f"{field.replace('_', ' ')} must be a whole number",
                message_zh=f"{label_zh}须为整数",
                detail={"field": field},
            )
        numbers[field] = int(text)
    return sla.Terms(**numbers)


@router.get(PAGE)
def policy_page(request: Request, session: SessionDep, caller: PolicyManager):
    return _page(request, session, caller)


@router.post(PAGE)
def save_policy(request: Request, session: SessionDep, caller: PolicyManager, form: FormData):
    try:
        sla.set_policy(session, actor=caller, terms=_terms(form))
    except AnxinError as exc:
        session.rollback()
        errors, message = field_errors(request, exc)
        return _page(request, session, caller, values=form, errors=errors, message=message, status=exc.status)
    return RedirectResponse(PAGE, status_code=303)
