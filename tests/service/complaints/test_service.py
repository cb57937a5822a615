"""Complaints about completed repairs: the state machine, replies, history, refunds within the charge, brand scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.service.visits.helpers import TECHNICIAN, complete_with_part, dispatched_jobs, image, stored

from anxin.errors import Conflict, InvalidInput, NotFound
from anxin.integrity.credit.models import CreditRecord
from anxin.privacy.crypto import KeyRing
from anxin.service.complaints import service as complaints
from anxin.service.tickets.lifecycle import Status

KEYS = KeyRing.generate()


@pytest.fixture
def jobs(db, demo, principal):
    return dispatched_jobs(db, KEYS, principal)


@pytest.fixture
def repaired(db, jobs, principal, tmp_path):
    """A completed repair that charged 2 × ¥35.00 of parts."""
    complete_with_part(db, KEYS, jobs[0], principal(TECHNICIAN), tmp_path, price_fen=3500)
    return jobs[0]


def _file(db, ticket, **overrides):
    fields = {"category": "quality", "text": "换完电池第二天又打不开", "files": [], "actor": None} | overrides
    return complaints.file_complaint(db, KEYS, ticket=ticket, **fields)


def test_the_customers_words_are_sealed_at_rest_and_opened_for_the_desk(db, repaired):
    complaint = _file(db, repaired, text="我叫王小明，电话 13812345678，住在幸福小区 3 幢")
    db.commit()
    raw = db.execute(select(complaints.Complaint.text_sealed).where(complaints.Complaint.id == complaint.id)).scalar()
    assert "13812345678" not in raw and "王小明" not in raw
    assert complaints.text_of(KEYS, complaint) == "我叫王小明，电话 13812345678，住在幸福小区 3 幢"
    assert complaints.to_read(KEYS, complaint).text.startswith("我叫王小明")


def test_a_complaint_is_investigated_and_upheld_with_a_reply(db, repaired, principal):
    admin = principal("antu-admin")
    complaint = _file(db, repaired)
    assert complaint.number.startswith("TS") and complaint.status == "open" and complaint.channel == "online"
    assert complaint.parts_charged_fen == 7000 and complaint.promised_warranty_until == repaired.warranty_until
    assert complaint.promised_response_minutes == repaired.response_minutes
    with pytest.raises(Conflict) as skipped:
        complaints.move(db, complaint_id=complaint.id, to="resolved", reply="已处理", version=complaint.version,
                        actor=admin)  # fmt: skip
    assert skipped.value.detail["allowed"] == ["investigating"]
    complaints.move(db, complaint_id=complaint.id, to="investigating", reply="", version=complaint.version, actor=admin)
    with pytest.raises(InvalidInput) as silent:
        complaints.move(db, complaint_id=complaint.id, to="resolved", reply=" ", version=complaint.version, actor=admin)
    assert silent.value.detail["field"] == "reply"
    complaints.move(db, complaint_id=complaint.id, to="resolved", reply="师傅明天上门免费重装电池仓",
                    version=complaint.version, actor=admin)  # fmt: skip
    assert complaint.status == "resolved" and complaint.reply.startswith("师傅明天")
    steps = [(e.action, e.actor_label) for e in complaints.history(db, complaint.id)]
    assert steps == [("filed", "customer (online)"), ("investigating", "antu-admin"), ("resolved", "antu-admin")]
    [item] = db.scalars(select(CreditRecord).where(CreditRecord.kind == "complaint")).all()
    assert item.subject_id == str(repaired.technician_id) and item.points == complaints.UPHELD_POINTS
    assert item.evidence == complaint.number
    with pytest.raises(Conflict):  # decided: nothing further
        complaints.move(db, complaint_id=complaint.id, to="rejected", reply="x", version=complaint.version,
                        actor=admin)  # fmt: skip


def test_a_rejected_complaint_costs_the_technician_nothing(db, repaired, principal):
    admin = principal("antu-admin")
    complaint = _file(db, repaired, category="conduct", actor=principal("antu-agent"))
    assert complaint.channel == "agent"
    complaints.move(db, complaint_id=complaint.id, to="investigating", reply="", version=complaint.version, actor=admin)
    complaints.move(db, complaint_id=complaint.id, to="rejected", reply="通话录音显示师傅态度正常",
                    version=complaint.version, actor=admin)  # fmt: skip
    assert db.scalars(select(CreditRecord).where(CreditRecord.kind == "complaint")).all() == []


def test_refunds_stay_within_what_the_parts_charged(db, repaired, principal):
    admin = principal("antu-admin")
    first = _file(db, repaired, category="overcharge")
    with pytest.raises(Conflict):  # not while merely received
        complaints.refund(db, complaint_id=first.id, amount_fen=100, reason="多收", version=first.version, actor=admin)
    complaints.move(db, complaint_id=first.id, to="investigating", reply="", version=first.version, actor=admin)
    for too_much in (7001, 0, -5):
        with pytest.raises(InvalidInput) as refused:
            complaints.refund(db, complaint_id=first.id, amount_fen=too_much, reason="多收", version=first.version,
                              actor=admin)  # fmt: skip
        assert refused.value.detail == {"field": "amount", "max_fen": 7000}
    with pytest.raises(Conflict):  # someone else changed it since this version was read
        complaints.refund(db, complaint_id=first.id, amount_fen=3000, reason="多收", version=first.version - 1,
                          actor=admin)  # fmt: skip
    complaints.refund(db, complaint_id=first.id, amount_fen=3000, reason="电池按原价收费", version=first.version,
                      actor=admin)  # fmt: skip
    with pytest.raises(Conflict):  # once per complaint
        complaints.refund(db, complaint_id=first.id, amount_fen=100, reason="再退", version=first.version, actor=admin)
    complaints.move(db, complaint_id=first.id, to="resolved", reply="已退 30 元", version=first.version, actor=admin)
    second = _file(db, repaired, category="quality")
    complaints.move(db, complaint_id=second.id, to="investigating", reply="", version=second.version, actor=admin)
    with pytest.raises(InvalidInput) as refused:
        complaints.refund(db, complaint_id=second.id, amount_fen=4001, reason="返修", version=second.version,
                          actor=admin)  # fmt: skip
    assert refused.value.detail["max_fen"] == 4000
    complaints.refund(db, complaint_id=second.id, amount_fen=4000, reason="返修", version=second.version, actor=admin)
    assert complaints.refunded_fen(db, repaired.id) == 7000
    assert [e.amount_fen for e in complaints.history(db, second.id) if e.action == "refund"] == [4000]


def test_only_completed_repairs_and_one_pending_complaint_at_a_time(db, jobs, repaired, principal, tmp_path):
    with pytest.raises(Conflict):
        _file(db, jobs[1])  # dispatched, not repaired yet
    with pytest.raises(InvalidInput) as uncategorised:
        _file(db, repaired, category="nonsense")
    assert uncategorised.value.detail["field"] == "category"
    with pytest.raises(InvalidInput) as not_photo:
        _file(db, repaired, files=[stored(tmp_path, b"%PDF-1.7 not a photo")])
    assert not_photo.value.detail["field"] == "photos"
    _file(db, repaired, files=[stored(tmp_path, image("JPEG"))])
    with pytest.raises(Conflict):
        _file(db, repaired)
    assert repaired.status == Status.completed


def test_a_brand_admin_sees_only_their_brands_complaints(db, repaired, principal):
    complaint = _file(db, repaired, category="late")
    other = principal("jinghong-admin")
    with pytest.raises(NotFound):
        complaints.get_complaint(db, complaint_id=complaint.id, viewer=other)
    with pytest.raises(NotFound):
        complaints.move(db, complaint_id=complaint.id, to="investigating", reply="", version=complaint.version,
                        actor=other)  # fmt: skip
    assert complaints.list_complaints(db, viewer=other) == []
    admin = principal("antu-admin")
    assert complaints.list_complaints(db, viewer=admin) == [(complaint, repaired.number)]
    assert complaints.list_complaints(db, viewer=admin, status="open", category="late", number=repaired.number)
    assert complaints.list_complaints(db, viewer=admin, number=complaint.number.lower())
    assert complaints.list_complaints(db, viewer=admin, status="resolved") == []
    assert complaints.list_complaints(db, viewer=admin, category="damage") == []
