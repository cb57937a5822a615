"""Auto-dispatch on the demo network and tickets, against a real database: hard rules hold, results explained."""

from __future__ import annotations

from datetime import datetime

import pytest

from anxin.clocks.zones import CHINA
from anxin.demo.network import create_demo_network
from anxin.demo.tickets import create_demo_tickets
from anxin.errors import Forbidden, InvalidInput
from anxin.integrity.credit import service as credit
from anxin.privacy.crypto import KeyRing
from anxin.service.dispatch import service as dispatch
from anxin.service.technicians.models import Technician
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import Status
from anxin.service.tickets.models import Ticket, TicketEvent

TUESDAY_10AM = datetime(2026, 11, 24, 10, 0, tzinfo=CHINA)


@pytest.fixture
def waiting(db, demo):
    create_demo_network(db)
    create_demo_tickets(db, KeyRing.generate(), count=24)
    db.flush()


def test_assignments_respect_skills_territory_and_are_explained(db, waiting, principal):
    result = dispatch.auto_dispatch(db, actor=principal("antu-dispatch"), now=TUESDAY_10AM, time_limit=0.5)
    assert result.assigned, "the demo day has work the crew can do"
    for number, name, why in result.assigned:
        ticket = db.query(Ticket).filter_by(number=number).one()
        tech = db.get(Technician, ticket.technician_id)
        assert tech.name == name and ticket.status == "dispatched"
        assert ticket.lock_model in tech.skills, (number, ticket.lock_model, tech.skills)
        assert "km" in why and ticket.dispatch_note == why[:512]
        assert ticket.planned_arrival.astimezone(CHINA) >= TUESDAY_10AM
        assert tickets.history(db, ticket_id=ticket.id)[-1].actor_label == "antu-dispatch"
    left = dict(result.unassigned)
    for ticket in db.query(Ticket).filter(Ticket.status == "received"):
        assert ticket.number in left and ticket.dispatch_note  # every ticket left waiting says why
    yuhang = [t for t in db.query(Ticket).filter(Ticket.region_code == "330110")]
    assert yuhang and all(t.status == "received" for t in yuhang)  # no station's territory reaches 余杭区
    s3 = [t for t in db.query(Ticket).filter(Ticket.lock_model == "S3 Max")]
    assert s3 and all(t.status == "received" for t in s3)  # nobody is skilled for S3 Max


def test_nobody_on_shift_on_sunday_leaves_everything_waiting(db, waiting, principal):
    sunday = datetime(2026, 11, 29, 10, 0, tzinfo=CHINA)
    result = dispatch.auto_dispatch(db, actor=principal("antu-dispatch"), now=sunday, time_limit=0.2)
    assert result.assigned == [] and len(result.unassigned) == 24


def test_platform_staff_must_pick_a_brand(db, waiting, principal):
    with pytest.raises(Forbidden):
        dispatch.auto_dispatch(db, actor=principal("admin"), now=TUESDAY_10AM)


def test_the_optimizer_sees_each_technicians_credit(db, waiting, principal):
    """A technician with warranty re-repairs on record enters the problem with lower credit than the rest."""
    brand_id = principal("antu-dispatch").brand_id
    problem, *_ = dispatch.build_problem(db, brand_id=brand_id, now=TUESDAY_10AM)
    before = {t.id: t.credit for t in problem.technicians}
    careless = sorted(before)[0]
    for n in range(3):
        credit.record(db, kind="technician", subject_id=careless, item="rerepair", points=-8,
                      reason=f"保修期内返修 #{n}", actor_id=None)  # fmt: skip
    db.flush()
    problem, *_ = dispatch.build_problem(db, brand_id=brand_id, now=TUESDAY_10AM)
    after = {t.id: t.credit for t in problem.technicians}
    assert after[careless] < before[careless] and all(after[t] == before[t] for t in before if t != careless)


