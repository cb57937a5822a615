"""A technician's own jobs: visit steps only, someone else's job is invisible, the contact reveal is logged."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from anxin.clocks.zones import CHINA
from anxin.demo.network import create_demo_network
from anxin.demo.tickets import create_demo_tickets, demo_customers
from anxin.errors import Forbidden, NotFound
from anxin.privacy.crypto import KeyRing
from anxin.privacy.models import Reveal
from anxin.service.dispatch import service as dispatch
from anxin.service.tickets.lifecycle import Status
from anxin.service.visits import service as visits

KEYS = KeyRing.generate()


@pytest.fixture
def assigned(db, demo, principal):
    create_demo_network(db)
    create_demo_tickets(db, KEYS, count=24)
    dispatch.auto_dispatch(db, actor=principal("antu-dispatch"), now=datetime(2026, 11, 24, 10, tzinfo=CHINA))
    db.flush()
    jobs = visits.my_jobs(db, actor=principal("antu-tech"))
    assert jobs, "the demo dispatch gives 郑建国 work"
    return jobs[0]


def test_visit_steps_and_logged_reveal(db, assigned, principal):
    me = principal("antu-tech")
    with pytest.raises(Forbidden):
        visits.contact_for_visit(db, KEYS, ticket_id=assigned.id, actor=me)  # not accepted yet
    for step in (Status.accepted, Status.en_route):
        visits.work_on(db, ticket_id=assigned.id, to=step, version=assigned.version, actor=me)
    contact = visits.contact_for_visit(db, KEYS, ticket_id=assigned.id, actor=me)
    known = {p.phone: p for p in demo_customers(24)}
    assert contact.phone.removeprefix("+86") in known
    assert contact.address == known[contact.phone.removeprefix("+86")].address.split("|")[0]
    [reveal] = db.scalars(select(Reveal)).all()
    assert reveal.subject == f"ticket:{assigned.id}" and reveal.fields == "address,name,phone"
    for step in (Status.on_site, Status.completed):
        visits.work_on(db, ticket_id=assigned.id, to=step, version=assigned.version, actor=me)
    with pytest.raises(Forbidden):
        visits.contact_for_visit(db, KEYS, ticket_id=assigned.id, actor=me)  # the visit is over


def test_only_visit_steps_and_only_own_jobs(db, assigned, principal):
    with pytest.raises(Forbidden):
        visits.work_on(
            db, ticket_id=assigned.id, to=Status.cancelled, version=assigned.version, actor=principal("antu-tech")
        )
    assert visits.my_jobs(db, actor=principal("antu-agent")) == []  # not linked to a technician: nothing to do
    with pytest.raises(NotFound):
        visits.work_on(
            db, ticket_id=assigned.id, to=Status.accepted, version=assigned.version, actor=principal("antu-agent")
        )
