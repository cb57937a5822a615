"""Insider collusion and subsidy farming: planted cases are found, honest look-alikes are not."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.demo.subsidies import generate
from anxin.integrity.detectors.insider import detect
from anxin.integrity.events.schema import Event

T0 = 1_767_225_600_000
HOUR, DAY = 3_600_000, 86_400_000
OFFICE = "10.8.0.1"


def ev(eid: str, t: int, etype: str, actor: str, **attrs) -> Event:
    return Event(eid, t, "t", etype, actor, attrs.get("order"), attrs)


def staff_work(n: int = 800, staff: int = 10, shops: int = 40, seed: int = 0, prefix: str = "w") -> list[Event]:
    """Honest favours: approvals and overrides spread over many shops, all from the office IP."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        person, shop = f"staff-{rng.randrange(staff)}", f"s{rng.randrange(shops)}"
        ctx = {"ip": OFFICE, "device": f"wd-{person}"}
        if i % 3:
            out.append(ev(f"{prefix}{i}", T0 + rng.randrange(30 * DAY), "subsidy_approved", person, shop=shop,
                          amount=500, **ctx))  # fmt: skip
        else:
            out.append(ev(f"{prefix}{i}", T0 + rng.randrange(30 * DAY), "staff_override", person, shop=shop,
                          new_action="allow", beneficiary=f"u{rng.randrange(5_000)}", **ctx))  # fmt: skip
    return out


def sale(
    n: str, shop: str, t: int, *, claim: bool, refunded: bool = False, delivered: bool = True, buyer: str = "b"
) -> list[Event]:
    """One order (placed, paid, delivered or not, refunded or not), with a claim by the shop's account if subsidised."""
    order = f"o-{n}"
    out = [
        ev(f"{n}-p", t, "order_placed", buyer, order=order, shop=shop, amount=10_000),
        ev(f"{n}-q", t + 60_000, "order_paid", buyer, order=order, shop=shop, amount=10_000),
    ]
    if delivered:
        out.append(ev(f"{n}-d", t + 2 * DAY, "order_delivered", buyer, order=order, shop=shop))
    if refunded:
        out.append(ev(f"{n}-r", t + 3 * DAY, "refund", buyer, order=order, shop=shop, amount=10_000))
    if claim:
        out.append(ev(f"{n}-c", t + HOUR, "subsidy_claim", f"m-{shop}", shop=shop, order=order, amount=2_000,
                      device=f"md-{shop}", ip=OFFICE if sum(map(ord, n)) % 7 == 0 else f"mip-{shop}"))  # fmt: skip
    return out


def market(
    shops: int = 40, orders: int = 4_000, seed: int = 0, days: int = 60, lift_at: int | None = None
) -> list[Event]:
    """Honest shops: 3 % undelivered, 5 % refunded, a quarter subsidised (twice as many after ``lift_at``)."""
    rng = random.Random(seed)
    out = []
    for i in range(orders):
        t = rng.randrange(days * DAY)
        rate = 0.5 if lift_at is not None and t >= lift_at else 0.25
        shop, buyer = f"s{rng.randrange(shops)}", f"u{rng.randrange(5_000)}"
        out += sale(f"h{seed}-{i}", shop, T0 + t, claim=rng.random() < rate, refunded=rng.random() < 0.05,
                    delivered=rng.random() < 0.97, buyer=buyer)  # fmt: skip
    return out


def insider(person: str, shop: str, favours: int, *, link: str | None, prefix: str = "x") -> list[Event]:
    """A member of staff approving ``favours`` claims of a partner shop (account ``pm-<shop>``), linked by ``link``."""
    account = f"pm-{shop}"
    out = []
    for i in range(favours):
        t = T0 + i * DAY // 2
        claim = f"{prefix}c{i}"
        out.append(ev(claim, t, "subsidy_claim", account, shop=shop, amount=3_000, device=f"md-{account}",
                      ip=OFFICE))  # fmt: skip
        out.append(ev(f"{prefix}a{i}", t + HOUR, "subsidy_approved", person, shop=shop, amount=3_000, claim=claim,
                      device=f"wd-{person}", ip=OFFICE))  # fmt: skip
    if link == "device":
        out.append(ev(f"{prefix}l", T0 + DAY, "login", account, device=f"wd-{person}"))
    elif link == "transfer":
        out.append(ev(f"{prefix}t", T0 + 3 * DAY, "transfer", account, to_account=person, amount=900_000))
    elif link == "transfer_via":
        out.append(ev(f"{prefix}t1", T0 + 3 * DAY, "transfer", account, to_account=f"{prefix}-cousin", amount=900_000))
        out.append(ev(f"{prefix}t2", T0 + 4 * DAY, "transfer", f"{prefix}-cousin", to_account=person, amount=850_000))
    return out


