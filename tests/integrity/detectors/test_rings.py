"""Sock-puppet ring detector: hub suppression, households, rings across kinds, explanations, an oracle, properties."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from itertools import combinations, pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.demo.rings import generate
from anxin.integrity.detectors.rings import LINK_KINDS, Links, RingDetector, detect
from anxin.integrity.events.schema import MIN_TIME_MS, Event

MINUTE = 60_000


def farm(prefix: str, n: int, *, device: str, card: str) -> list[tuple]:
    """``n`` accounts living on one farm phone and paying with one card."""
    return [(f"{prefix}{i}", kind, value) for i in range(n) for kind, value in (("device", device), ("payment", card))]


def own_phones(accounts) -> list[tuple]:
    """Each account's own phone, which honest people have and farm accounts do not."""
    return [(a, "device", f"own-{a}") for a in accounts]


# ---------------------------------------------------------------- hubs


def test_a_campus_ip_shared_by_hundreds_is_not_a_ring():
    students = [f"s{i}" for i in range(300)]
    records = [(s, "ip", "campus-ip") for s in students] + [(s, "address", "campus-locker") for s in students]
    assert detect(records + own_phones(students)) == []


def test_a_hub_does_not_pull_its_strangers_into_a_ring_it_also_serves():
    students = [f"s{i}" for i in range(300)]
    ring = farm("r", 8, device="farm-1", card="card-1")
    records = ring + [(s, "ip", "campus-ip") for s in students] + [(f"r{i}", "ip", "campus-ip") for i in range(8)]
    detector = RingDetector()
    [finding] = detector.detect(records)
    assert finding.member_ids() == [f"r{i}" for i in range(8)]
    assert "ip" not in finding.evidence["shared"]
    links = Links.from_records(records)
    graph = detector.link_graph(links)
    campus = list(links.identifier_names).index("campus-ip")
    assert graph.degree[campus] == 308
    assert graph.corroboration[campus] == pytest.approx(8 / 308)
    assert graph.weight[campus] == 0.0


def test_a_hub_its_accounts_are_otherwise_linked_through_keeps_weight():
    # 60 accounts on one drop address (a hub above hub_degree=50), linked in sixes by farm phones and cards.
    records = []
    for group in range(10):
        records += farm(f"r{group}-", 6, device=f"farm-{group}", card=f"card-{group}")
    records += [(f"r{group}-{i}", "address", "drop-1") for group in range(10) for i in range(6)]
    links = Links.from_records(records)
    graph = RingDetector().link_graph(links)
    drop = list(links.identifier_names).index("drop-1")
    assert graph.degree[drop] == 60 and graph.corroboration[drop] == 1.0
    assert graph.weight[drop] == pytest.approx(0.3 * math.sqrt(math.log(1000 / 60) / math.log(500)))
    rings = detect(records)  # a location is one weak clue: it explains, but does not merge, the ten farms
    assert [len(r.member_ids()) for r in rings] == [6] * 10
    assert all(r.evidence["shared"]["address"][0]["accounts_in_total"] == 60 for r in rings)


def test_identifiers_shared_by_more_than_max_degree_accounts_weigh_nothing():
    records = [(f"a{i}", kind, "shared-by-30") for i in range(30) for kind in ("device", "payment")]
    assert [len(f.member_ids()) for f in detect(records)] == [30]
    assert detect(records, max_degree=30, hub_degree=10) == []


# ---------------------------------------------------------------- households and public places


def test_a_household_is_not_a_ring():
    family = ["mum", "dad", "son", "daughter", "grandma"]
    records = own_phones(family[:4]) + [(p, "ip", "home-ip") for p in family]
    records += [(p, "address", "home") for p in family] + [(p, "device", "family-tablet") for p in family[:3]]
    records += [(p, "payment", f"card-{p}") for p in family] + [(p, "payment", "family-card") for p in ("mum", "son")]
    assert detect(records) == []


def test_an_internet_cafe_is_not_a_ring():
    guests = [f"g{i}" for i in range(40)]
    rng = random.Random(3)
    records = own_phones(guests) + [(g, "ip", "cafe-ip") for g in guests]
    records += [(g, "device", f"pc-{rng.randrange(4)}") for g in guests for _ in range(2)]
    assert detect(records) == []


