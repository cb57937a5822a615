"""Sales spikes with context: bought spikes are told apart from promotions, and each context is named."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.demo.spikes import generate
from anxin.integrity.detectors.spikes import SpikeDetector, detect, region_of
from anxin.integrity.events.schema import Event

T0 = 1_767_196_800_000  # 2026-01-01 00:00 China time
MIN, HOUR, DAY = 60_000, 3_600_000, 86_400_000
SPIKE_AT = T0 + 5 * DAY + 20 * HOUR


class Stream:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, t: int, etype: str, actor: str, attrs: dict) -> None:
        self.events.append(Event(f"e{len(self.events)}", t, "t", etype, actor, None, attrs))

    def order(self, t, who, shop, *, amount=5_000, refund_after=None, **ctx) -> None:
        oid = f"o{len(self.events)}"
        self.add(t, "order_placed", who, {"shop": shop, "order": oid, "amount": amount, **ctx})
        if refund_after is not None:
            self.add(t + refund_after, "refund", who, {"shop": shop, "order": oid, "amount": amount})


def usual_trade(s: Stream, shop: str = "s1", *, days: int = 7, per_day: int = 48, seed: int = 0, **fixed) -> None:
    """A shop's ordinary week: 2 orders an hour from 400 existing accounts across 100 networks, 4 % refunded."""
    rng = random.Random(seed)
    for d in range(days):
        for i in range(per_day):
            who = rng.randrange(400)
            ctx = {"ip": f"10.{who % 100}.{who}.1", "device": f"d{who}", "payment": f"c{who}", **fixed}
            refund = DAY if rng.random() < 0.04 else None
            s.order(T0 + d * DAY + i * DAY // per_day, f"{shop}-u{who}", shop, refund_after=refund, **ctx)


def background(s: Stream) -> None:
    """Other shops, so the day's rhythm comes from the platform and not from the shop under test."""
    for k in range(5):
        usual_trade(s, f"other{k}", seed=k + 1)


def spike(s: Stream, n: int = 60, *, new=False, linked=False, region=False, discount=False, shop="s1") -> set[str]:
    buyers = set()
    for j in range(n):
        t = SPIKE_AT + j * (HOUR // n)
        who = f"new{j}" if new else f"{shop}-u{(j * 7) % 400}"
        if new:
            s.add(t - 10 * MIN, "account_created", who, {"device": f"nd{j}"})
        ctx = {"ip": f"10.{j % 100}.{j}.9", "device": f"d-{who}", "payment": f"c-{who}"}
        if linked:
            ctx |= {"device": f"farm{j % 4}", "payment": f"farm-card{j % 3}"}
        if region:
            ctx["ip"] = f"172.16.{j // 200}.{j % 200}"
        s.order(t, who, shop, amount=900 if discount else 5_000, refund_after=DAY if discount else None, **ctx)
        buyers.add(who)
    return buyers


@pytest.mark.parametrize(
    "kind,expected",
    [
        ({"new": True}, {"new_accounts"}),
        ({"linked": True}, {"linked_accounts"}),
        ({"region": True}, {"one_region"}),
        ({"discount": True}, {"discount_refund"}),
        ({"new": True, "region": True}, {"new_accounts", "one_region"}),
    ],
)
def test_a_bought_spike_is_found_with_its_context(kind, expected):
    s = Stream()
    background(s)
    usual_trade(s)
    buyers = spike(s, **kind)
    [finding] = detect(s.events)
    assert finding.kind == "sales_spike" and finding.member_ids("shop") == ["s1"]
    assert set(finding.evidence["contexts"]) == expected and set(finding.member_ids()) == buyers
    assert finding.evidence["start_ms"] == SPIKE_AT and finding.evidence["orders"] >= 60
    assert max(finding.evidence["series"]["orders"]) >= 60 and 0 < finding.score <= 1
    assert "were expected" in finding.reasons[0].render()


def test_a_genuine_promotion_is_a_spike_without_context():
    s = Stream()
    background(s)
    usual_trade(s)
    rng = random.Random(9)
    for _ in range(150):  # existing buyers from everywhere, discounted, keeping what they bought
        who = rng.randrange(400)
        ctx = {"ip": f"10.{who % 100}.{who}.1", "device": f"d{who}", "payment": f"c{who}"}
        s.order(SPIKE_AT + rng.randrange(2 * HOUR), f"s1-u{who}", "s1", amount=2_000, **ctx)
    assert SpikeDetector().detect(s.events) == []
    assert SpikeDetector(min_context_share=0.0, context_alpha=1.0).detect(s.events)  # the spike itself is seen


def test_a_neighbourhood_group_buy_and_a_campus_are_not_bought_traffic():
    s = Stream()
    background(s)
    usual_trade(s, "local", ip="10.50.0.1")  # every usual buyer behind the same campus network and IP
    rng = random.Random(4)
    for _ in range(80):
        who = rng.randrange(400)
        s.order(SPIKE_AT + rng.randrange(HOUR), f"local-u{who}", "local", ip="10.50.0.1", device=f"d{who}")
    assert detect(s.events) == []


def test_no_spike_no_finding_and_small_shops_are_judged_against_the_platform():
    s = Stream()
    background(s)
    usual_trade(s)
    assert detect(s.events) == []
    buyers = spike(s, n=40, new=True, shop="tiny")  # a shop with no history at all
    [finding] = detect(s.events)
    assert finding.member_ids("shop") == ["tiny"] and set(finding.member_ids()) == buyers


def test_regions_come_from_the_region_attribute_or_the_ip_network():
    assert region_of({"region": "330106"}) == "330106"
    assert region_of({"ip": "172.16.3.9"}) == "172.16.0.0/16"
    assert region_of({"ip": "2408:8207:1851:9d0::1"}) == "2408:8207:1851::/48"
    assert region_of({}) is None


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from(["new", "linked", "region", "discount"]))
def test_findings_do_not_depend_on_event_order_or_names_and_survive_other_shops(seed, kind):
    rng = random.Random(seed)
    s = Stream()
    background(s)
    usual_trade(s, seed=rng.randrange(50))
    buyers = spike(s, **{kind: True})
    found = detect(s.events)
    assert [set(f.member_ids()) for f in found] == [buyers]
    shuffled = list(s.events)
    rng.shuffle(shuffled)
    renamed = [Event(e.id, e.time_ms, e.tenant, e.type, "x" + e.actor, e.subject, e.attrs) for e in shuffled]
    again = detect(renamed)
    assert [{a[1:] for a in f.member_ids()} for f in again] == [buyers] and again[0].score == found[0].score
    usual_trade(s, "s2", seed=rng.randrange(50))
    assert [set(f.member_ids()) for f in detect(s.events)] == [buyers]


def test_precision_and_recall_on_a_generated_stream_with_promotions_and_bought_spikes():
    stream = generate(seed=5, accounts=20_000, shops=300, days=8, orders_per_day=8_000, bought=10, promotions=8)
    findings = SpikeDetector().detect(stream.events)
    shops = {f.member_ids("shop")[0] for f in findings}
    assert shops == set(stream.bought)
    flagged = {a for f in findings for a in f.member_ids()}
    truth = set().union(*stream.bought.values())
    assert len(flagged & truth) / len(flagged) >= 0.95 and len(flagged & truth) / len(truth) >= 0.9
