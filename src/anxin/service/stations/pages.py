"""The public station finder (服务网点查询): pick a district or town, see the stations that serve it."""

from __future__ import annotations

from fastapi import APIRouter, Request

from anxin.api.deps import SessionDep
from anxin.auth.guard import MaybePrincipal
from anxin.clocks.weekly import DAY_LABELS
from anxin.regions import service as regions
from anxin.service.stations import service as stations
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

FINDER_URL = "/stations/finder"


def _finder_context(session: SessionDep, code: str | None) -> dict[str, object]:
    levels, selected = regions.picker_levels(code or None)
    found = []
    if selected and len(selected) >= 6:
        found = stations.covering_stations(session, region_code=selected)
    return {
        "levels": levels,
        "selected": selected,
        "detail": regions.detail(selected) if selected else None,
        "found": found,
        "picker_url": FINDER_URL,
        "day_labels": DAY_LABELS,
    }


@router.get("/stations")
def finder_page(request: Request, session: SessionDep, _caller: MaybePrincipal, code: str | None = None):
    return render(request, "station_finder.html", _finder_context(session, code))


@router.get(FINDER_URL)
def finder_fragment(request: Request, session: SessionDep, _caller: MaybePrincipal, code: str | None = None):
    return render(request, "station_finder_results.html", _finder_context(session, code))