def test_the_same_accounts_without_phones_of_their_own_are_a_device_farm():
    accounts = [f"g{i}" for i in range(12)]
    records = [(g, "ip", "cafe-ip") for g in accounts] + [(g, "device", "pc-1") for g in accounts]
    assert detect(own_phones(accounts) + records) == []
    assert [f.member_ids() for f in detect(records)] == [sorted(accounts)]


# ---------------------------------------------------------------- rings across kinds


def test_a_ring_is_found_only_through_the_combination_of_its_kinds():
    weights = {"device": 0.4, "payment": 0.4}
    both = farm("r", 6, device="farm-1", card="card-1")
    devices_only = [r for r in both if r[1] == "device"]
    assert detect(devices_only, kind_weights=weights) == []
    [ring] = detect(both, kind_weights=weights)
    assert ring.member_ids() == [f"r{i}" for i in range(6)]
    assert set(ring.evidence["shared"]) == {"device", "payment"}


def test_more_kinds_shared_make_a_stronger_link():
    detector = RingDetector()
    device = Links.from_records([("a", "device", "d"), ("b", "device", "d")])
    device_card = Links.from_records([(x, kind, "d") for x in "ab" for kind in ("device", "payment")])
    device_two = Links.from_records([(x, "device", d) for x in "ab" for d in ("d1", "d2")])
    [one] = detector.link_graph(device).strength
    [two] = detector.link_graph(device_card).strength
    [same_kind] = detector.link_graph(device_two).strength
    assert two == pytest.approx(1 - (1 - 0.6) * (1 - 0.7)) and one == pytest.approx(0.6)
    assert same_kind == pytest.approx(one)  # two devices are one clue


def test_registration_bursts_link_accounts_registered_minutes_apart_from_one_source():
    base = MIN_TIME_MS
    burst = [(f"n{i}", "ip", "proxy-7", base + i * 2 * MINUTE, True) for i in range(6)]
    late = [("n6", "ip", "proxy-7", base + 3 * 60 * MINUTE, True)]
    [ring] = detect(burst + late)
    assert ring.member_ids() == [f"n{i}" for i in range(6)]
    [entry] = ring.evidence["shared"]["burst"]
    assert (entry["members"], entry["source"], entry["end_ms"] - entry["start_ms"]) == (6, "proxy-7", 10 * MINUTE)
    assert "6 accounts registered from ip proxy-7 within 10 minutes" in [r.render() for r in ring.reasons]
    spread = [(f"n{i}", "ip", "proxy-7", base + i * 30 * MINUTE, True) for i in range(6)]
    assert detect(spread) == []


def test_explanations_name_the_shared_identifiers_and_the_graph_draws_the_ring():
    records = farm("r", 7, device="farm-phone-3", card="card-88") + [(f"r{i}", "address", "drop-5") for i in range(5)]
    [ring] = detect(records)
    texts = [r.render() for r in ring.reasons]
    assert texts == [
        "7 accounts pay with payment instrument card-88",
        "7 accounts share device farm-phone-3",
        "5 accounts ship to address drop-5",
    ]
    assert all(r.template.count("{") == len(r.values) for r in ring.reasons)
    assert ring.member_ids("device") == ["farm-phone-3"] and ring.member_ids("payment") == ["card-88"]
    evidence = ring.evidence
    assert evidence["size"] == 7 and evidence["strength"] == ring.score and 0 < ring.score <= 1
    assert evidence["shared"]["address"][0] == {
        "id": "drop-5",
        "members": 5,
        "accounts_in_total": 5,
        "weight": 0.277002,
    }
    nodes = {n["id"] for n in evidence["graph"]["nodes"]}
    assert nodes == set(ring.member_ids()) | {"farm-phone-3", "card-88", "drop-5"}
    assert len(evidence["graph"]["links"]) == 7 + 7 + 5
    assert all(link["source"] in nodes and link["target"] in nodes for link in evidence["graph"]["links"])
    assert len(evidence["spanning_links"]) == 6  # a tree over 7 accounts
    assert ring.to_dict()["reasons"][0]["text"] == texts[0]