def test_booked_work_enters_the_next_run_pinned_so_no_day_is_planned_twice(db, waiting, principal):
    dispatcher = principal("antu-dispatch")
    first = dispatch.auto_dispatch(db, actor=dispatcher, now=TUESDAY_10AM, time_limit=0.5)
    assert first.assigned
    problem, still_waiting, *_ = dispatch.build_problem(db, brand_id=dispatcher.brand_id, now=TUESDAY_10AM)
    booked = {j.id: j.pinned for j in problem.jobs if j.id not in still_waiting}
    for number, _name, _why in first.assigned:
        ticket = db.query(Ticket).filter_by(number=number).one()
        assert booked[number] == str(ticket.technician_id)
    again = dispatch.auto_dispatch(db, actor=dispatcher, now=TUESDAY_10AM, time_limit=0.5)
    assert {n for n, _, _ in again.assigned}.isdisjoint({n for n, _, _ in first.assigned})


def test_a_dispatchers_pin_holds_and_the_hard_rules_still_apply(db, waiting, principal):
    dispatcher = principal("antu-dispatch")
    ticket = db.query(Ticket).filter(Ticket.lock_model == "S1", Ticket.region_code.in_(("330102", "330105"))).first()
    crew = {t.name: t for t in db.query(Technician).filter(Technician.brand_id == dispatcher.brand_id)}
    for name, words in (("刘洋", "lacks the skill"), ("陈勇", "does not cover")):  # no S1; 成都, not 杭州
        with pytest.raises(InvalidInput, match=words):
            dispatch.assign(db, ticket_id=ticket.id, technician_id=crew[name].id, actor=dispatcher, now=TUESDAY_10AM)
    assert ticket.status == "received" and ticket.technician_id is None
    result = dispatch.assign(db, ticket_id=ticket.id, technician_id=crew["王磊"].id, actor=dispatcher, now=TUESDAY_10AM)
    assert result.assigned[0][:2] == (ticket.number, "王磊")
    assert ticket.status == "dispatched" and ticket.technician_id == crew["王磊"].id
    assert "pinned by the dispatcher" in ticket.dispatch_note
    dispatch.auto_dispatch(db, actor=dispatcher, now=TUESDAY_10AM, time_limit=0.5)
    assert ticket.technician_id == crew["王磊"].id  # the optimizer keeps the dispatcher's choice


def test_a_booked_ticket_is_reassigned_until_its_technician_sets_off(db, waiting, principal):
    dispatcher = principal("antu-dispatch")
    ticket = db.query(Ticket).filter(Ticket.lock_model == "S1", Ticket.region_code.in_(("330102", "330105"))).first()
    crew = {t.name: t for t in db.query(Technician).filter(Technician.brand_id == dispatcher.brand_id)}
    dispatch.assign(db, ticket_id=ticket.id, technician_id=crew["王磊"].id, actor=dispatcher, now=TUESDAY_10AM)
    db.commit()
    with pytest.raises(InvalidInput, match="lacks the skill"):
        dispatch.assign(db, ticket_id=ticket.id, technician_id=crew["刘洋"].id, actor=dispatcher, now=TUESDAY_10AM)
    db.rollback()  # as every caller does with a refused change: the booking with 王磊 stands
    assert ticket.status == "dispatched" and ticket.technician_id == crew["王磊"].id
    zheng = crew["郑建国"].id
    result = dispatch.assign(db, ticket_id=ticket.id, technician_id=zheng, actor=dispatcher, now=TUESDAY_10AM)
    assert result.assigned[0][:2] == (ticket.number, "郑建国") and ticket.technician_id == zheng
    moves = [(e.from_status, e.to_status) for e in db.query(TicketEvent).filter_by(ticket_id=ticket.id)]
    assert moves[-2:] == [("dispatched", "received"), ("received", "dispatched")]  # the take-back is on record
    for step in (Status.accepted, Status.en_route):
        tickets.move(db, ticket_id=ticket.id, to=step, version=ticket.version, note="", actor=principal("admin"))
    with pytest.raises(InvalidInput, match="not yet under way"):
        dispatch.assign(db, ticket_id=ticket.id, technician_id=crew["王磊"].id, actor=dispatcher, now=TUESDAY_10AM)