def farming(shop: str, n: int, *, start: int = T0 + 30 * DAY, prefix: str = "f") -> list[Event]:
    """``n`` subsidised orders by three accomplices, all but one in five refunded or never delivered."""
    out = []
    for i in range(n):
        bad = i % 5 != 0
        out += sale(f"{prefix}{i}", shop, start + i * DAY // 4, claim=True, refunded=bad and i % 2 == 0,
                    delivered=not bad, buyer=f"acc-{i % 3}")  # fmt: skip
    return out


def kinds(findings, kind):
    return [f for f in findings if f.kind == kind]


# -- collusion ---------------------------------------------------------------------------------------------------


def test_the_planted_insider_is_found_with_exact_members_and_a_readable_graph():
    events = staff_work() + insider("staff-3", "p1", 8, link="device")
    [f] = detect(events)
    assert f.kind == f.label == "insider_collusion"
    assert [(m.kind, m.id) for m in f.members] == [("staff", "staff-3"), ("shop", "p1"), ("account", "pm-p1")]
    assert f.evidence["favours"] == 8 and f.evidence["approved_amount"] == 24_000
    assert f.evidence["identifiers"][0]["kind"] == "device" and f.evidence["identifiers"][0]["id"] == "wd-staff-3"
    assert f.evidence["poisson_chance"] < 1e-6 and 0.8 < f.score <= 1
    texts = [r.render() for r in f.reasons]
    assert any("granted p1 8 of their" in t for t in texts)
    assert any("shares device wd-staff-3 with staff-3" in t for t in texts)
    nodes = {n["id"] for n in f.evidence["graph"]["nodes"]}
    assert {"staff-3", "p1", "pm-p1", "device:wd-staff-3"} <= nodes
    assert all(link["source"] in nodes and link["target"] in nodes for link in f.evidence["graph"]["links"])


def test_money_from_the_partner_direct_or_through_one_go_between_is_a_link():
    for link in ("transfer", "transfer_via"):
        [f] = detect(staff_work() + insider("staff-5", "p2", 6, link=link))
        [path] = f.evidence["payment_paths"]
        assert (
            path[0]["from"] == "pm-p2" and path[-1]["to"] == "staff-5" and len(path) == (1 if link == "transfer" else 2)
        )


def test_money_passed_on_too_late_or_through_a_hub_is_no_link():
    events = staff_work() + insider("staff-5", "p2", 6, link=None)
    late = [
        ev("t1", T0, "transfer", "pm-p2", to_account="cousin", amount=900_000),
        ev("t2", T0 + 9 * DAY, "transfer", "cousin", to_account="staff-5", amount=900_000),
    ]
    assert detect(events + late) == []
    hub = [ev("t3", T0, "transfer", "pm-p2", to_account="paypal", amount=900_000)]
    hub += [ev(f"t4-{i}", T0 + HOUR + i, "transfer", "paypal", to_account=f"u{i}", amount=10) for i in range(30)]
    hub += [ev("t5", T0 + 2 * HOUR, "transfer", "paypal", to_account="staff-5", amount=900_000)]
    assert detect(events + hub) == []
    assert len(detect(events + hub, max_intermediary_degree=100)) == 1  # the hub is the only reason


def test_a_link_without_concentration_and_concentration_without_a_link_are_not_collusion():
    assert detect(staff_work() + insider("staff-3", "p1", 8, link=None)) == []
    few = insider("staff-3", "p1", 3, link="device")
    assert detect(staff_work() + few) == []


