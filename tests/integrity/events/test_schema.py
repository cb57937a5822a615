"""Event schema: the parser accepts what the docs promise and names the field of every rejection."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anxin.errors import InvalidInput
from anxin.integrity.events.schema import (
    COMMON_FIELDS,
    EVENT_ATTRIBUTES,
    EVENT_TYPES,
    SCHEMA_VERSION,
    Event,
    EventValidationError,
    parse_event,
)

T = 1_767_225_600_000


def base(**over):
    d = {"id": "e1", "time": T, "tenant": "t", "type": "order_placed", "actor": "a1", "attributes": {}}
    d.update(over)
    return d


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "$"),
        (base(id=None), "id"),
        (base(id=""), "id"),
        (base(id="x" * 129), "id"),
        (base(time=1_767_225_600), "time"),  # seconds, not ms
        (base(time="2026-01-01T00:00:00"), "time"),  # no zone
        (base(time=1.5), "time"),
        (base(type="order"), "type"),
        (base(actor=5), "actor"),
        (base(attributes=[]), "attributes"),
        (base(attributes={"amount": -1}), "attributes.amount"),
        (base(attributes={"amount": "10"}), "attributes.amount"),
        (base(attributes={"amount": True}), "attributes.amount"),
        (base(attributes={"rating": 5}), "attributes.rating"),  # not an order attribute
        (base(type="review", attributes={"rating": 6}), "attributes.rating"),
        (base(type="review", attributes={"photos": "p1"}), "attributes.photos"),
        (base(type="login", attributes={"success": "yes"}), "attributes.success"),
        (base(version=SCHEMA_VERSION + 1), "version"),
        (base(extra=1), "extra"),
    ],
)
def test_rejections_name_the_field(data, field):
    with pytest.raises(EventValidationError) as info:
        parse_event(data)
    assert isinstance(info.value, InvalidInput)
    assert info.value.detail["field"] == field and info.value.field == field


def test_times_money_and_round_trip():
    ev = parse_event(base(time="2026-01-01T00:00:00Z", attributes={"amount": 100.0, "device": "d", "ip": None}))
    assert ev.time_ms == 1_767_225_600_000 and ev.attrs == {"amount": 100, "device": "d"}
    assert isinstance(ev.attrs["amount"], int)
    assert parse_event(ev.to_dict()) == ev
    review = parse_event(base(type="review", attributes={"photos": ["a", "b"], "rating": 4}))
    assert review.attrs["photos"] == ("a", "b") and parse_event(review.to_dict()) == review


def test_field_specs_are_reusable_at_the_edge():
    assert [f.name for f in COMMON_FIELDS] == ["id", "time", "tenant", "type", "actor", "subject"]
    assert set(EVENT_TYPES) >= {
        "account_created",
        "login",
        "search",
        "item_view",
        "order_placed",
        "order_paid",
        "order_shipped",
        "order_delivered",
        "refund",
        "transfer",
        "review",
        "review_withdrawn",
        "subsidy_claim",
        "subsidy_approved",
        "staff_override",
    }
    amount = next(f for f in EVENT_ATTRIBUTES["order_paid"] if f.name == "amount")
    assert amount.python_type is int and amount.min == 0
    with pytest.raises(ValueError, match="type must be one of"):
        type(amount)("x", "decimal")


@given(
    st.sampled_from(EVENT_TYPES),
    st.text(min_size=1, max_size=20),
    st.integers(946_684_800_000, 4_102_444_800_000),
)
def test_valid_events_round_trip(etype, actor, t):
    ev = Event("id", t, "tenant", etype, actor)
    assert parse_event(ev.to_dict()) == ev


def test_entities_follow_the_schema():
    from anxin.integrity.events.schema import entities

    ev = parse_event(
        base(type="transfer", attributes={"to_account": "a2", "amount": 5, "ip": "1.2.3.4", "payment": "p"})
    )
    assert [(e.kind, e.id) for e in entities(ev)] == [
        ("account", "a1"),
        ("ip", "1.2.3.4"),
        ("payment", "p"),
        ("account", "a2"),
    ]
    staff = parse_event(base(type="staff_override", attributes={"beneficiary": "a9"}))
    assert [(e.kind, e.id) for e in entities(staff)] == [("staff", "a1"), ("account", "a9")]
