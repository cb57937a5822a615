"""Stations, technicians and the coverage look-up against a real database (demo network made by services)."""

from __future__ import annotations

import pytest

from anxin.demo.network import WEEKDAYS, create_demo_network
from anxin.errors import Forbidden, InvalidInput, NotFound
from anxin.service.stations import service as stations
from anxin.service.technicians import service as technicians


@pytest.fixture
def network(db, demo):
    create_demo_network(db)
    db.flush()
    return db


def test_district_covered_fully_and_its_towns_too(network):
    names = [(s.name, kind) for s, kind in stations.covering_stations(network, region_code="330102")]
    assert names == [("安途上城社区服务站", "full")]
    town = "330102001"  # a street of 上城区: covered through its district
    assert [s.name for s, _ in stations.covering_stations(network, region_code=town)] == ["安途上城社区服务站"]
    assert stations.covering_stations(network, region_code="110105") == []  # 北京朝阳: nobody


def test_town_only_coverage_is_partial_for_the_district(network, db, principal):
    antu = principal("antu-admin")
    stations.create_station(
        db,
        actor=antu,
        name="余杭良渚点",
        region_code="330110",
        address="良渚",
        phone="0571-87000009",
        opening_hours=WEEKDAYS,
        coverage=["330110005"],
    )
    assert [k for _, k in stations.covering_stations(db, region_code="330110")] == ["partial"]
    assert [k for _, k in stations.covering_stations(db, region_code="330110005")] == ["full"]


def test_technicians_cover_through_their_station_and_territory(network, db, principal):
    antu = principal("antu-admin")
    assert {t.name for t in technicians.covering_technicians(db, region_code="330105", viewer=antu)} == {
        "郑建国",
        "王磊",
    }
    home = stations.list_stations(db, viewer=antu)[1]
    technicians.create_technician(
        db, actor=antu, name="赵敏", skills=["智能锁"], home_station_id=home.id, shifts=WEEKDAYS, territory=["330105"]
    )
    assert "赵敏" in {t.name for t in technicians.covering_technicians(db, region_code="330105", viewer=antu)}
    other = principal("jinghong-admin")
    assert technicians.covering_technicians(db, region_code="330105", viewer=other) == []  # tenancy


def test_bad_input_is_refused(network, db, principal):
    antu = principal("antu-admin")
    with pytest.raises(InvalidInput):
        stations.set_coverage(db, station=stations.list_stations(db, viewer=antu)[0], codes=["33"])  # a province
    with pytest.raises(InvalidInput):
        stations.set_coverage(db, station=stations.list_stations(db, viewer=antu)[0], codes=["999999"])
    with pytest.raises(Forbidden):
        stations.create_station(
            db,
            actor=principal("admin"),
            name="x",
            region_code="330102",
            address="x",
            phone="95555",
            opening_hours={},
            coverage=[],
        )
    with pytest.raises(NotFound):
        technicians.create_technician(
            db,
            actor=principal("jinghong-admin"),
            name="x",
            skills=["a"],
            home_station_id=1,
            shifts={},
            territory=[],
        )
    with pytest.raises(InvalidInput):
        technicians.create_technician(
            db, actor=antu, name="x", skills=["a"], home_station_id=1, shifts={}, territory=[], username="antu-agent"
        )


def test_replacing_coverage(network, db, principal):
    antu = principal("antu-admin")
    station = stations.list_stations(db, viewer=antu)[0]
    assert stations.set_coverage(db, station=station, codes=["330102", "330102", "330106"]) == ["330102", "330106"]
    assert stations.coverage_of(db, station_id=station.id) == ["330102", "330106"]
