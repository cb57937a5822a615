"""Professional negative reviewers: crews paid by many shops after complaints are found; not look-alikes."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.demo.extortion import EXTORTION_TEMPLATES, generate
from anxin.integrity.detectors.extortion import ExtortionDetector, detect
from anxin.integrity.events.schema import Event

T0 = 1_767_225_600_000
HOUR, DAY = 3_600_000, 86_400_000
TEMPLATE = EXTORTION_TEMPLATES[0]


def complaint(
    who: str,
    shop: str,
    t: int,
    *,
    paid: str | None = "refund",
    amount: int | None = None,
    withdrawn: bool = False,
    text: str = "质量一般",
    price: int = 2_000,
    context: dict | None = None,
) -> list[Event]:
    """An order, a 1-star review and, if ``paid``, the shop's refund or transfer a few hours later."""
    order, ctx = f"o-{who}-{shop}-{t}", context or {}
    review_id = f"rv-{order}"
    events = [
        Event(f"op-{order}", t, "t", "order_placed", who, order,
              {**ctx, "order": order, "shop": shop, "amount": price}),
        Event(review_id, t + DAY, "t", "review", who, order,
              {**ctx, "order": order, "shop": shop, "rating": 1, "text": text}),
    ]  # fmt: skip
    pay_time = t + DAY + 5 * HOUR
    if paid == "refund":
        refund = {**ctx, "order": order, "shop": shop, "amount": price if amount is None else amount}
        events.append(Event(f"rf-{order}", pay_time, "t", "refund", who, order, refund))
    elif paid == "transfer":
        events.append(
            Event(f"sh-{order}", t, "t", "order_shipped", f"staff-{shop}", attrs={"order": "x", "shop": shop})
        )
        transfer = {"to_account": who, "amount": amount or 9_000}
        events.append(Event(f"tf-{order}", pay_time, "t", "transfer", f"staff-{shop}", attrs=transfer))
    if withdrawn:
        withdrawal = {"order": order, "shop": shop, "review": review_id}
        events.append(Event(f"wd-{order}", pay_time + HOUR, "t", "review_withdrawn", who, order, withdrawal))
    return events


def background(n: int = 600, seed: int = 0) -> list[Event]:
    """Honest complaints at 40 shops: about a third refunded at the price, a few withdrawn afterwards."""
    rng = random.Random(seed)
    events = []
    for i in range(n):
        paid = "refund" if rng.random() < 0.3 else None
        events += complaint(
            f"bg{i}", f"shop{i % 40}", T0 + i * HOUR, paid=paid, withdrawn=paid is not None and rng.random() < 0.1
        )
    return events


def crew(names: list[str], shops: list[str], *, device: str | None = "farm-1") -> list[Event]:
    """A crew splitting ``shops`` among ``names``: template complaints paid above price, then withdrawn."""
    events = []
    for k, shop in enumerate(shops):
        who = names[k % len(names)]
        ctx = {"device": device} if device else {}
        kind = "refund" if k % 2 else "transfer"
        text = TEMPLATE if k % 3 else "真的，" + TEMPLATE + "😡"
        events += complaint(who, shop, T0 + k * DAY, paid=kind, amount=7_000, withdrawn=True, text=text, context=ctx)
    return events


def accounts_flagged(events: list[Event], **params) -> set[str]:
    return {a for f in detect(events, **params) for a in f.member_ids()}


def test_a_crew_splitting_shops_among_its_members_is_one_finding_with_exactly_its_members():
    shops = [f"victim{i}" for i in range(6)]
    events = background() + crew(["pro-a", "pro-b", "pro-c"], shops)
    [finding] = detect(events)
    assert finding.kind == finding.label == "extortion_reviewer"
    assert finding.member_ids() == ["pro-a", "pro-b", "pro-c"]
    assert finding.member_ids("shop") == shops
    assert finding.evidence["withdrawn"] == 6 and finding.evidence["above_price_or_transfer"] == 6
    assert finding.evidence["template"] == TEMPLATE
    assert "device:farm-1" in finding.evidence["shared_identifiers"]
    graph = finding.evidence["graph"]
    ids = {node["id"] for node in graph["nodes"]}
    assert all(link["source"] in ids and link["target"] in ids for link in graph["links"])
    texts = [r.render() for r in finding.reasons]
    assert texts[0] == "3 account(s) were paid by 6 shops after negative reviews"
    assert any("withdrawn after the payment" in t for t in texts)
    assert 0.9 < finding.score <= 1


def test_a_crew_without_shared_devices_is_still_joined_by_its_paid_template():
    shops = [f"victim{i}" for i in range(6)]
    [finding] = detect(background() + crew(["pro-a", "pro-b", "pro-c"], shops, device=None))
    assert finding.member_ids() == ["pro-a", "pro-b", "pro-c"] and finding.evidence["shared_identifiers"] == {}