def test_a_key_account_manager_favouring_one_big_merchant_is_not_flagged():
    rng = random.Random(4)
    kam = [
        ev(f"k{i}", T0 + rng.randrange(30 * DAY), "subsidy_approved", "staff-0", shop="s0", amount=800,
           device="wd-staff-0", ip=OFFICE)
        for i in range(300)
    ]  # fmt: skip
    merchant = [
        ev(f"mc{i}", T0 + i * HOUR, "subsidy_claim", "m-s0", shop="s0", amount=800, ip=OFFICE) for i in range(50)
    ]
    events = staff_work() + kam + merchant
    assert detect(events) == []
    # The same favours with the merchant's account on the manager's phone would be collusion.
    linked = [*events, ev("l", T0, "login", "m-s0", device="wd-staff-0")]
    assert [f.member_ids("staff") for f in detect(linked)] == [["staff-0"]]


def test_the_office_ip_shared_by_all_staff_and_many_merchants_is_not_a_link():
    events = staff_work() + insider("staff-3", "p1", 10, link=None)
    events += [ev(f"ml{i}", T0 + i, "login", f"m-s{i}", ip=OFFICE) for i in range(20)]
    assert detect(events) == []
    assert len(detect(events, max_holders=1_000)) == 1  # counted as a link, the hub would make it collusion


# -- farming -----------------------------------------------------------------------------------------------------


def test_a_farming_shop_is_found_with_its_accounts_and_figures():
    events = market() + farming("farm-1", 20)
    [f] = detect(events, rule_changes=[T0 + 30 * DAY])
    assert f.kind == f.label == "subsidy_farming"
    assert [(m.kind, m.id) for m in f.members] == [("shop", "farm-1"), ("account", "m-farm-1")]
    assert f.evidence["bad_orders"] == 16 and f.evidence["subsidised_orders"] == 20
    assert f.evidence["refunded"] == 8 and f.evidence["undelivered"] == 8
    assert f.evidence["spike"]["after"] == 20 and f.evidence["spike"]["before"] == 0
    assert f.evidence["spike"]["chance"] < 1e-6  # the other shops did not rise
    assert f.evidence["binomial_chance"] < 1e-10 and 0.7 < f.score <= 0.8
    assert any("16 of farm-1's 20 subsidised orders" in r.render() for r in f.reasons)


def test_a_promotion_that_lifts_every_shop_is_not_a_spike():
    change = 30 * DAY
    events = market(lift_at=change)
    assert detect(events, rule_changes=[T0 + change]) == []
    # Every shop's claims did double after the change; the lift was expected, so no shop's rise is a surprise.
    seen = detect(events, rule_changes=[T0 + change], min_bad_orders=0, min_bad_share=0, alpha=1.0)
    spikes = [f.evidence["spike"] for f in seen if f.evidence["spike"] is not None]
    assert len(spikes) >= 20 and 0.8 < spikes[0]["lift"] < 1.25
    assert sum(s["after"] for s in spikes) > 0.8 * sum(s["before"] for s in spikes)  # 7 days after vs 14 before
    assert all(s["chance"] > 1e-3 for s in spikes)


def test_a_shop_whose_product_is_returned_a_lot_is_not_farming():
    rng = random.Random(9)
    returns = []
    for i in range(300):
        returns += sale(f"r{i}", "returns", T0 + rng.randrange(40 * DAY), claim=i % 3 == 0, refunded=rng.random() < 0.4)
    assert detect(market() + returns) == []
    # Refunding only its subsidised orders at that rate, with ordinary unsubsidised ones, is farming.
    biased = []
    for i in range(300):
        subsidised = i % 3 == 0
        biased += sale(f"r{i}", "returns", T0 + rng.randrange(40 * DAY), claim=subsidised,
                       refunded=subsidised and rng.random() < 0.4)  # fmt: skip
    assert [f.member_ids("shop") for f in detect(market() + biased)] == [["returns"]]


def test_orders_not_due_yet_are_not_counted_as_undelivered():
    end = T0 + 60 * DAY
    recent = []
    for i in range(20):
        recent += sale(f"n{i}", "new", end - 3 * DAY + i * HOUR, claim=True, delivered=False)
    events = [*market(), *recent, ev("end", end, "login", "someone")]
    assert detect(events) == []
    assert [f.member_ids("shop") for f in detect(events, delivery_ms=2 * DAY)] == [["new"]]


