"""Membership against a real database: tiers per brand, members by phone, and what a tier gives a ticket."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.service.members.helpers import GOLD, KEYS, SILVER, T0, intake

from anxin.audit.models import AuditEntry
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.service.customers import service as customers
from anxin.service.dispatch import service as dispatch
from anxin.service.members import service as members
from anxin.service.tickets import service as tickets


def test_brand_admin_creates_edits_and_lists_tiers_best_first(db, admin):
    silver = members.create_tier(db, actor=admin, terms=SILVER)
    gold = members.create_tier(db, actor=admin, terms=GOLD)
    assert [t.name for t in members.list_tiers(db, viewer=admin)] == ["金卡会员", "银卡会员"]
    members.edit_tier(db, actor=admin, tier_id=silver.id, terms=SILVER.model_copy(update={"response_minutes": 22}))
    assert (silver.response_minutes, gold.response_minutes) == (22, 20)
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert actions[-3:] == ["member_tier.create", "member_tier.create", "member_tier.edit"]


@pytest.mark.parametrize(
    ("change", "field", "error"),
    [
        ({"name": ""}, "name", InvalidInput),
        ({"rank": 0}, "rank", InvalidInput),
        ({"response_minutes": 45}, "response_minutes", InvalidInput),  # never slower than the standard 30
        ({"response_minutes": 2}, "response_minutes", InvalidInput),
        ({"discount_percent": 120}, "discount_percent", InvalidInput),
        ({"name": "金卡会员", "rank": 9}, "name", Conflict),
        ({"name": "白金会员"}, "rank", Conflict),
    ],
)
def test_terms_a_brand_cannot_keep_are_refused_by_field(db, admin, change, field, error):
    members.create_tier(db, actor=admin, terms=GOLD)
    with pytest.raises(error) as refused:
        members.create_tier(db, actor=admin, terms=GOLD.model_copy(update=change))
    assert refused.value.detail["field"] == field and refused.value.message_zh


def test_assign_finds_the_customer_by_phone_enrolls_a_new_one_and_takes_a_tier_away(db, admin):
    gold = members.create_tier(db, actor=admin, terms=GOLD)
    caller = intake(db, "138 0013 8000").customer_id
    assert members.assign(db, KEYS, actor=admin, phone="13800138000", name="", tier_id=gold.id).id == caller
    with pytest.raises(InvalidInput) as unknown:
        members.assign(db, KEYS, actor=admin, phone="13900139000", name="", tier_id=gold.id)
    assert unknown.value.detail == {"field": "name"}
    enrolled = members.assign(db, KEYS, actor=admin, phone="13900139000", name="李娜", tier_id=gold.id)
    assert customers.masked_name(KEYS, enrolled) == "李*"
    assert [(m.phone, m.tier_name) for m in members.members_of(db, KEYS, viewer=admin)] == [
        ("139****9000", "金卡会员"),
        ("138****8000", "金卡会员"),
    ]
    assert members.member_counts(db, viewer=admin) == {gold.id: 2}
    members.assign(db, KEYS, actor=admin, phone="13900139000", name="", tier_id=None)
    assert members.member_counts(db, viewer=admin) == {gold.id: 1}
    with pytest.raises(InvalidInput) as hotline:
        members.assign(db, KEYS, actor=admin, phone="400-1865-909", name="x", tier_id=gold.id)
    assert hotline.value.detail == {"field": "phone"}
    assert db.scalars(select(AuditEntry.detail).where(AuditEntry.action == "member.assign")).all()[0] == {
        "phone": "138****8000",
        "from_tier": None,
        "to_tier": gold.id,
    }


def test_a_brand_admin_cannot_touch_another_brands_tiers_or_customers(db, admin, principal):
    gold = members.create_tier(db, actor=admin, terms=GOLD)
    antu_customer = intake(db, "13800138000").customer_id
    other = principal("jinghong-admin")
    assert members.list_tiers(db, viewer=other) == []
    with pytest.raises(NotFound):
        members.edit_tier(db, actor=other, tier_id=gold.id, terms=SILVER)
    with pytest.raises(NotFound):
        members.assign(db, KEYS, actor=other, phone="13800138000", name="陈晨", tier_id=gold.id)
    # Their own tier for the same phone number makes a customer of their brand; 安途's customer is untouched.
    own = members.create_tier(db, actor=other, terms=GOLD)
    theirs = members.assign(db, KEYS, actor=other, phone="13800138000", name="陈晨", tier_id=own.id)
    assert theirs.id != antu_customer and theirs.brand_id == other.brand_id
    assert members.members_of(db, KEYS, viewer=admin) == [] and members.member_counts(db, viewer=admin) == {}
    with pytest.raises(Forbidden):
        members.create_tier(db, actor=principal("admin"), terms=SILVER)


def test_intake_takes_the_tiers_promise_and_keeps_it_when_the_tier_changes(db, admin):
    gold = members.create_tier(db, actor=admin, terms=GOLD)
    members.assign(db, KEYS, actor=admin, phone="13800138000", name="陈晨", tier_id=gold.id)
    first = intake(db, "13800138000")
    assert (first.member_tier_id, first.response_minutes, first.discount_percent, first.queue_priority) == (
        gold.id,
        20,
        10,
        3,
    )
    view = tickets.to_read(db, KEYS, first)
    assert (view.member_tier, view.response_minutes, view.discount_percent) == ("金卡会员", 20, 10)
    members.edit_tier(db, actor=admin, tier_id=gold.id, terms=GOLD.model_copy(update={"response_minutes": 15}))
    second = intake(db, "13800138000", minutes=60)
    assert (first.response_minutes, second.response_minutes) == (20, 15)
    members.assign(db, KEYS, actor=admin, phone="13800138000", name="", tier_id=None)
    standard = intake(db, "13800138000", minutes=120)
    assert (standard.member_tier_id, standard.response_minutes, standard.discount_percent) == (None, 30, 0)
    assert standard.queue_priority == 0


def test_members_with_priority_dispatch_are_offered_first_then_the_oldest(db, admin):
    gold = members.create_tier(db, actor=admin, terms=GOLD)
    silver = members.create_tier(db, actor=admin, terms=SILVER)  # no priority dispatch: waits its turn
    members.assign(db, KEYS, actor=admin, phone="13900139000", name="李娜", tier_id=gold.id)
    members.assign(db, KEYS, actor=admin, phone="13700137000", name="王伟", tier_id=silver.id)
    plain = intake(db, "13800138000", minutes=0)
    silver_ticket = intake(db, "13700137000", minutes=1)
    gold_ticket = intake(db, "13900139000", minutes=2)
    problem, waiting, _rows, _unplaceable = dispatch.build_problem(db, brand_id=admin.brand_id, now=T0)
    assert [job.id for job in problem.jobs] == [gold_ticket.number, plain.number, silver_ticket.number]
    assert list(waiting) == [gold_ticket.number, plain.number, silver_ticket.number]
