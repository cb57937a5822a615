"""The escalation list (/escalations): a dispatcher's warnings and breaches, the brand admin's breach records.

Loading it runs the check for the viewer's brand first, so what it shows is current as of the request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from anxin.api.deps import SessionDep
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import Permission
from anxin.service.escalations import service as escalations
from anxin.service.tickets.lifecycle import LABELS
from anxin.store.base import utcnow
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

Notified = Annotated[auth.Principal, Depends(Allow(Permission.page_dispatch))]


def labels() -> dict[str, object]:
    """What the escalation list template needs to name clocks, steps and ticket states."""
    return {
        "clock_labels": escalations.CLOCK_LABELS,
        "step_labels": escalations.STEP_LABELS,
        "status_labels": LABELS,
    }


@router.get("/escalations")
def escalation_page(request: Request, session: SessionDep, caller: Notified):
    escalations.check(session, now=utcnow(), brand_id=caller.brand_id)
    context = {"notices": escalations.notices_for(session, viewer=caller), **labels()}
    return render(request, "escalations.html", context)
