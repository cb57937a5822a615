"""Cashback channels: payers whose payments keep following praise are found; honest money that looks alike is not."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.demo.integrity import CASHBACK_REVIEWERS, cashback_events
from anxin.demo.money import generate
from anxin.integrity.detectors.cashback import detect
from anxin.integrity.events.schema import Event

T0 = 1_767_225_600_000
HOUR, DAY = 3_600_000, 86_400_000


def review(n: int, who: str, shop: str, t: int, rating: int = 5, order: str | None = None) -> Event:
    attrs = {"shop": shop, "rating": rating, **({"order": order} if order else {})}
    return Event(f"rv-{n}-{who}", t, "t", "review", who, order, attrs)


def transfer(n: int, payer: str, payee: str, t: int, amount: int = 1_000) -> Event:
    return Event(f"tf-{n}-{payer}", t, "t", "transfer", payer, attrs={"to_account": payee, "amount": amount})


def background(n: int = 400) -> list[Event]:
    """Honest praise across 20 shops, so the population and each shop's praisers are realistic."""
    return [review(i, f"u{i}", f"shop{i % 20}", T0 + i * 60_000) for i in range(n)]


def test_the_demo_channel_is_found_and_its_look_alikes_are_not():
    events = background() + cashback_events(T0)
    [finding] = detect(events)
    assert finding.member_ids() == ["cb-agent"] and finding.member_ids("shop") == ["shop-015"]
    assert set(finding.member_ids("reviewer")) == {f"cb-{i:02d}" for i in range(CASHBACK_REVIEWERS)}
    assert finding.evidence["share_after_praise"] == 1.0 and len(finding.evidence["payments"]) == CASHBACK_REVIEWERS
    texts = [r.render() for r in finding.reasons]
    assert any("equal the reviewed order's price" in t for t in texts)
    assert finding.score > 0.9


def test_a_shop_refunding_its_praisers_is_the_channel_itself():
    events = background()
    for i in range(6):
        order = f"o{i}"
        events.append(
            Event(f"op{i}", T0 + i, "t", "order_placed", f"b{i}", order, {"order": order, "shop": "s9", "amount": 990})
        )
        events.append(review(i, f"b{i}", "s9", T0 + DAY + i, order=order))
        refund = {"order": order, "shop": "s9", "amount": 990}
        events.append(Event(f"rf{i}", T0 + DAY + 2 * HOUR + i, "t", "refund", f"b{i}", order, refund))
    [finding] = detect(events)
    assert finding.members[0].kind == "shop" and finding.members[0].id == "s9"
    assert finding.member_ids() == []  # no account carries the label; the shop is penalised through credit


def test_complaint_refunds_late_payments_and_payments_before_the_review_do_not_count():
    events = background()
    for i in range(8):
        order = f"o{i}"
        events.append(review(i, f"c{i}", "s5", T0 + DAY, rating=1, order=order))  # a complaint, then a refund
        events.append(Event(f"rf{i}", T0 + DAY + HOUR, "t", "refund", f"c{i}", order, {"order": order, "shop": "s5"}))
        events.append(review(100 + i, f"p{i}", "s6", T0 + 2 * DAY))
        events.append(transfer(i, "early-payer", f"p{i}", T0 + DAY))  # paid before the review
        events.append(transfer(100 + i, "late-payer", f"p{i}", T0 + 20 * DAY))  # long after
    assert detect(events) == []


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 4), st.integers(0, 10 * DAY), st.integers(1, 5)), max_size=120
    ),
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 30), st.integers(0, 12 * DAY)), max_size=120),
)
def test_every_paid_reviewer_was_paid_after_praising_within_the_window(reviews, payments):
    events = [review(n, f"u{u}", f"s{s}", T0 + t, rating=r) for n, (u, s, t, r) in enumerate(reviews)]
    events += [transfer(n, f"payer{p}", f"u{u}", T0 + t) for n, (p, u, t) in enumerate(payments)]
    praised = {(f"u{u}", f"s{s}", T0 + t) for u, s, t, r in reviews if r >= 4}
    for finding in detect(events, alpha=1.0, min_reviewers=1):
        for payment in finding.evidence["payments"]:
            assert (payment["to"], payment["shop"], payment["review_ms"]) in praised
            assert 0 <= payment["time_ms"] - payment["review_ms"] <= 7 * DAY


def test_planted_channels_at_several_strengths_are_found_among_look_alikes():
    stream = generate(seed=11, accounts=30_000, shops=600, reviews=90_000, channels=12, refunding_shops=6)
    flagged = {f.members[0].id for f in detect(stream.events)}
    truth = set(stream.channel_payers) | set(stream.refunding_shops)
    assert len(flagged & truth) / len(flagged) >= 0.95
    assert len(flagged & truth) / len(truth) >= 0.95
    assert not any(payer.startswith("payroll-") for payer in flagged)
