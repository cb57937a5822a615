"""The coverage look-up and network endpoints over real HTTP."""

from __future__ import annotations

import pytest

from anxin.demo.network import create_demo_network


@pytest.fixture
def network(db, demo):
    create_demo_network(db)
    db.commit()


def test_public_station_finder(live_server, network):
    with live_server.client() as public:
        found = public.get("/api/coverage", params={"region": "330105"})
        assert found.status_code == 200
        [station] = found.json()
        assert station["name"] == "安途上城社区服务站" and station["covers"] == "full"
        assert station["opening_hours"]["sat"] == ["09:00", "17:00"]
        bad = public.get("/api/coverage", params={"region": "33"})
        assert bad.status_code == 422 and "区县" in bad.json()["message"]
        assert public.get("/api/coverage/technicians", params={"region": "330105"}).status_code == 401


def test_brand_admin_adds_a_station_and_agents_see_technicians(live_server, network, login_as):
    admin, agent = login_as("antu-admin"), login_as("antu-agent")
    with admin.client(live_server.url) as a, agent.client(live_server.url) as g:
        created = a.post(
            "/api/stations",
            json={
                "name": "安途滨江服务站",
                "region_code": "330108",
                "address": "江南大道 1 号",
                "phone": "0571 8700 0010",
                "opening_hours": {"mon": ["09:00", "18:00"]},
                "coverage": ["330108", "330109"],
            },
            headers={"X-CSRF-Token": admin.csrf},
        )
        assert created.status_code == 201, created.text
        assert created.json()["phone"] == "0571-87000010" and created.json()["coverage"] == ["330108", "330109"]
        bad_hours = a.post(
            "/api/stations",
            json={
                "name": "x站",
                "region_code": "330108",
                "address": "xx",
                "phone": "95555",
                "opening_hours": {"mon": ["18:00", "09:00"]},
            },
            headers={"X-CSRF-Token": admin.csrf},
        )
        assert bad_hours.status_code == 422
        techs = g.get("/api/coverage/technicians", params={"region": "330102"})
        assert techs.status_code == 200 and {t["name"] for t in techs.json()} == {"郑建国", "王磊"}
