"""The escalation check against a real database: each step once, to the right people, paused clocks left alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from anxin.auth import tenancy
from anxin.demo.network import create_demo_network
from anxin.privacy.crypto import KeyRing
from anxin.service.escalations import service as escalations
from anxin.service.escalations.models import Escalation
from anxin.service.sla import service as sla
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import Status
from anxin.service.tickets.schemas import RepairRequest
from anxin.store.base import utcnow

KEYS = KeyRing.generate()


@pytest.fixture
def brand(db, demo):
    create_demo_network(db)
    db.flush()
    return tenancy.get_brand_by_slug(db, slug="antu").id


def take(db, brand_id, principal, *, minutes_ago: float, phone="138 0013 8000"):
    request = RepairRequest.model_validate(
        {"brand_id": brand_id, "phone": phone, "name": "陈晨", "region_code": "330102", "address": "望江路 18 号",
         "lock_model": "S1", "fault": "lock_wont_open", "description": "打不开"}
    )  # fmt: skip
    ticket, _ = tickets.create_ticket(db, KEYS, request=request, channel="phone", actor=principal("antu-agent"),
                                      now=utcnow() - timedelta(minutes=minutes_ago))  # fmt: skip
    return ticket


def steps(db) -> list[tuple[str, str, str]]:
    return [tuple(r) for r in db.execute(select(Escalation.clock, Escalation.step, Escalation.notify_role)
                                         .order_by(Escalation.id))]  # fmt: skip


def test_the_dispatcher_is_warned_once_and_the_breach_is_recorded_once_for_the_supervisor(db, brand, principal):
    take(db, brand, principal, minutes_ago=25)  # 25 of 30 minutes: past 80 %
    now = utcnow()
    assert escalations.check(db, now=now, brand_id=brand) == 1
    assert escalations.check(db, now=now, brand_id=brand) == 0  # run twice: nothing duplicated
    assert steps(db) == [("response", "warning", "dispatcher")]
    later = now + timedelta(minutes=10)
    assert escalations.check(db, now=later) == 1 and escalations.check(db, now=later) == 0
    assert steps(db) == [("response", "warning", "dispatcher"), ("response", "breach", "brand_admin")]
    breach = db.scalar(select(Escalation).where(Escalation.step == "breach"))
    assert breach.promised_minutes == 30 and breach.elapsed_minutes > 30


def test_the_brands_warn_share_decides_when_to_warn(db, brand, principal):
    take(db, brand, principal, minutes_ago=20)  # 67 %
    assert escalations.check(db, now=utcnow(), brand_id=brand) == 0
    sla.set_policy(db, actor=principal("antu-admin"), terms=sla.Terms(warn_percent=60))
    assert escalations.check(db, now=utcnow(), brand_id=brand) == 1


def test_a_paused_clock_neither_warns_nor_breaches(db, brand, principal):
    ticket = take(db, brand, principal, minutes_ago=20)
    tickets.pause_clock(db, ticket_id=ticket.id, reason="customer_later", version=ticket.version,
                        actor=principal("antu-dispatch"))  # fmt: skip
    assert escalations.check(db, now=utcnow() + timedelta(hours=5), brand_id=brand) == 0


def test_a_late_arrival_is_recorded_against_the_arrival_promise(db, brand, principal):
    ticket = take(db, brand, principal, minutes_ago=5)
    tickets.move(
        db, ticket_id=ticket.id, to=Status.dispatched, version=ticket.version, note="", actor=principal("antu-dispatch")
    )  # fmt: skip (no technician yet: the clock runs 24×7)
    assert escalations.check(db, now=utcnow() + timedelta(minutes=121), brand_id=brand) == 1
    assert steps(db) == [("arrival", "breach", "brand_admin")]  # the response was met: no step for it


def test_each_person_sees_what_they_are_notified_of_in_their_brand(db, brand, principal):
    take(db, brand, principal, minutes_ago=25)
    take(db, brand, principal, minutes_ago=45, phone="139 0013 9000")
    escalations.check(db, now=utcnow())
    dispatcher = [n.escalation.step for n in escalations.notices_for(db, viewer=principal("antu-dispatch"))]
    supervisor = [n.escalation.step for n in escalations.notices_for(db, viewer=principal("antu-admin"))]
    assert sorted(dispatcher) == ["breach", "warning"] and supervisor == ["breach"]
    assert escalations.notices_for(db, viewer=principal("jinghong-admin")) == []
    assert db.scalar(select(func.count()).select_from(Escalation)) == 2
