"""Dense blocks and lockstep: planted gangs are found, honest dense corners are not."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.demo.blocks import generate
from anxin.integrity.detectors.dense_blocks import (
    Actions,
    DenseBlockDetector,
    LockstepDetector,
    detect,
    detect_lockstep,
)
from anxin.integrity.detectors.peeling import BipartiteGraph
from anxin.integrity.events.schema import Event

HOUR = 3_600_000
DAY = 24 * HOUR
START = 1_767_196_800_000


def _flagged(world, found) -> np.ndarray:
    flagged = np.zeros(world.n_rows, dtype=bool)
    for scored in found:
        flagged[scored.block.rows] = True
    return flagged


def test_planted_gangs_with_popularity_camouflage_are_found_and_communities_are_not():
    world = generate(seed=7, edges=1_000_000, accounts=100_000, shops=20_000)
    graph = BipartiteGraph.from_edges(world.rows, world.cols, world.n_rows, world.n_cols)
    flagged = _flagged(world, DenseBlockDetector().blocks(graph))
    planted = world.planted
    assert (flagged & planted).sum() / flagged.sum() >= 0.99
    assert (flagged & planted).sum() / planted.sum() >= 0.9
    community = np.zeros(world.n_rows, dtype=bool)
    for members in world.community_rows:
        community[members] = True
    assert not (flagged & community).any()


def test_an_honest_graph_has_no_dense_block_findings():
    world = generate(seed=3, edges=300_000, accounts=30_000, shops=6_000, blocks=0)
    graph = BipartiteGraph.from_edges(world.rows, world.cols, world.n_rows, world.n_cols)
    assert DenseBlockDetector().blocks(graph) == []


def _order(account: str, shop: str, t: int, n: int) -> Event:
    return Event(f"{account}-{shop}-{t}-{n}", t, "t", "order_placed", account, attrs={"shop": shop, "amount": 100})


def _honest_orders(rng: np.random.Generator, accounts: int = 600, shops: int = 60, orders: int = 6_000) -> list[Event]:
    popularity = 1 / np.arange(1, shops + 1)
    picks = rng.choice(shops, orders, p=popularity / popularity.sum())
    return [
        _order(f"u{rng.integers(accounts)}", f"shop{s}", START + int(rng.integers(0, 14 * DAY)), n)
        for n, s in enumerate(picks)
    ]


def test_events_in_the_finding_name_accounts_shops_and_reasons():
    rng = np.random.default_rng(1)
    events = _honest_orders(rng)
    gang_shops = [f"small{k}" for k in range(8)]
    events += [
        _order(f"puppet{i}", shop, START + int(rng.integers(0, 14 * DAY)), 0)
        for i in range(30)
        for shop in gang_shops
        if rng.random() < 0.7
    ]
    [finding] = detect(events)
    assert finding.kind == finding.label == "dense_block"
    assert set(finding.member_ids()) <= {f"puppet{i}" for i in range(30)} and finding.size > 30
    assert set(finding.member_ids("shop")) == set(gang_shops)
    assert 0 < finding.score <= 1 and finding.evidence["lift"] >= 5
    assert "accounts all bought or reviewed at the same 8 shops" in finding.reasons[0].render()
    graph = finding.evidence["graph"]
    assert {n["id"] for n in graph["nodes"]} >= set(gang_shops)
    assert all(link["target"] in gang_shops for link in graph["links"])


def test_lockstep_needs_several_moments_so_a_flash_sale_is_not_one():
    rng = np.random.default_rng(2)
    events = _honest_orders(rng)
    # Flash sale: 300 honest accounts buy at one shop within the same hour, once.
    events += [
        _order(f"u{i}", "shop3", START + 5 * DAY + 20 * HOUR + int(rng.integers(0, HOUR)), 1) for i in range(300)
    ]
    assert detect_lockstep(events) == []
    # A task pushed five times: 25 puppets buy at the day's target shop within the same 40 minutes.
    for day in range(5):
        t0 = START + day * DAY + 10 * HOUR
        events += [_order(f"p{i}", f"shop{10 + day}", t0 + int(rng.integers(0, 40 * 60_000)), 2) for i in range(25)]
    [finding] = detect_lockstep(events)
    assert finding.kind == finding.label == "lockstep"
    assert set(finding.member_ids()) == {f"p{i}" for i in range(25)}
    assert len(finding.evidence["occasions"]) == 5
    assert "on 5 occasions" in finding.reasons[0].render()


def test_a_burst_straddling_a_window_boundary_still_counts_as_one_moment():
    records = []
    for day in range(4):
        boundary = START + day * DAY + 11 * HOUR  # the hour grid's edge falls inside each burst
        records += [(f"p{i}", f"shop{day}", boundary - 10 * 60_000 + i * 60_000) for i in range(20)]
    records += [(f"u{i}", f"shop{i % 50}", START + i * 997_000) for i in range(5_000)]
    [finding] = LockstepDetector().detect(records)
    assert len(finding.evidence["occasions"]) == 4


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 15), st.integers(0, 10 * DAY)), max_size=300))
def test_findings_only_name_accounts_and_targets_that_acted_together(records):
    actions = Actions.from_records([(f"a{a}", f"s{s}", START + t) for a, s, t in records])
    pairs = {(f"a{a}", f"s{s}") for a, s, _ in records}
    for finding in DenseBlockDetector(min_accounts=2, min_targets=2, min_lift=1.0).detect(actions):
        accounts, shops = finding.member_ids(), finding.member_ids("shop")
        assert all(any((a, s) in pairs for s in shops) for a in accounts)
        assert 0 <= finding.score <= 1
