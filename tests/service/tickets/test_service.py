"""Ticket intake and lifecycle against a real database: numbering, queueing, duplicates, moves, tracking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from anxin.auth import tenancy
from anxin.demo.network import create_demo_network
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.integrity.credit import service as credit
from anxin.privacy.crypto import KeyRing
from anxin.service.technicians.models import Technician as TechnicianRow
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import Status
from anxin.service.tickets.schemas import RepairRequest

KEYS = KeyRing.generate()
T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


@pytest.fixture
def setup(db, demo, principal):
    create_demo_network(db)
    db.flush()
    return principal("antu-agent")


def request(db, **overrides):
    brand_id = tenancy.get_brand_by_slug(db, slug="antu").id
    fields = {
        "brand_id": brand_id,
        "phone": "138 0013 8000",
        "name": "陈晨",
        "region_code": "330102",
        "address": "望江路 18 号 3 幢 502 室",
        "lock_model": "S1",
        "fault": "lock_wont_open",
        "description": "打不开",
    }
    return RepairRequest.model_validate(fields | overrides)


def test_intake_numbers_and_records_who(db, setup):
    ticket, duplicate = tickets.create_ticket(db, KEYS, request=request(db), channel="phone", actor=setup, now=T0)
    assert ticket.number == f"AX20261124{ticket.id:06d}" and ticket.status == "received" and duplicate is None
    assert ticket.queue_reason is None  # 上城区 is served
    [event] = tickets.history(db, ticket_id=ticket.id)
    assert (event.from_status, event.to_status, event.actor_label) == (None, "received", "antu-agent")
    view = tickets.to_read(db, KEYS, ticket)
    assert (view.customer, view.phone, view.address) == ("陈*", "138****8000", "浙江省杭州市上城区****")


def test_out_of_coverage_is_accepted_and_queued_with_reason(db, setup):
    ticket, _ = tickets.create_ticket(
        db, KEYS, request=request(db, region_code="330110"), channel="online", actor=None, now=T0
    )
    assert ticket.status == "received" and "余杭区" in ticket.queue_reason


def test_returning_customer_and_duplicate_offer(db, setup):
    first, _ = tickets.create_ticket(db, KEYS, request=request(db), channel="phone", actor=setup, now=T0)
    again, duplicate = tickets.create_ticket(
        db,
        KEYS,
        request=request(db, phone="+86 138-0013-8000", name=""),
        channel="online",
        actor=None,
        now=T0 + timedelta(hours=2),
    )
    assert again.customer_id == first.customer_id and duplicate == first.id
    merged = tickets.merge_into(db, ticket_id=again.id, target_id=first.id, actor=setup)
    assert merged.status == "cancelled" and merged.duplicate_of == first.id
    _other_fault, duplicate = tickets.create_ticket(
        db, KEYS, request=request(db, fault="battery"), channel="phone", actor=setup, now=T0 + timedelta(hours=3)
    )
    assert duplicate is None


def test_new_customer_needs_a_name_and_a_personal_number(db, setup):
    with pytest.raises(InvalidInput):
        tickets.create_ticket(
            db, KEYS, request=request(db, phone="13900001111", name=" "), channel="phone", actor=setup
        )
    with pytest.raises(InvalidInput):
        tickets.create_ticket(db, KEYS, request=request(db, phone="400-000-1234"), channel="phone", actor=setup)


def test_other_brand_staff_cannot_take_or_see(db, setup, principal):
    other = principal("jinghong-agent")
    with pytest.raises(Forbidden):
        tickets.create_ticket(db, KEYS, request=request(db), channel="phone", actor=other)
    ticket, _ = tickets.create_ticket(db, KEYS, request=request(db), channel="phone", actor=setup)
    with pytest.raises(NotFound):
        tickets.get_ticket(db, ticket_id=ticket.id, viewer=other)


def test_lifecycle_moves_illegal_moves_and_stale_versions(db, setup, principal):
    dispatcher = principal("antu-dispatch")
    ticket, _ = tickets.create_ticket(db, KEYS, request=request(db), channel="phone", actor=setup)
    version = ticket.version
    tickets.move(db, ticket_id=ticket.id, to=Status.dispatched, version=version, note="", actor=dispatcher)
    with pytest.raises(Conflict) as stale:
        tickets.move(db, ticket_id=ticket.id, to=Status.cancelled, version=version, note="", actor=setup)
    assert stale.value.detail["version"] == ticket.version
    with pytest.raises(Conflict) as illegal:
        tickets.move(db, ticket_id=ticket.id, to=Status.closed, version=ticket.version, note="", actor=dispatcher)
    assert "accepted" in illegal.value.detail["allowed"]
    for step in (Status.accepted, Status.en_route, Status.on_site, Status.completed, Status.closed, Status.reopened):
        tickets.move(db, ticket_id=ticket.id, to=step, version=ticket.version, note="", actor=dispatcher)
    assert [e.to_status for e in tickets.history(db, ticket_id=ticket.id)][-2:] == ["closed", "reopened"]


def test_tracking_needs_number_and_phone_and_hides_people(db, setup):
    ticket, _ = tickets.create_ticket(db, KEYS, request=request(db), channel="phone", actor=setup)
    seen = tickets.track(db, KEYS, number=ticket.number.lower(), phone="13800138000")
    assert seen.status == "received" and [s.to_status for s in seen.history] == ["received"]
    assert "antu-agent" not in seen.model_dump_json()
    with pytest.raises(NotFound):
        tickets.track(db, KEYS, number=ticket.number, phone="13900001111")
    with pytest.raises(NotFound):
        tickets.track(db, KEYS, number="AX20990101000001", phone="13800138000")


def _complete(db, ticket, actor):
    for step in (Status.dispatched, Status.accepted, Status.en_route, Status.on_site, Status.completed):
        tickets.move(db, ticket_id=ticket.id, to=step, version=ticket.version, note="", actor=actor)


def test_warranty_reopen_and_rating(db, setup, principal):
    dispatcher = principal("antu-dispatch")
    ticket, _ = tickets.create_ticket(db, KEYS, request=request(db), channel="phone", actor=setup)
    _complete(db, ticket, dispatcher)
    assert ticket.warranty_until - ticket.completed_at == tickets.WARRANTY
    with pytest.raises(NotFound):
        tickets.rate(db, KEYS, number="AX20990101000001", phone="13800138000", stars=5)
    rating = tickets.rate(db, KEYS, number=ticket.number, phone="13800138000", stars=4, comment="师傅很准时")
    assert rating.stars == 4 and tickets.track(db, KEYS, number=ticket.number, phone="13800138000").rated
    with pytest.raises(Conflict):
        tickets.rate(db, KEYS, number=ticket.number, phone="13800138000", stars=5)  # once
    with pytest.raises(InvalidInput):
        tickets.rate(db, KEYS, number=ticket.number, phone="13800138000", stars=6)
    tickets.move(db, ticket_id=ticket.id, to=Status.reopened, version=ticket.version, note="又坏了", actor=dispatcher)
    assert ticket.status == "reopened"


def test_no_free_re_repair_after_the_warranty(db, setup, principal):
    dispatcher = principal("antu-dispatch")
    ticket, _ = tickets.create_ticket(db, KEYS, request=request(db), channel="phone", actor=setup)
    _complete(db, ticket, dispatcher)
    ticket.warranty_until = ticket.completed_at - timedelta(days=1)  # as if 91 days had passed
    with pytest.raises(Conflict) as ended:
        tickets.move(db, ticket_id=ticket.id, to=Status.reopened, version=ticket.version, note="", actor=dispatcher)
    assert "warranty" in ended.value.message


def test_a_warranty_re_repair_and_a_low_rating_lower_the_technicians_credit(db, setup, principal):
    dispatcher = principal("antu-dispatch")
    technician = db.scalar(select(TechnicianRow).limit(1))
    ticket, _ = tickets.create_ticket(db, KEYS, request=request(db), channel="phone", actor=setup)
    ticket.technician_id = technician.id
    _complete(db, ticket, dispatcher)
    before = credit.credit(db, kind="technician", subject_id=str(technician.id)).score
    tickets.rate(db, KEYS, number=ticket.number, phone="13800138000", stars=1, comment="门锁还是打不开")
    tickets.move(db, ticket_id=ticket.id, to=Status.reopened, version=ticket.version, note="又坏了", actor=dispatcher)
    after = credit.credit(db, kind="technician", subject_id=str(technician.id))
    assert after.score == pytest.approx(before + tickets.LOW_RATING_POINTS + tickets.REREPAIR_POINTS)
    reasons = [c.item.reason for c in after.public_reasons()]
    assert "低分评价（1 星）" in reasons and f"保修期内返修 {ticket.number}" in reasons
    assert all("门锁" not in r for r in reasons)  # the customer's words stay private


def test_arriving_well_after_the_planned_time_is_an_sla_breach_on_the_technicians_credit(db, setup, principal):
    dispatcher = principal("antu-dispatch")
    technician = db.scalar(select(TechnicianRow).limit(1))
    late, on_time = (tickets.create_ticket(db, KEYS, request=request(db, phone=p), channel="phone", actor=setup)[0]
                     for p in ("138 0013 8001", "138 0013 8002"))  # fmt: skip
    for ticket, planned in ((late, timedelta(minutes=-75)), (on_time, timedelta(minutes=-20))):
        ticket.technician_id = technician.id
        ticket.planned_arrival = datetime.now(UTC) + planned
        for step in (Status.dispatched, Status.accepted, Status.en_route, Status.on_site):
            tickets.move(db, ticket_id=ticket.id, to=step, version=ticket.version, note="", actor=dispatcher)
    score = credit.credit(db, kind="technician", subject_id=str(technician.id))
    breaches = [c for c in score.contributions if c.item.kind == "sla_breach"]
    assert len(breaches) == 1 and breaches[0].item.reason.startswith("上门迟到 75 分钟")
    assert late.number in breaches[0].item.reason  # 20 minutes late is within the grace
