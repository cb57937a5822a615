"""Station use cases and the coverage look-up. Services never commit.

Coverage is kept as district or town codes. A station *fully* covers a unit
when it covers the unit or an enclosing one (a district covers its towns); it
*partially* covers a district when it covers only some of its towns.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.errors import Forbidden, NotFound
from anxin.hotline.phones import normalize_phone
from anxin.regions.codes import ancestors_and_self, service_area_code
from anxin.service.stations.models import Station, StationCoverage


def create_station(
    session: Session,
    *,
    actor: auth.Principal,
    name: str,
    region_code: str,
    address: str,
    phone: str,
    opening_hours: dict[str, list[str]],
    coverage: list[str],
) -> Station:
    if actor.brand_id is None:
        raise Forbidden(
            "stations belong to a brand; only its admins add them", message_zh="只有品牌管理员可以新增服务站"
        )
    station = Station(
        brand_id=actor.brand_id,
        name=name,
        region_code=region_code,
        address=address,
        phone=normalize_phone(phone).display,
        opening_hours=opening_hours,
    )
    session.add(station)
    session.flush()
    set_coverage(session, station=station, codes=coverage or [region_code])
    return station


def get_station(session: Session, *, station_id: int, viewer: auth.Principal | None = None) -> Station:
    station = session.get(Station, station_id)
    if station is None or (viewer is not None and not viewer.can_see_brand(station.brand_id)):
        raise NotFound(f"station {station_id} does not exist", message_zh=f"服务站 {station_id} 不存在")
    return station


def list_stations(session: Session, *, viewer: auth.Principal) -> list[Station]:
    query = select(Station).order_by(Station.id)
    if viewer.brand_id is not None:
        query = query.where(Station.brand_id == viewer.brand_id)
    return list(session.scalars(query))


def coverage_of(session: Session, *, station_id: int) -> list[str]:
    query = select(StationCoverage.region_code).where(StationCoverage.station_id == station_id)
    return sorted(session.scalars(query))


def set_coverage(session: Session, *, station: Station, codes: list[str]) -> list[str]:
    """Replace the station's coverage with ``codes`` (validated, de-duplicated)."""
    wanted = sorted({service_area_code(c) for c in codes})
    existing = {
        row.region_code: row
        for row in session.scalars(select(StationCoverage).where(StationCoverage.station_id == station.id))
    }
    for code, row in existing.items():
        if code not in wanted:
            session.delete(row)
    session.add_all(StationCoverage(station_id=station.id, region_code=c) for c in wanted if c not in existing)
    session.flush()
    return wanted


def covering_stations(session: Session, *, region_code: str, brand_id: int | None = None) -> list[tuple[Station, str]]:
    """Active stations serving ``region_code``, each with "full" or "partial", full ones first."""
    enclosing = ancestors_and_self(region_code)
    rows = session.execute(
        select(Station, StationCoverage.region_code)
        .join(StationCoverage, StationCoverage.station_id == Station.id)
        .where(
            Station.active.is_(True),
            or_(StationCoverage.region_code.in_(enclosing), StationCoverage.region_code.startswith(region_code)),
        )
        .order_by(Station.id)
    )
    found: dict[int, tuple[Station, str]] = {}
    for station, code in rows:
        if brand_id is not None and station.brand_id != brand_id:
            continue
        kind = "full" if code in enclosing else "partial"
        if found.get(station.id, (None, "partial"))[1] != "full":
            found[station.id] = (station, kind)
    return sorted(found.values(), key=lambda pair: (pair[1] != "full", pair[0].id))
