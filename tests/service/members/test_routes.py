"""Membership endpoints over real HTTP: a brand admin's tiers and members; other roles and brands are kept out."""

from __future__ import annotations

import pytest

from anxin.demo.network import create_demo_network

GOLD = {"name": "金卡会员", "rank": 3, "priority_dispatch": True, "response_minutes": 20, "discount_percent": 10}


@pytest.fixture
def network(db, demo):
    create_demo_network(db)
    db.commit()


def test_brand_admin_sets_tiers_and_members_and_intake_takes_the_promise(live_server, network, login_as):
    admin, agent, other = login_as("antu-admin"), login_as("antu-agent"), login_as("jinghong-admin")
    with admin.client(live_server.url) as a, agent.client(live_server.url) as g, other.client(live_server.url) as o:
        csrf = {"X-CSRF-Token": admin.csrf}
        created = a.post("/api/member-tiers", json=GOLD, headers=csrf)
        assert created.status_code == 201, created.text
        tier = created.json()
        too_slow = a.post(
            "/api/member-tiers", json=GOLD | {"name": "慢卡", "rank": 1, "response_minutes": 40}, headers=csrf
        )
        assert too_slow.status_code == 422 and too_slow.json()["detail"] == {"field": "response_minutes"}
        assert "响应承诺" in too_slow.json()["message"]
        clash = a.post("/api/member-tiers", json=GOLD | {"rank": 5}, headers=csrf)
        assert clash.status_code == 409 and clash.json()["detail"] == {"field": "name"}

        member = a.put(
            "/api/members", json={"phone": "139 0013 9000", "name": "李娜", "tier_id": tier["id"]}, headers=csrf
        )
        assert member.status_code == 200, member.text
        # The agent taking this caller's next call sees the tier and what it promises before booking.
        caller = g.get("/tickets/caller", params={"phone": "13900139000"}).text
        assert "金卡会员" in caller and "20" in caller and "优先派单" in caller
        assert member.json() | {"customer_id": 0} == {
            "customer_id": 0,
            "phone": "139****9000",
            "name": "李*",
            "tier_id": tier["id"],
            "tier_name": "金卡会员",
        }
        [listed] = a.get("/api/member-tiers").json()
        assert listed["members"] == 1 and listed["response_minutes"] == 20

        booked = g.post(
            "/api/tickets",
            json={
                "brand_id": tier["brand_id"],
                "phone": "13900139000",
                "name": "李娜",
                "region_code": "330102",
                "address": "望江路 18 号",
                "lock_model": "S1",
                "fault": "battery",
            },
            headers={"X-CSRF-Token": agent.csrf},
        )
        assert booked.status_code == 201, booked.text
        ticket = booked.json()["ticket"]
        assert (ticket["member_tier"], ticket["response_minutes"], ticket["discount_percent"]) == ("金卡会员", 20, 10)

        edited = a.put(f"/api/member-tiers/{tier['id']}", json=GOLD | {"response_minutes": 15}, headers=csrf)
        assert edited.status_code == 200 and edited.json()["response_minutes"] == 15
        assert g.get(f"/api/tickets/{ticket['id']}").json()["response_minutes"] == 20  # promised at intake

        assert g.get("/api/member-tiers").status_code == 403  # agents take requests; the brand admin sets tiers
        assert o.get("/api/member-tiers").json() == [] and o.get("/api/members").json() == []
        foreign = o.put(f"/api/member-tiers/{tier['id']}", json=GOLD, headers={"X-CSRF-Token": other.csrf})
        assert foreign.status_code == 404