def test_a_colluding_merchant_that_farms_gets_both_findings_naming_each_other():
    partner = insider("staff-3", "farm-1", 12, link="device")
    events = staff_work() + market() + partner + farming("farm-1", 20)
    findings = detect(events, rule_changes=[T0 + 30 * DAY])
    [c] = kinds(findings, "insider_collusion")
    [f] = kinds(findings, "subsidy_farming")
    assert c.member_ids("shop") == f.member_ids("shop") == ["farm-1"]
    assert c.evidence["subsidy"]["bad_orders"] == f.evidence["bad_orders"] == 16
    assert any("also farms subsidies" in r.render() for r in c.reasons)
    assert f.evidence["colluding_staff"] == ["staff-3"]
    assert any("staff-3, who is linked to farm-1" in r.render() for r in f.reasons)


# -- properties --------------------------------------------------------------------------------------------------


def _rename(event: Event, tag: str) -> Event:
    """Every id in the event renamed (actor, shop, account, order, claim, identifiers), times and amounts kept."""
    ids = ("shop", "order", "claim", "beneficiary", "to_account", "device", "ip", "address", "payment", "decision")
    attrs = {k: (f"{tag}{v}" if k in ids else v) for k, v in event.attrs.items()}
    return Event(
        f"{tag}{event.id}", event.time_ms, event.tenant, event.type, f"{tag}{event.actor}", event.subject, attrs
    )


_BASE = (
    staff_work(400, seed=2)
    + market(20, 1_500, seed=2)
    + insider("staff-1", "p1", 7, link="transfer_via")
    + insider("staff-2", "p2", 12, link="device", prefix="y")
    + farming("p2", 15)
)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32), st.sampled_from(["", "z-", "店铺"]))
def test_renaming_ids_and_shuffling_events_changes_nothing(seed, tag):
    base = detect(_BASE, rule_changes=[T0 + 30 * DAY])
    assert {(f.kind, f.member_ids("staff")[0] if f.kind == "insider_collusion" else None) for f in base} == {
        ("insider_collusion", "staff-1"),
        ("insider_collusion", "staff-2"),
        ("subsidy_farming", None),
    }
    shuffled = list(_BASE)
    random.Random(seed).shuffle(shuffled)
    if not tag:
        assert [f.to_dict() for f in detect(shuffled, rule_changes=[T0 + 30 * DAY])] == [f.to_dict() for f in base]
        return
    renamed = detect([_rename(e, tag) for e in shuffled], rule_changes=[T0 + 30 * DAY])

    def key(f, strip=""):
        return f.kind, f.score, frozenset((m.kind, m.id.removeprefix(strip)) for m in f.members)

    assert sorted(key(f, tag) for f in renamed) == sorted(key(f) for f in base)


_MARKET = market(10, 500, seed=5) + staff_work(300, seed=5)


@settings(max_examples=20, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 60), st.integers(0, 40 * DAY)), max_size=300),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 50 * DAY), st.booleans()), max_size=300),
    st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200), st.integers(0, 40 * DAY)), max_size=100),
)
def test_honest_background_never_hides_a_strong_planted_case(favours, orders, transfers):
    planted = insider("staff-x", "partner", 25, link="device") + farming("farmer", 40, prefix="pf") + _MARKET
    background = [
        ev(f"bf{i}", T0 + t, "subsidy_approved", f"bg-staff-{s}", shop=f"bs{m}", amount=100, ip=OFFICE)
        for i, (s, m, t) in enumerate(favours)
    ]
    for i, (m, t, subsidised) in enumerate(orders):  # honest: one in twelve refunded, the rest delivered
        background += sale(f"bo{i}", f"bs{m}", T0 + t, claim=subsidised, refunded=i % 12 == 0, buyer=f"bu{i}")
    background += [
        ev(f"bt{i}", T0 + t, "transfer", f"bu{a}", to_account=f"bu{b}", amount=100)
        for i, (a, b, t) in enumerate(transfers)
    ]
    found = detect(planted + background, rule_changes=[T0 + 30 * DAY])
    assert ["staff-x"] in [f.member_ids("staff") for f in kinds(found, "insider_collusion")]
    assert ["farmer"] in [f.member_ids("shop") for f in kinds(found, "subsidy_farming")]


