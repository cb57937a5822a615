"""The brand admin's analytics page: where tickets stand and wait, and the response promise by station and tier."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from anxin.api.deps import SessionDep, get_locale
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import Permission
from anxin.service.analytics import service as analytics
from anxin.service.tickets.lifecycle import LABELS, Status
from anxin.store.base import utcnow
from anxin.text import N_
from anxin.web.i18n import translations
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

Analyst = Annotated[auth.Principal, Depends(Allow(Permission.tickets_read))]
SLA_LABELS = {"met": N_("met"), "breached": N_("breached"), "open": N_("open")}
NO_STATION = N_("not dispatched yet")
NO_TIER = N_("no tier")


@router.get("/analytics")
def analytics_page(request: Request, session: SessionDep, caller: Analyst):
    """Each chart is (kind, names, values); the page's script draws them with ECharts."""
    board = analytics.dashboard(session, brand_id=caller.brand_id, now=utcnow())
    _ = translations(get_locale(request)).gettext
    states = [_(LABELS[Status(s.status)]) for s in board.state_times]
    stations = [g.name or _(NO_STATION) for g in board.sla_by_station]
    tiers = [g.name or _(NO_TIER) for g in board.sla_by_tier]
    charts = {
        "status": ("bar", [_(LABELS[Status(s)]) for s in board.by_status], list(board.by_status.values())),
        "sla": ("pie", [_(SLA_LABELS[k]) for k in board.sla], list(board.sla.values())),
        "district": ("bar", [name for name, _n in board.by_district], [n for _name, n in board.by_district]),
        "day": ("line", [day for day, _n in board.by_day], [n for _day, n in board.by_day]),
        "state-time": ("bar", states, [s.average_minutes for s in board.state_times]),
        "waiting": ("bar", states, [round(s.waiting_minutes / 60, 1) for s in board.state_times]),
        "sla-station": ("bar", stations, [g.hit_rate for g in board.sla_by_station]),
        "sla-tier": ("bar", tiers, [g.hit_rate for g in board.sla_by_tier]),
    }
    context = {"board": board, "charts": charts, "stations": stations, "tiers": tiers, "labels": LABELS}
    return render(request, "analytics.html", context)
