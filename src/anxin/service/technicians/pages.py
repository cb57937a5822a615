"""The brand admin's pages: the network (stations with coverage, technicians with skills and shifts) and penalties.

A penalty on one of the brand's technicians can be appealed here before its
deadline; a risk analyst other than the one who imposed it decides.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from anxin.api.deps import SessionDep, get_locale
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import Permission
from anxin.clocks.zones import CHINA
from anxin.errors import AnxinError, InvalidInput
from anxin.integrity.server.credit_pages import PENALTY_LABELS, PENALTY_STATUS
from anxin.regions import service as regions
from anxin.service.stations import service as stations
from anxin.service.stations.schemas import StationCreate
from anxin.service.technicians import service as technicians
from anxin.service.technicians.schemas import TechnicianCreate
from anxin.store.base import utcnow
from anxin.web.forms import FormData
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

NetworkManager = Annotated[auth.Principal, Depends(Allow(Permission.network_manage))]
Appealer = Annotated[auth.Principal, Depends(Allow(Permission.penalties_appeal))]


def _network_page(
    request: Request,
    session: SessionDep,
    caller: auth.Principal,
    *,
    error: str | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
):
    rows = stations.list_stations(session, viewer=caller)
    context = {
        "stations": rows,
        "coverage": {s.id: stations.coverage_of(session, station_id=s.id) for s in rows},
        "technicians": technicians.list_technicians(session, viewer=caller),
        "station_names": {s.id: s.name for s in rows},
        "error": error,
        "values": values or {},
        "levels": regions.picker_levels(None)[0],
        "selected": None,
        "detail": None,
    }
    return render(request, "network.html", context, status=status)


def _hours(form: dict[str, str], prefix: str) -> dict[str, list[str]]:
    """Weekday and weekend hours from the form's four time fields (a weekend left empty is closed)."""
    hours: dict[str, list[str]] = {}
    if form.get(f"{prefix}_weekday_open") and form.get(f"{prefix}_weekday_close"):
        hours |= {
            d: [form[f"{prefix}_weekday_open"], form[f"{prefix}_weekday_close"]]
            for d in ("mon", "tue", "wed", "thu", "fri")
        }
    if form.get(f"{prefix}_weekend_open") and form.get(f"{prefix}_weekend_close"):
        hours |= {d: [form[f"{prefix}_weekend_open"], form[f"{prefix}_weekend_close"]] for d in ("sat", "sun")}
    return hours


def _codes_from_names(text: str) -> list[str]:
    """Coverage typed as place names (上城区、拱墅区 …), resolved; names that do not resolve are refused."""
    results = regions.resolve_text(text) if text.strip() else []
    bad = [r.input for r in results if r.code is None]
    if bad:
        raise InvalidInput(
            f"cannot tell which place these are: {', '.join(bad)}; write them in full (杭州市上城区)",
            message_zh=f"无法确定这些地名：{'、'.join(bad)}，请写全称（如 杭州市上城区）",
        )
    return [r.code for r in results if r.code]


def _message(request: Request, exc: Exception) -> str:
    if isinstance(exc, AnxinError):
        return exc.localized(get_locale(request))
    assert isinstance(exc, ValidationError)
    first = exc.errors()[0]
    return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"


@router.get("/brand/network")
def network_page(request: Request, session: SessionDep, caller: NetworkManager):
    return _network_page(request, session, caller)


@router.post("/brand/network/stations")
def add_station(request: Request, session: SessionDep, caller: NetworkManager, form: FormData):
    try:
        body = StationCreate.model_validate(
            {
                "name": form.get("name", ""),
                "region_code": form.get("region_code", ""),
                "address": form.get("address", ""),
                "phone": form.get("phone", ""),
                "opening_hours": _hours(form, "open"),
                "coverage": _codes_from_names(form.get("coverage", "")),
            }
        )
        stations.create_station(session, actor=caller, **body.model_dump())
    except (ValidationError, AnxinError) as exc:
        session.rollback()
        return _network_page(request, session, caller, error=_message(request, exc), values=form, status=422)
    return RedirectResponse("/brand/network", status_code=303)


@router.post("/brand/network/technicians")
def add_technician(request: Request, session: SessionDep, caller: NetworkManager, form: FormData):
    try:
        body = TechnicianCreate.model_validate(
            {
                "name": form.get("tech_name", ""),
                "skills": [s for s in form.get("skills", "").replace("，", ",").split(",") if s.strip()],
                "home_station_id": form.get("home_station_id") or 0,
                "shifts": _hours(form, "shift"),
                "username": form.get("username") or None,
            }
        )
        technicians.create_technician(session, actor=caller, **body.model_dump())
    except (ValidationError, AnxinError) as exc:
        session.rollback()
        return _network_page(request, session, caller, error=_message(request, exc), values=form, status=422)
    return RedirectResponse("/brand/network", status_code=303)


def _penalties_page(request: Request, session, caller: auth.Principal, *, error: str | None = None, status: int = 200):
    context = {
        "rows": technicians.penalties_of_brand(session, viewer=caller),
        "levels": PENALTY_LABELS,
        "statuses": PENALTY_STATUS,
        "now": utcnow(),
        "china": CHINA,
        "error": error,
    }
    return render(request, "brand_penalties.html", context, status=status)


@router.get("/brand/penalties")
def penalties_page(request: Request, session: SessionDep, caller: Appealer):
    return _penalties_page(request, session, caller)


@router.post("/brand/penalties/{penalty_id}/appeal")
def appeal_penalty(request: Request, penalty_id: int, session: SessionDep, caller: Appealer, form: FormData):
    try:
        technicians.appeal_for_technician(session, penalty_id, text=form.get("text", ""), actor=caller)
    except AnxinError as err:
        session.rollback()
        return _penalties_page(request, session, caller, error=err.localized(get_locale(request)), status=err.status)
    return RedirectResponse("/brand/penalties", status_code=303)