def test_events_become_links_with_registrations_phone_hashes_and_referrers():
    def event(i, etype, actor, **attrs):
        return Event(f"e{i}", MIN_TIME_MS + i * MINUTE, "t", etype, actor, attrs=attrs)

    events = [
        event(i, "account_created", f"x{i}", device="farm", ip="p1", phone_hash=f"h{i}", referrer="boss")
        for i in range(5)
    ]
    events += [event(10 + i, "order_placed", f"x{i}", payment="card", address="drop", shop="s1") for i in range(5)]
    events += [event(20, "staff_override", "staff-1", device="farm", beneficiary="x0")]
    links = Links.from_events(events)
    assert links.n_accounts == 5
    kinds = sorted({LINK_KINDS[k] for k in links.identifier_kind})
    assert kinds == ["address", "device", "ip", "payment", "phone", "referrer"]
    assert int(links.registration.sum()) == 5 * 4
    [ring] = detect(events)
    assert ring.member_ids() == [f"x{i}" for i in range(5)]
    assert {"device", "payment", "referrer", "burst"} <= set(ring.evidence["shared"])


def test_bad_input_is_refused_with_the_fix():
    with pytest.raises(ValueError, match="kind must be one of"):
        detect([("a", "wifi", "w1")])
    with pytest.raises(ValueError, match="unknown kinds"):
        RingDetector(kind_weights={"wifi": 0.5})
    with pytest.raises(ValueError, match="hub_degree"):
        RingDetector(hub_degree=2000)
    assert detect([]) == []


# ---------------------------------------------------------------- oracle


def oracle_strengths(records, detector: RingDetector) -> dict[tuple[str, str], float]:
    """Every pair's link strength computed directly from the definitions, pair by pair (slow)."""
    users: dict[tuple[str, str], set[str]] = defaultdict(set)
    registrations = defaultdict(list)
    for account, kind, value, time_ms, registration in records:
        users[(kind, value)].add(account)
        if registration and kind in ("device", "ip"):
            registrations[(kind, value)].append((time_ms, account))
    for (kind, value), regs in registrations.items():
        regs.sort()
        run = [regs[0]]
        for previous, current in pairwise(regs):
            if current[0] - previous[0] > detector.burst_gap_ms:
                add_burst(users, kind, value, run, detector)
                run = []
            run.append(current)
        add_burst(users, kind, value, run, detector)
    accounts = sorted({r[0] for r in records})
    own = {(kind, next(iter(members))) for (kind, _), members in users.items() if len(members) == 1}

    def base(identifier):
        d = len(users[identifier])
        if d < 2 or d >= detector.max_degree:
            return 0.0
        idf = math.sqrt(math.log(detector.max_degree / d) / math.log(detector.max_degree / 2))
        return detector.kind_weights[identifier[0]] * idf

    def strengths(weight):
        out = {}
        for a, b in combinations(accounts, 2):
            best: dict[str, float] = {}
            for identifier, w in weight.items():
                if w > 0 and a in users[identifier] and b in users[identifier]:
                    kind = identifier[0]
                    if (kind, a) in own and (kind, b) in own:
                        w *= detector.own_factor
                    clue = "location" if kind in ("ip", "address") else kind
                    best[clue] = max(best.get(clue, 0.0), w)
            if best:
                out[(a, b)] = 1 - math.prod(1 - w for w in best.values())
        return out

    weights = {i: base(i) for i in users}
    hubs = [i for i, w in weights.items() if w > 0 and len(users[i]) > detector.hub_degree]
    first = strengths({i: (0.0 if i in hubs else w) for i, w in weights.items()})
    component = {a: a for a in accounts}

    def find(a):
        while component[a] != a:
            a = component[a]
        return a

    for (a, b), s in first.items():
        if s >= detector.link_threshold:
            component[find(a)] = find(b)
    for hub in hubs:
        groups = defaultdict(int)
        for a in users[hub]:
            groups[find(a)] += 1
        corroborated = sum(1 for a in users[hub] if groups[find(a)] >= detector.min_size) / len(users[hub])
        weights[hub] = weights[hub] * corroborated if corroborated >= detector.min_corroboration else 0.0
    return strengths(weights)


def add_burst(users, kind, value, run, detector):
    members = {account for _, account in run}
    if len(members) >= detector.min_burst:
        users[("burst", f"{kind}:{value}@{run[0][0]}")] = members