def test_each_look_alike_alone_is_not_flagged():
    events = background()
    # an honest complaint refunded once
    events += complaint("once", "shop3", T0, withdrawn=True)
    # a heavy critic: 40 complaints at many shops, five of them refunded at the price
    for i in range(40):
        events += complaint("critic", f"shop{i % 40}", T0 + i * DAY, paid="refund" if i % 8 == 0 else None)
    # a bad-product shop refunding 60 complainers, a third of them withdrawn, some with the shipping fee on top
    for i in range(60):
        events += complaint(
            f"buyer{i}", "bad-shop", T0 + i * HOUR, amount=2_000 + 800 * (i % 5 == 0), withdrawn=i % 3 == 0
        )
    # a household behind one IP, each member refunded at two shops
    for p in range(4):
        for s in range(2):
            events += complaint(f"home-{p}", f"shop{p * 2 + s}", T0 + (p + s) * DAY, context={"ip": "home-ip"})
    assert detect(events) == []


def test_payments_before_the_review_after_the_window_or_for_another_order_do_not_count():
    events = background()
    for i in range(6):
        shop, order = f"victim{i}", f"o-late-{i}"
        events += complaint("late", shop, T0 + i * DAY, paid=None, text=TEMPLATE)
        refund = {"order": f"o-late-{shop}-{T0 + i * DAY}", "shop": shop, "amount": 9_000}
        events.append(Event(f"rf-late-{i}", T0 + i * DAY + 20 * DAY, "t", "refund", "late", order, refund))
        events += complaint("early", shop, T0 + i * DAY, paid=None, text=TEMPLATE)
        refund = {"order": f"o-early-{shop}-{T0 + i * DAY}", "shop": shop, "amount": 9_000}
        events.append(Event(f"rf-early-{i}", T0 + i * DAY - HOUR, "t", "refund", "early", order, refund))
        events += complaint("other", shop, T0 + i * DAY, paid=None, text=TEMPLATE)
        refund = {"order": "some-other-order", "shop": shop, "amount": 9_000}
        events.append(Event(f"rf-other-{i}", T0 + i * DAY + DAY + HOUR, "t", "refund", "other", order, refund))
    assert detect(events) == []
    assert accounts_flagged(events + crew(["pro"], [f"victim{i}" for i in range(6)])) == {"pro"}


def _canonical(findings) -> set[tuple]:
    return {(tuple(f.member_ids()), tuple(f.member_ids("shop")), f.score) for f in findings}


@settings(max_examples=15, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(3, 8), st.integers(1, 3))
def test_shuffling_and_renaming_do_not_change_the_result(rnd, n_shops, n_members):
    names = [f"pro-{m}" for m in range(n_members)]
    events = background(300) + crew(names, [f"victim{i}" for i in range(n_shops)])
    shuffled = events[:]
    rnd.shuffle(shuffled)
    assert _canonical(detect(shuffled)) == _canonical(detect(events))
    rename = {name: f"zz-{i}" for i, name in enumerate(sorted({e.actor for e in events}, reverse=True))}

    def renamed(e: Event) -> Event:
        attrs = {**e.attrs, **({"to_account": rename[e.attrs["to_account"]]} if "to_account" in e.attrs else {})}
        if "review" in attrs:  # the withdrawn review's id, renamed with it
            attrs["review"] = "id-" + attrs["review"][::-1]
        return Event("id-" + e.id[::-1], e.time_ms, e.tenant, e.type, rename[e.actor], e.subject, attrs)

    back = {new: old for old, new in rename.items()}
    expected = {(tuple(sorted(back[a] for a in f.member_ids())), tuple(f.member_ids("shop")), f.score)
                for f in detect([renamed(e) for e in shuffled])}  # fmt: skip
    assert expected == {(tuple(sorted(m)), s, score) for m, s, score in _canonical(detect(events))}


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 1_500))
def test_honest_background_never_hides_a_strong_case_and_scores_stay_in_range(seed, extra):
    strong = crew(["pro"], [f"victim{i}" for i in range(8)])
    events = background(600, seed) + background(extra, seed + 1) + strong
    findings = detect(events)
    assert any(f.member_ids() == ["pro"] for f in findings)
    assert all(0 <= f.score <= 1 for f in findings)


def test_shop_accounts_can_be_given_when_no_shipping_shows_them():
    events = background()
    for i in range(6):
        shop = f"victim{i}"
        events += complaint("pro", shop, T0 + i * DAY, paid=None, text=TEMPLATE)
        payment = {"to_account": "pro", "amount": 9_000}
        events.append(Event(f"tf{i}", T0 + i * DAY + DAY + HOUR, "t", "transfer", f"boss-{i}", attrs=payment))
    assert detect(events) == []
    assert accounts_flagged(events, shop_accounts={f"boss-{i}": f"victim{i}" for i in range(6)}) == {"pro"}
    assert ExtortionDetector().detect([]) == []


def test_planted_crews_at_several_strengths_are_found_among_look_alikes():
    stream = generate(seed=7, accounts=15_000, shops=600, reviews=60_000, crews=20)
    flagged = accounts_flagged(stream.events)
    truth = stream.extortionists
    assert len(flagged & truth) / len(flagged) >= 0.95
    assert len(flagged & truth) / len(truth) >= 0.95
    assert not any(a.startswith(("critic", "home")) for a in flagged)
