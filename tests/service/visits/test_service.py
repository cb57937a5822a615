"""A technician's own jobs and the visit record: steps, reveal log, photos, parts, signature, retried steps."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from tests.service.visits.helpers import (
    HERE,
    TECHNICIAN,
    check_in,
    complete_with_part,
    dispatched_jobs,
    image,
    key,
    stored,
)

from anxin.demo.tickets import demo_customers
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.privacy.crypto import KeyRing
from anxin.privacy.models import Reveal
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import Status
from anxin.service.visits import service as visits
from anxin.service.visits.models import VisitRecord, VisitStep

KEYS = KeyRing.generate()


@pytest.fixture
def assigned(db, demo, principal):
    return dispatched_jobs(db, KEYS, principal)[0]


@pytest.fixture
def on_site(db, assigned, principal):
    check_in(db, KEYS, assigned, principal(TECHNICIAN))
    return assigned


def test_visit_steps_and_logged_reveal(db, assigned, principal, tmp_path):
    me = principal(TECHNICIAN)
    with pytest.raises(Forbidden):
        visits.contact_for_visit(db, KEYS, ticket_id=assigned.id, actor=me)  # not accepted yet
    for step in (Status.accepted, Status.en_route):
        visits.move_job(db, ticket_id=assigned.id, key=key(), to=step, actor=me)
    contact = visits.contact_for_visit(db, KEYS, ticket_id=assigned.id, actor=me)
    known = {p.phone: p for p in demo_customers(24)}
    assert contact.phone.removeprefix("+86") in known
    assert contact.address == known[contact.phone.removeprefix("+86")].address.split("|")[0]
    [reveal] = db.scalars(select(Reveal)).all()
    assert reveal.subject == f"ticket:{assigned.id}" and reveal.fields == "address,name,phone"
    visits.check_in(db, KEYS, ticket_id=assigned.id, key=key(), position=HERE, actor=me)
    visits.complete(
        db, ticket_id=assigned.id, key=key(), summary="换锁芯", signature=stored(tmp_path, image()), actor=me
    )
    with pytest.raises(Forbidden):
        visits.contact_for_visit(db, KEYS, ticket_id=assigned.id, actor=me)  # the visit is over


def test_only_visit_steps_and_only_own_jobs(db, assigned, principal):
    with pytest.raises(Forbidden):
        visits.move_job(db, ticket_id=assigned.id, key=key(), to=Status.cancelled, actor=principal(TECHNICIAN))
    assert visits.my_jobs(db, actor=principal("antu-agent")) == []  # not linked to a technician: nothing to do
    with pytest.raises(NotFound):
        visits.move_job(db, ticket_id=assigned.id, key=key(), to=Status.accepted, actor=principal("antu-agent"))


def test_check_in_seals_the_position_or_needs_a_note(db, assigned, principal):
    me = principal(TECHNICIAN)
    for step in (Status.accepted, Status.en_route):
        visits.move_job(db, ticket_id=assigned.id, key=key(), to=step, actor=me)
    with pytest.raises(InvalidInput) as refused:
        visits.check_in(db, KEYS, ticket_id=assigned.id, key=key(), position=visits.Position(), actor=me)
    assert refused.value.detail["field"] == "note" and "位置说明" in refused.value.message_zh
    visits.check_in(db, KEYS, ticket_id=assigned.id, key=key(), position=visits.Position(note="3幢东门"), actor=me)
    record = db.scalar(select(VisitRecord))
    assert not record.located and "3幢" not in record.position_sealed
    assert json.loads(KEYS.open(record.position_sealed, context=visits.POSITION))["note"] == "3幢东门"
    assert assigned.status == "on_site"
    with pytest.raises(Conflict):
        visits.check_in(db, KEYS, ticket_id=assigned.id, key=key(), position=HERE, actor=me)


def test_photos_must_be_images(db, on_site, principal, tmp_path):
    me = principal(TECHNICIAN)
    pdf = stored(tmp_path, b"%PDF-1.7 a receipt, not a photo")
    with pytest.raises(InvalidInput) as refused:
        visits.add_photo(db, ticket_id=on_site.id, key=key(), kind="fault", file=pdf, actor=me)
    assert refused.value.detail["field"] == "file"
    with pytest.raises(InvalidInput, match="only PNG"):
        stored(tmp_path, b"MZ\x90\x00 a program renamed fault.jpg")  # the upload store refuses it first
    visits.add_photo(db, ticket_id=on_site.id, key=key(), kind="fault", file=stored(tmp_path, image("JPEG")), actor=me)
    [photo] = visits.visit_view(db, on_site).photos
    assert photo.kind == "fault" and photo.content_type == "image/jpeg"


def test_parts_are_edited_until_completion(db, on_site, principal, tmp_path):
    me = principal(TECHNICIAN)
    battery, handle = key(), key()
    line = visits.PartLine(name="锂电池组", code="BAT-4", quantity=1, unit_price_fen=3500)
    visits.save_part(db, ticket_id=on_site.id, key=key(), part_key=battery, line=line, actor=me)
    visits.save_part(db, ticket_id=on_site.id, key=key(), part_key=handle,
                     line=visits.PartLine("把手", "", 1, 8000), actor=me)  # fmt: skip
    visits.save_part(db, ticket_id=on_site.id, key=key(), part_key=battery,
                     line=visits.PartLine("锂电池组", "BAT-4", 2, 3500), actor=me)  # fmt: skip
    visits.remove_part(db, ticket_id=on_site.id, key=key(), part_key=handle, actor=me)
    view = visits.visit_view(db, on_site)
    assert [(p.name, p.quantity) for p in view.parts] == [("锂电池组", 2)] and view.parts_total_fen == 7000
    with pytest.raises(InvalidInput) as refused:
        visits.save_part(db, ticket_id=on_site.id, key=key(), part_key=key(),
                         line=visits.PartLine("螺丝", "", 0, 100), actor=me)  # fmt: skip
    assert refused.value.detail["field"] == "quantity" and refused.value.message_zh.startswith("数量")
    visits.complete(
        db, ticket_id=on_site.id, key=key(), summary="换电池", signature=stored(tmp_path, image()), actor=me
    )
    with pytest.raises(Conflict):
        visits.save_part(db, ticket_id=on_site.id, key=key(), part_key=battery, line=line, actor=me)
    assert visits.parts_total_fen(db, on_site.id) == 7000


def test_completion_needs_a_signature_and_a_summary(db, on_site, principal, tmp_path):
    me = principal(TECHNICIAN)
    with pytest.raises(Conflict) as unsigned:
        visits.complete(db, ticket_id=on_site.id, key=key(), summary="换电池", signature=None, actor=me)
    assert unsigned.value.detail["field"] == "signature" and on_site.status == "on_site"
    with pytest.raises(InvalidInput):
        visits.complete(db, ticket_id=on_site.id, key=key(), summary="换电池",
                        signature=stored(tmp_path, image("JPEG")), actor=me)  # fmt: skip
    with pytest.raises(InvalidInput) as no_summary:
        visits.complete(db, ticket_id=on_site.id, key=key(), summary=" ", signature=stored(tmp_path, image()), actor=me)
    assert no_summary.value.detail["field"] == "summary"
    visits.complete(
        db, ticket_id=on_site.id, key=key(), summary="换电池", signature=stored(tmp_path, image()), actor=me
    )
    view = visits.visit_view(db, on_site)
    assert on_site.status == "completed" and view.signature is not None and view.summary == "换电池"
    assert view.warranty_until is not None and view.checked_in_at is not None and view.located


def test_a_retried_step_is_applied_once(db, on_site, principal):
    me = principal(TECHNICIAN)
    step, part = key(), key()
    line = visits.PartLine(name="锂电池组", code="", quantity=1, unit_price_fen=3500)
    first = visits.save_part(db, ticket_id=on_site.id, key=step, part_key=part, line=line, actor=me)
    again = visits.save_part(db, ticket_id=on_site.id, key=step, part_key=part,
                             line=visits.PartLine("锂电池组", "", 5, 3500), actor=me)  # fmt: skip
    assert not first.replayed and again.replayed and again.status == first.status
    assert visits.visit_view(db, on_site).parts[0].quantity == 1  # the retry changed nothing
    assert db.scalar(select(func.count()).select_from(VisitStep).where(VisitStep.key == step)) == 1
    with pytest.raises(Conflict):  # a new step that is illegal now is refused with the reason
        visits.move_job(db, ticket_id=on_site.id, key=key(), to=Status.accepted, actor=me)


def test_a_queued_move_does_not_overwrite_the_dispatchers_change(db, assigned, principal):
    """The phone queued 'accept' offline; meanwhile the dispatcher put the ticket back in the queue."""
    tickets.move(db, ticket_id=assigned.id, to=Status.received, version=assigned.version, note="",
                 actor=principal("antu-dispatch"))  # fmt: skip
    with pytest.raises(Conflict):
        visits.move_job(db, ticket_id=assigned.id, key=key(), to=Status.accepted, actor=principal(TECHNICIAN))


def test_check_in_after_the_dispatcher_marked_the_arrival(db, assigned, principal, tmp_path):
    """The dispatcher set the job on site from the phone call; the technician still checks in before finishing."""
    me = principal(TECHNICIAN)
    visits.move_job(db, ticket_id=assigned.id, key=key(), to=Status.accepted, actor=me)
    for step in (Status.en_route, Status.on_site):
        tickets.move(db, ticket_id=assigned.id, to=step, version=assigned.version, note="电话确认已到",
                     actor=principal("antu-dispatch"))  # fmt: skip
    signed = stored(tmp_path, image())
    with pytest.raises(Conflict):
        visits.complete(db, ticket_id=assigned.id, key=key(), summary="换电池", signature=signed, actor=me)
    visits.check_in(db, KEYS, ticket_id=assigned.id, key=key(), position=HERE, actor=me)
    visits.complete(db, ticket_id=assigned.id, key=key(), summary="换电池", signature=signed, actor=me)
    assert assigned.status == "completed"


def test_the_member_discount_promised_at_intake_comes_off_the_parts_charge(db, assigned, principal, tmp_path):
    job = assigned
    job.discount_percent = 15  # what intake copies from a member's tier (members.promise_for)
    complete_with_part(db, KEYS, job, principal(TECHNICIAN), tmp_path, price_fen=3333)
    view = visits.visit_view(db, job)
    assert (view.parts_list_fen, view.discount_percent, view.parts_total_fen) == (6666, 15, 6666 - 1000)
    assert visits.parts_total_fen(db, job.id) == 5666  # what a complaint records as charged and may refund