ACCOUNTS = [f"a{i}" for i in range(14)]
noise_record = st.tuples(
    st.sampled_from(ACCOUNTS),
    st.sampled_from(LINK_KINDS),
    st.sampled_from(["v0", "v1", "v2", "v3"]),
    st.integers(0, 12).map(lambda m: MIN_TIME_MS + m * MINUTE),
    st.booleans(),
)
# Identifiers with up to ten accounts each, registered 0–3 minutes apart: hubs, corroboration and bursts occur.
shared_identifier = st.tuples(
    st.sampled_from(LINK_KINDS),
    st.sampled_from(["v0", "v1", "v2", "v3", "v4", "v5"]),
    st.lists(st.sampled_from(ACCOUNTS), max_size=10),
    st.booleans(),
    st.integers(0, 3),
)


own_identifier = st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(LINK_KINDS))


def records_of(identifiers, owned, noise):
    records = [
        (account, kind, value, MIN_TIME_MS + j * gap * MINUTE, registration)
        for kind, value, accounts, registration, gap in identifiers
        for j, account in enumerate(accounts)
    ]
    return records + [(a, kind, f"own-{a}", MIN_TIME_MS, False) for a, kind in owned] + noise


record_lists = st.builds(
    records_of,
    st.lists(shared_identifier, max_size=8),
    st.lists(own_identifier, max_size=14),
    st.lists(noise_record, max_size=20),
)
small_detector = RingDetector(hub_degree=4, max_degree=11, min_size=3, min_burst=2, burst_gap_ms=2 * MINUTE)


@settings(max_examples=150, deadline=None)
@given(record_lists)
def test_link_strengths_equal_a_direct_pairwise_computation(records):
    links = Links.from_records(records)
    graph = small_detector.link_graph(links)
    names = links.account_names
    fast = {
        (names[a], names[b]): s
        for a, b, s in zip(graph.pair_a.tolist(), graph.pair_b.tolist(), graph.strength.tolist(), strict=True)
    }
    slow = oracle_strengths(records, small_detector)
    assert fast.keys() == slow.keys()
    for pair, strength in slow.items():
        assert fast[pair] == pytest.approx(strength, abs=1e-12)


def test_the_oracle_sees_hubs_corroboration_and_bursts():
    """Guards the oracle test's reach: its examples must exercise hubs, corroboration and bursts."""
    records = [(f"a{i}", "address", "v0", MIN_TIME_MS, False) for i in range(6)]
    records += [(f"a{i}", "device", "v1", MIN_TIME_MS + i * MINUTE, True) for i in range(3)]
    records += [(f"a{i}", "payment", "v2", MIN_TIME_MS, False) for i in range(3, 6)]
    slow = oracle_strengths(records, small_detector)
    links = Links.from_records(records)
    graph = small_detector.link_graph(links)
    assert graph.corroboration[list(links.identifier_names).index("v0")] == 1.0
    assert len(graph.bursts) == 1 and ("a0", "a5") in slow and ("a0", "a1") in slow


# ---------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(record_lists, st.randoms(use_true_random=False))
def test_permuting_the_input_does_not_change_the_findings(records, rng):
    shuffled = list(records)
    rng.shuffle(shuffled)
    expected = [f.to_dict() for f in small_detector.detect(records)]
    assert [f.to_dict() for f in small_detector.detect(shuffled)] == expected


@settings(max_examples=60, deadline=None)
@given(record_lists, st.lists(st.sampled_from(LINK_KINDS), min_size=1, max_size=5))
def test_an_unrelated_honest_account_does_not_change_the_findings(records, kinds):
    stranger = [("zz-new", kind, f"fresh-{i}", MIN_TIME_MS, True) for i, kind in enumerate(kinds)]
    assert small_detector.detect(records + stranger) == small_detector.detect(records)


# ---------------------------------------------------------------- on the demo world


def test_planted_rings_are_found_among_realistic_honest_sharing():
    world = generate(seed=11, accounts=30_000)
    findings = RingDetector().detect(world.links)
    flagged = np.zeros(world.links.n_accounts, dtype=bool)
    for finding in findings:
        flagged[[int(a.removeprefix("u")) for a in finding.member_ids()]] = True
    planted = world.ring_of >= 0
    precision = (flagged & planted).sum() / flagged.sum()
    recall = (flagged & planted).sum() / planted.sum()
    assert precision >= 0.95 and recall >= 0.9, (precision, recall)
