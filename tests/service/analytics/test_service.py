"""Dashboard figures against a real database: counts by status agree with the tickets, the SLA split adds up."""

from __future__ import annotations

from datetime import datetime

from anxin.clocks.zones import CHINA
from anxin.demo.network import create_demo_network
from anxin.demo.tickets import create_demo_tickets
from anxin.privacy.crypto import KeyRing
from anxin.service.analytics import service as analytics
from anxin.service.dispatch import service as dispatch


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
