"""Credit pages: the public credit of a shop or technician, and the analysts' penalties and appeals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from anxin.api.deps import SessionDep, get_locale
from anxin.auth import service as auth
from anxin.auth.guard import Allow, MaybePrincipal
from anxin.auth.permissions import Permission
from anxin.errors import AnxinError
from anxin.integrity.credit import service as credit
from anxin.integrity.server.live import publish_list, runtime_of
from anxin.text import N_
from anxin.web.forms import FormData
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

PenaltyManager = Annotated[auth.Principal, Depends(Allow(Permission.penalties_manage))]
LEVEL_LABELS = {"A": N_("excellent"), "B": N_("good"), "C": N_("fair"), "D": N_("poor"), "E": N_("bad")}
PENALTY_LABELS = {
    "warning": N_("warning"),
    "demotion": N_("ranking demotion"),
    "suspension": N_("listing suspension"),
    "cashback_block": N_("cashback channel blocked"),
}
PENALTY_STATUS = {
    "active": N_("in force"),
    "appealed": N_("appealed"),
    "upheld": N_("upheld"),
    "overturned": N_("overturned"),
}


@router.get("/credit/{kind}/{subject_id}")
def credit_page(request: Request, kind: str, subject_id: str, session: SessionDep, _caller: MaybePrincipal):
    """What a consumer sees before buying or booking: level, score and the public reasons."""
    try:
        result = credit.credit(session, kind=kind, subject_id=subject_id)
    except AnxinError as err:
        return render(request, "credit.html", {"error": err.localized(get_locale(request))}, status=err.status)
    context = {
        "kind": kind,
        "subject_id": subject_id,
        "result": result,
        "reasons": result.public_reasons(),
        "level_labels": LEVEL_LABELS,
        "error": None,
    }
    return render(request, "credit.html", context)


def _penalties_context(session, **extra):
    return {
        "penalties": credit.penalties(session),
        "penalty_labels": PENALTY_LABELS,
        "status_labels": PENALTY_STATUS,
        "error": None,
        **extra,
    }


@router.get("/risk/penalties")
def penalties_page(request: Request, session: SessionDep, _caller: PenaltyManager):
    return render(request, "risk_penalties.html", _penalties_context(session))


@router.post("/risk/penalties")
def penalties_action(request: Request, session: SessionDep, caller: PenaltyManager, form: FormData):
    """Impose a penalty, record an appeal or an inspection, or decide an appeal — whichever the form carries."""
    op = form.get("op", "")
    try:
        if op == "inspect":
            credit.inspect(
                session, kind=form.get("subject_kind", ""), subject_id=form.get("subject_id", ""),
                sample=form.get("sample", ""), passed=form.get("result") == "pass", evidence=form.get("evidence", ""),
                actor=caller,
            )  # fmt: skip
            return RedirectResponse("/risk/penalties", status_code=303)
        if op == "impose":
            penalty = credit.impose(
                session, kind=form.get("subject_kind", ""), subject_id=form.get("subject_id", ""),
                level=form.get("level", ""), reason=form.get("reason", ""), actor=caller,
            )  # fmt: skip
        elif op == "appeal":
            penalty = credit.appeal(session, int(form.get("penalty_id", "0")), text=form.get("text", ""), actor=caller)
        else:
            penalty = credit.decide_appeal(
                session, int(form.get("penalty_id", "0")), overturn=op == "overturn", note=form.get("text", ""),
                actor=caller,
            )  # fmt: skip
    except AnxinError as err:
        session.rollback()
        context = _penalties_context(session, error=err.localized(get_locale(request)))
        return render(request, "risk_penalties.html", context, status=err.status)
    if penalty.level in credit.LEVEL_LISTS:
        publish_list(session, runtime_of(request), credit.LEVEL_LISTS[penalty.level].format(kind=penalty.subject_kind))
    return RedirectResponse("/risk/penalties", status_code=303)
