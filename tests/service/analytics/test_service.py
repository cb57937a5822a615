"""Dashboard figures against a real database: the demo's counts add up; hand-built tickets give known answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from anxin.auth import tenancy
from anxin.clocks.zones import CHINA
from anxin.demo.network import create_demo_network
from anxin.demo.tickets import create_demo_tickets
from anxin.privacy.crypto import KeyRing
from anxin.service.analytics import service as analytics
from anxin.service.dispatch import service as dispatch
from anxin.service.members import service as members
from anxin.service.members.schemas import TierWrite
from anxin.service.technicians.models import Technician as TechnicianRow
from anxin.service.tickets import service as tickets
from anxin.service.tickets.models import Ticket, TicketEvent
from anxin.service.tickets.schemas import RepairRequest


def test_dashboard_adds_up(db, demo, principal):
    create_demo_network(db)
    create_demo_tickets(db, KeyRing.generate(), count=30)
    dispatch.auto_dispatch(db, actor=principal("antu-dispatch"), now=datetime(2026, 11, 24, 10, tzinfo=CHINA))
    db.flush()
    brand = principal("antu-admin").brand_id
    board = analytics.dashboard(db, brand_id=brand, now=datetime(2026, 11, 24, 12, tzinfo=CHINA))
    assert board.total == 30 == sum(board.by_status.values())
    assert sum(board.sla.values()) == 30 and board.by_status["dispatched"] > 0
    # demo intake spread over 2 days; dispatch ran at 10:00 on the 24th: the 23rd's tickets were answered late
    assert board.sla["breached"] > 0
    assert sum(n for _d, n in board.by_day) == 30 and [d for d, _n in board.by_day] == sorted(
        d for d, _n in board.by_day
    )
    assert board.by_district[0][1] >= board.by_district[-1][1]
    assert analytics.dashboard(db, brand_id=principal("jinghong-admin").brand_id, now=datetime.now(CHINA)).total == 0


# --- process analytics on hand-built tickets with known answers ------------------------------------------------

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
NOW = T0 + timedelta(minutes=300)
KEYS = KeyRing.generate()


def _ticket(db, phone: str, moves: list[tuple[str, int]], technician: str | None = None) -> Ticket:
    """A ticket taken at intake (so it takes the customer's promise) whose moves happened at the given minutes."""
    request = RepairRequest(
        brand_id=tenancy.get_brand_by_slug(db, slug="antu").id,
        phone=phone,
        name="陈晨",
        region_code="330102",
        address="望江路 18 号",
        lock_model="S1",
        fault="battery",
    )
    ticket, _ = tickets.create_ticket(
        db, KEYS, request=request, channel="online", actor=None, now=T0 + timedelta(minutes=moves[0][1])
    )
    db.execute(delete(TicketEvent).where(TicketEvent.ticket_id == ticket.id))
    previous = None
    for status, minute in moves:
        db.add(
            TicketEvent(
                ticket_id=ticket.id,
                from_status=previous,
                to_status=status,
                actor_label="test",
                at=T0 + timedelta(minutes=minute),
            )
        )
        previous = status
    ticket.status = previous
    if technician is not None:
        ticket.technician_id = db.scalar(select(TechnicianRow.id).where(TechnicianRow.name == technician))
    db.flush()
    return ticket


@pytest.fixture
def board(db, demo, principal):
    """Five tickets: a gold member's breached at 25 of 20 minutes and finished; two standard ones, one met and
    one never answered; a gold member's just in; one cancelled."""
    create_demo_network(db)
    admin = principal("antu-admin")
    gold = members.create_tier(
        db,
        actor=admin,
        terms=TierWrite(name="金卡会员", rank=3, priority_dispatch=True, response_minutes=20, discount_percent=10),
    )
    members.assign(db, KEYS, actor=admin, phone="13900139000", name="李娜", tier_id=gold.id)
    flow = [
        ("received", 0),
        ("dispatched", 25),
        ("accepted", 35),
        ("en_route", 45),
        ("on_site", 75),
        ("completed", 135),
    ]
    made = {
        "finished": _ticket(db, "13900139000", flow, "郑建国"),
        "accepted": _ticket(db, "13800138000", [("received", 10), ("dispatched", 30), ("accepted", 40)], "刘洋"),
        "unanswered": _ticket(db, "13700137000", [("received", 100)]),
        "just_in": _ticket(db, "13900139000", [("received", 290)]),
        "cancelled": _ticket(db, "13700137000", [("received", 50), ("cancelled", 60)]),
    }
    return made, analytics.dashboard(db, brand_id=admin.brand_id, now=NOW)


def test_time_in_each_state_from_the_recorded_moves(board):
    _made, dashboard = board
    figures = {
        s.status: (s.stays, s.average_minutes, s.longest_minutes, s.waiting_now, s.waiting_minutes)
        for s in dashboard.state_times
    }
    assert figures == {
        "received": (5, 53.0, 200.0, 2, 210.0),  # 25, 20, 200 (still), 10 (still), 10 (then cancelled)
        "dispatched": (2, 10.0, 10.0, 0, 0.0),
        "accepted": (2, 135.0, 260.0, 1, 260.0),  # 10, and 260 so far
        "en_route": (1, 30.0, 30.0, 0, 0.0),
        "on_site": (1, 60.0, 60.0, 0, 0.0),
    }
    assert [s.status for s in dashboard.state_times] == ["received", "dispatched", "accepted", "en_route", "on_site"]


def test_response_promise_by_station_and_tier_against_each_tickets_own_minutes(board):
    _made, dashboard = board
    assert dashboard.sla == {"met": 1, "breached": 2, "open": 1}  # the cancelled ticket is not judged
    by_station = [(g.name, g.met, g.breached, g.open, g.hit_rate) for g in dashboard.sla_by_station]
    assert by_station == [
        ("安途上城社区服务站", 0, 1, 0, 0.0),  # 25 minutes broke the member's 20-minute promise
        ("安途西湖社区服务站", 1, 0, 0, 100.0),
        (None, 0, 1, 1, 0.0),  # never dispatched: one overdue, one still within its promise
    ]
    by_tier = [(g.name, g.met, g.breached, g.open, g.hit_rate) for g in dashboard.sla_by_tier]
    assert by_tier == [("金卡会员", 0, 1, 1, 0.0), (None, 1, 1, 0, 50.0)]


def test_oldest_open_tickets_with_how_long_they_sat_in_their_state(board):
    made, dashboard = board
    oldest = [(t.number, t.status, t.tier, t.open_minutes, t.in_state_minutes) for t in dashboard.oldest_open]
    assert oldest == [
        (made["accepted"].number, "accepted", None, 290.0, 260.0),
        (made["unanswered"].number, "received", None, 200.0, 200.0),
        (made["just_in"].number, "received", "金卡会员", 10.0, 10.0),
    ]
