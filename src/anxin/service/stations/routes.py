"""Station endpoints and the public coverage look-up (which stations serve a district or town)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from anxin.api.deps import SessionDep
from anxin.api.errors import error_schema
from anxin.auth import service as auth
from anxin.auth.guard import Allow, MaybePrincipal
from anxin.auth.permissions import Permission
from anxin.errors import Forbidden, InvalidInput, NotFound
from anxin.regions.codes import service_area_code
from anxin.service.stations import service as stations
from anxin.service.stations.schemas import ServiceAreaCode, StationCoverageRead, StationCreate, StationRead

router = APIRouter(prefix="/api", tags=["network"])

NetworkReader = Annotated[auth.Principal, Depends(Allow(Permission.network_read))]
NetworkManager = Annotated[auth.Principal, Depends(Allow(Permission.network_manage))]


def _with_coverage(session: SessionDep, station: stations.Station, covers: str = "full") -> StationCoverageRead:
    return StationCoverageRead.model_validate(
        {
            **StationRead.model_validate(station).model_dump(),
            "coverage": stations.coverage_of(session, station_id=station.id),
            "covers": covers,
        }
    )


@router.get("/coverage", response_model=list[StationCoverageRead], responses=error_schema(InvalidInput))
def coverage(
    session: SessionDep,
    _caller: MaybePrincipal,
    region: str = Query(..., description="District/county (6 digits) or town (9 digits) code."),
    brand_id: int | None = None,
):
    """Stations that serve the unit (full) or some of its towns (partial); public, like a station finder."""
    code = service_area_code(region)
    return [
        _with_coverage(session, s, kind)
        for s, kind in stations.covering_stations(session, region_code=code, brand_id=brand_id)
    ]


@router.get("/stations", response_model=list[StationRead])
def list_stations(session: SessionDep, caller: NetworkReader):
    return stations.list_stations(session, viewer=caller)


@router.post(
    "/stations", response_model=StationCoverageRead, status_code=201, responses=error_schema(InvalidInput, Forbidden)
)
def create_station(body: StationCreate, session: SessionDep, caller: NetworkManager):
    station = stations.create_station(session, actor=caller, **body.model_dump())
    return _with_coverage(session, station)


@router.get("/stations/{station_id}", response_model=StationCoverageRead, responses=error_schema(NotFound))
def read_station(station_id: int, session: SessionDep, caller: NetworkReader):
    return _with_coverage(session, stations.get_station(session, station_id=station_id, viewer=caller))


@router.put(
    "/stations/{station_id}/coverage",
    response_model=StationCoverageRead,
    responses=error_schema(NotFound, InvalidInput),
)
def replace_coverage(station_id: int, codes: list[ServiceAreaCode], session: SessionDep, caller: NetworkManager):
    station = stations.get_station(session, station_id=station_id, viewer=caller)
    stations.set_coverage(session, station=station, codes=codes)
    return _with_coverage(session, station)
