"""Demo service network: 安途's stations in 杭州 and 成都 with coverage, and technicians with skills and shifts.

Made through the station and technician services, so coverage codes and hours
are validated the way a brand admin's input is.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.service.stations import service as stations
from anxin.service.technicians import service as technicians

WEEKDAYS = {day: ["08:30", "18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
ALL_WEEK = {**WEEKDAYS, "sat": ["09:00", "17:00"], "sun": ["09:00", "17:00"]}

# (name, location, address, phone, hours, covered districts)
DEMO_STATIONS = [
    ("安途上城社区服务站", "330102", "望江路 18 号（演示）", "0571-87000000", ALL_WEEK, ["330102", "330105"]),
    ("安途西湖社区服务站", "330106", "文三路 90 号（演示）", "0571-87000001", WEEKDAYS, ["330106", "330108"]),
    ("安途武侯社区服务站", "510107", "科华北路 66 号（演示）", "028-85000000", ALL_WEEK, ["510107", "510104"]),
]

# (name, station index, skills, linked login)
DEMO_TECHNICIANS = [
    ("郑建国", 0, ["智能锁", "S1", "S2 Pro"], "antu-tech"),
    ("王磊", 0, ["智能锁", "S1"], None),
    ("刘洋", 1, ["智能锁", "S2 Pro", "猫眼"], None),
    ("陈勇", 2, ["智能锁", "S1", "S2 Pro"], None),
]


def create_demo_network(session: Session) -> None:
    admin = auth.get_user_by_username(session, username="antu-admin")
    assert admin is not None, "demo accounts come first"
    actor = auth.principal_of(admin, via="cli")
    made = [
        stations.create_station(
            session,
            actor=actor,
            name=name,
            region_code=code,
            address=address,
            phone=phone,
            opening_hours=hours,
            coverage=cover,
        )
        for name, code, address, phone, hours, cover in DEMO_STATIONS
    ]
    for name, station_index, skills, username in DEMO_TECHNICIANS:
        technicians.create_technician(
            session,
            actor=actor,
            name=name,
            skills=skills,
            home_station_id=made[station_index].id,
            shifts=WEEKDAYS,
            territory=[],
            username=username,
        )
