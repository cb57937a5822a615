"""A brand's promise policy and clock pauses, against a real database: tickets keep what they were promised."""

from __future__ import annotations

from datetime import timedelta

import pytest

from anxin.auth import tenancy
from anxin.demo.network import create_demo_network
from anxin.errors import Conflict, Forbidden, InvalidInput
from anxin.privacy.crypto import KeyRing
from anxin.service.members import service as members
from anxin.service.members.schemas import TierWrite
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


def take(db, brand_id, principal, phone="138 0013 8000", now=None):
    request = RepairRequest.model_validate(
        {"brand_id": brand_id, "phone": phone, "name": "陈晨", "region_code": "330102", "address": "望江路 18 号",
         "lock_model": "S1", "fault": "lock_wont_open", "description": "打不开"}
    )  # fmt: skip
    ticket, _ = tickets.create_ticket(db, KEYS, request=request, channel="phone", actor=principal("antu-agent"),
                                      now=now or utcnow())  # fmt: skip
    return ticket


def test_a_brand_without_a_policy_has_the_standard_terms(db, brand):
    assert sla.policy_for(db, brand) == sla.Terms(30, 120, 80)


def test_policy_changed_mid_ticket_leaves_the_earlier_ticket_and_its_clock_alone(db, brand, principal):
    admin = principal("antu-admin")
    received = utcnow() - timedelta(minutes=20)
    before = take(db, brand, principal, now=received)
    sla.set_policy(db, actor=admin, terms=sla.Terms(response_minutes=15, arrival_minutes=90, warn_percent=70))
    after = take(db, brand, principal, phone="139 0013 9000", now=received)
    assert (before.response_minutes, before.arrival_minutes) == (30, 120)
    assert (after.response_minutes, after.arrival_minutes) == (15, 90)
    moments = tickets.clock_moments(db, [before, after])
    now = received + timedelta(minutes=20)
    assert not sla.response_sla(received, None, now, before.response_minutes, moments[before.id].pauses).breached
    assert sla.response_sla(received, None, now, after.response_minutes, moments[after.id].pauses).breached


def test_a_tier_never_promises_slower_than_the_brand(db, brand, principal):
    admin = principal("antu-admin")
    gold = members.create_tier(db, actor=admin, terms=TierWrite(name="金卡", rank=2, response_minutes=20))
    members.assign(db, KEYS, actor=admin, phone="138 0013 8000", name="陈晨", tier_id=gold.id)
    sla.set_policy(db, actor=admin, terms=sla.Terms(response_minutes=10, arrival_minutes=60, warn_percent=80))
    ticket = take(db, brand, principal)
    assert (ticket.member_tier_id, ticket.response_minutes, ticket.arrival_minutes) == (gold.id, 10, 60)
    with pytest.raises(InvalidInput) as refused:  # a new tier is held to the brand's standard
        members.create_tier(db, actor=admin, terms=TierWrite(name="银卡", rank=1, response_minutes=12))
    assert refused.value.detail == {"field": "response_minutes"}


def test_policy_terms_out_of_range_are_refused_by_field(db, brand, principal):
    with pytest.raises(InvalidInput) as refused:
        sla.set_policy(db, actor=principal("antu-admin"), terms=sla.Terms(arrival_minutes=5))
    assert refused.value.detail == {"field": "arrival_minutes"}
    with pytest.raises(Forbidden):
        sla.set_policy(db, actor=principal("admin"), terms=sla.STANDARD_TERMS)


def test_pause_and_resume_are_ticket_events_the_clock_is_rebuilt_from(db, brand, principal):
    agent = principal("antu-dispatch")
    ticket = take(db, brand, principal, now=utcnow() - timedelta(minutes=10))
    start = utcnow()
    tickets.pause_clock(db, ticket_id=ticket.id, reason="customer_later", version=ticket.version, actor=agent,
                        now=start)  # fmt: skip
    with pytest.raises(Conflict):
        tickets.pause_clock(db, ticket_id=ticket.id, reason="waiting_parts", version=ticket.version, actor=agent)
    with pytest.raises(Conflict):  # a stale page cannot resume over a newer change
        tickets.resume_clock(db, ticket_id=ticket.id, version=ticket.version - 1, actor=agent)
    tickets.resume_clock(db, ticket_id=ticket.id, version=ticket.version, actor=agent,
                         now=start + timedelta(minutes=60))  # fmt: skip
    kinds = [(e.kind, e.to_status, e.note) for e in tickets.history(db, ticket_id=ticket.id)]
    assert kinds == [("move", "received", ""), ("pause", "received", "customer_later"), ("resume", "received", "")]
    moments = tickets.clock_moments(db, [ticket])[ticket.id]
    view = sla.response_sla(moments.received, None, start + timedelta(minutes=70), 30, moments.pauses)
    assert round(view.elapsed_minutes) == 20 and not view.breached and moments.paused is None
    with pytest.raises(Conflict):
        tickets.resume_clock(db, ticket_id=ticket.id, version=ticket.version, actor=agent)
    with pytest.raises(InvalidInput):
        tickets.pause_clock(db, ticket_id=ticket.id, reason="lunch", version=ticket.version, actor=agent)


def test_the_customer_tracking_page_shows_moves_not_pauses(db, brand, principal):
    ticket = take(db, brand, principal)
    agent = principal("antu-dispatch")
    tickets.pause_clock(db, ticket_id=ticket.id, reason="waiting_parts", version=ticket.version, actor=agent)
    tickets.move(db, ticket_id=ticket.id, to=Status.cancelled, version=ticket.version, note="", actor=agent)
    view = tickets.track(db, KEYS, number=ticket.number, phone="138 0013 8000")
    assert [step.to_status for step in view.history] == [Status.received, Status.cancelled]
    with pytest.raises(Conflict):  # a closed ticket has nothing left to pause
        tickets.pause_clock(db, ticket_id=ticket.id, reason="waiting_parts", version=ticket.version, actor=agent)
