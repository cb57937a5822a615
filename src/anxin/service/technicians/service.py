"""Technician use cases, who covers a region, and the brand's side of its technicians' penalties. Services never commit.

A technician serves the home station's coverage plus any extra territory.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.auth.permissions import Role
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.integrity.credit import service as credit
from anxin.integrity.credit.models import Penalty
from anxin.regions.codes import ancestors_and_self, service_area_code
from anxin.service.stations import service as stations
from anxin.service.stations.models import StationCoverage
from anxin.service.technicians.models import Technician, TechnicianTerritory


def create_technician(
    session: Session,
    *,
    actor: auth.Principal,
    name: str,
    skills: list[str],
    home_station_id: int,
    shifts: dict[str, list[str]],
    territory: list[str],
    username: str | None = None,
) -> Technician:
    if actor.brand_id is None:
        raise Forbidden(
            "technicians belong to a brand; only its admins add them", message_zh="只有品牌管理员可以新增师傅"
        )
    station = stations.get_station(session, station_id=home_station_id, viewer=actor)
    user_id = None
    if username:
        user = auth.get_user_by_username(session, username=username)
        if user is None or user.brand_id != actor.brand_id or user.role != Role.technician:
            raise InvalidInput(
                f"{username!r} is not a technician account of this brand",
                message_zh=f"{username} 不是本品牌的师傅账号",
                detail={"field": "username"},
            )
        if session.scalar(select(Technician).where(Technician.user_id == user.id)) is not None:
            raise Conflict(f"{username!r} is linked to another technician already", message_zh="该账号已关联其他师傅")
        user_id = user.id
    cleaned = sorted({s.strip() for s in skills if s.strip()})
    if not cleaned:
        raise InvalidInput("give at least one skill", message_zh="请至少填写一项技能", detail={"field": "skills"})
    technician = Technician(
        brand_id=actor.brand_id,
        user_id=user_id,
        name=name,
        skills=cleaned,
        home_station_id=station.id,
        shifts=shifts,
    )
    session.add(technician)
    session.flush()
    session.add_all(
        TechnicianTerritory(technician_id=technician.id, region_code=c)
        for c in sorted({service_area_code(t) for t in territory})
    )
    session.flush()
    return technician


def list_technicians(session: Session, *, viewer: auth.Principal) -> list[Technician]:
    query = select(Technician).order_by(Technician.id)
    if viewer.brand_id is not None:
        query = query.where(Technician.brand_id == viewer.brand_id)
    return list(session.scalars(query))


def get_technician(session: Session, *, technician_id: int, viewer: auth.Principal) -> Technician:
    technician = session.get(Technician, technician_id)
    if technician is None or not viewer.can_see_brand(technician.brand_id):
        raise NotFound(f"technician {technician_id} does not exist", message_zh=f"师傅 {technician_id} 不存在")
    return technician


def covering_technicians(session: Session, *, region_code: str, viewer: auth.Principal) -> list[Technician]:
    """Active technicians (within the viewer's tenancy) whose station coverage or territory includes the unit."""
    enclosing = ancestors_and_self(region_code)
    via_station = (
        select(Technician.id)
        .join(StationCoverage, StationCoverage.station_id == Technician.home_station_id)
        .where(or_(StationCoverage.region_code.in_(enclosing), StationCoverage.region_code.startswith(region_code)))
    )
    via_territory = select(TechnicianTerritory.technician_id).where(
        or_(TechnicianTerritory.region_code.in_(enclosing), TechnicianTerritory.region_code.startswith(region_code))
    )
    query = (
        select(Technician)
        .where(Technician.active.is_(True), or_(Technician.id.in_(via_station), Technician.id.in_(via_territory)))
        .order_by(Technician.id)
    )
    if viewer.brand_id is not None:
        query = query.where(Technician.brand_id == viewer.brand_id)
    return list(session.scalars(query))


def penalties_of_brand(session: Session, *, viewer: auth.Principal) -> list[tuple[Technician, Penalty]]:
    """Every penalty on the viewer's technicians, newest first: what a brand admin may appeal."""
    mine = {str(t.id): t for t in list_technicians(session, viewer=viewer)}
    found = [(mine[p.subject_id], p) for p in credit.penalties(session, kind="technician") if p.subject_id in mine]
    return sorted(found, key=lambda tp: tp[1].created_at, reverse=True)


def appeal_for_technician(session: Session, penalty_id: int, *, text: str, actor: auth.Principal) -> Penalty:
    """The brand appeals a penalty on one of its own technicians (an analyst other than the imposer decides).

    Raises:
        NotFound: the penalty is not on one of the caller's technicians (other brands' penalties stay invisible).
    """
    penalty = credit.get_penalty(session, penalty_id)
    if penalty.subject_kind != "technician" or not penalty.subject_id.isdigit():
        raise NotFound(f"penalty {penalty_id} is not on one of your technicians", message_zh="没有该处罚")
    get_technician(session, technician_id=int(penalty.subject_id), viewer=actor)  # NotFound for other brands
    return credit.appeal(session, penalty_id, text=text, actor=actor)