_EVENT = st.one_of(
    st.builds(
        lambda p, s, t, allow, d: ev("", T0 + t, "staff_override", f"st{p}", shop=f"s{s}", beneficiary=f"a{s}",
                                     new_action="allow" if allow else "block", device=f"d{d}"),
        st.integers(0, 4), st.integers(0, 6), st.integers(0, 20 * DAY), st.booleans(), st.integers(0, 9),
    ),
    st.builds(
        lambda p, s, t, d: ev("", T0 + t, "subsidy_approved", f"st{p}", shop=f"s{s}", amount=100, ip=f"i{d}"),
        st.integers(0, 4), st.integers(0, 6), st.integers(0, 20 * DAY), st.integers(0, 9),
    ),
    st.builds(
        lambda s, o, t, d: ev("", T0 + t, "subsidy_claim", f"a{s}", shop=f"s{s}", order=f"o{o}", amount=50,
                              device=f"d{d}"),
        st.integers(0, 6), st.integers(0, 40), st.integers(0, 20 * DAY), st.integers(0, 9),
    ),
    st.builds(
        lambda typ, s, o, t: ev("", T0 + t, typ, f"b{o}", shop=f"s{s}", order=f"o{o}", amount=1_000),
        st.sampled_from(["order_paid", "order_delivered", "refund"]), st.integers(0, 6), st.integers(0, 40),
        st.integers(0, 20 * DAY),
    ),
    st.builds(
        lambda a, b, t, d: ev("", T0 + t, "transfer", a, to_account=b, amount=10, ip=f"i{d}"),
        st.sampled_from(["a0", "a1", "x", "y", "st0", "st1"]), st.sampled_from(["x", "y", "st0", "st1", "a2"]),
        st.integers(0, 20 * DAY), st.integers(0, 9),
    ),
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(_EVENT, max_size=150))
def test_every_finding_is_well_formed_and_its_links_are_in_the_events(drawn):
    events = [Event(f"e{i}", e.time_ms, e.tenant, e.type, e.actor, e.subject, e.attrs) for i, e in enumerate(drawn)]
    used = {(e.actor, k, v) for e in events for k, v in e.attrs.items() if k in ("device", "ip")}
    transfers = {e.id: e for e in events if e.type == "transfer"}
    loose = {"alpha": 1.0, "min_actions": 1, "min_share": 0.0, "min_bad_orders": 1, "min_bad_share": 0.0}
    for f in detect(events, rule_changes=[T0 + 10 * DAY], **loose):
        assert 0.0 <= f.score <= 1.0 and f.kind == f.label
        nodes = {n["id"] for n in f.evidence["graph"]["nodes"]}
        assert all(link["source"] in nodes and link["target"] in nodes for link in f.evidence["graph"]["links"])
        if f.kind == "insider_collusion":
            assert f.evidence["identifiers"] or f.evidence["payment_paths"]
            for i in f.evidence["identifiers"]:
                assert (i["account"], i["kind"], i["id"]) in used and (i["staff_side"], i["kind"], i["id"]) in used
            for path in f.evidence["payment_paths"]:
                assert path[0]["from"] in f.member_ids()
                for a, b in itertools.pairwise(path):
                    assert a["to"] == b["from"] and 0 <= b["time_ms"] - a["time_ms"] <= 7 * DAY
                assert all(transfers[hop["id"]].attrs["to_account"] == hop["to"] for hop in path)
        else:
            assert f.evidence["bad_orders"] <= f.evidence["subsidised_orders"]
            assert f.evidence["refunded"] + f.evidence["undelivered"] == f.evidence["bad_orders"]


# -- the generated marketplace -----------------------------------------------------------------------------------


def test_planted_insiders_and_farming_shops_are_found_among_look_alikes():
    stream = generate(seed=7, staff=60, shops=400, buyers=15_000, orders=50_000, insiders=8, farming_shops=6)
    findings = detect(stream.events, rule_changes=stream.rule_changes)
    staff = {f.member_ids("staff")[0] for f in kinds(findings, "insider_collusion")}
    shops = {f.member_ids("shop")[0] for f in kinds(findings, "subsidy_farming")}
    flagged = {("staff", s) for s in staff} | {("shop", s) for s in shops}
    truth = {("staff", s) for s in stream.colluding_staff} | {("shop", s) for s in stream.farming_shops}
    assert len(flagged & truth) / len(flagged) >= 0.95
    assert len(flagged & truth) / len(truth) >= 0.95
    assert {f.member_ids("shop")[0] for f in kinds(findings, "insider_collusion")} <= stream.colluding_shops
    assert not staff & stream.key_account_managers and not shops & stream.high_refund_shops
