"""Greedy peeling against a direct, slow oracle and the brute-force optimum on small graphs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.integrity.detectors.peeling import (
    WEIGHT_SCALE,
    BipartiteGraph,
    column_weights,
    densest_block,
    densest_blocks,
    density_of,
)


def direct_peel(edges: set[tuple[int, int]], n_rows: int, n_cols: int, weighting: str):
    """FRAUDAR's peeling written out plainly: recompute every cost, delete the cheapest, remember the best set.

    Costs are in the same fixed-point units as the module (so ties are exact);
    ties go to rows before columns, then the lower index.
    """
    degree = np.zeros(n_cols, dtype=np.int64)
    for _, c in edges:
        degree[c] += 1
    w = column_weights(degree, weighting)
    rows, cols = set(range(n_rows)), set(range(n_cols))

    def weight(rs, cs):
        return sum(int(w[c]) for r, c in edges if r in rs and c in cs)

    best = (weight(rows, cols) / (len(rows) + len(cols)), set(rows), set(cols))
    while rows and cols:
        candidates = [(sum(int(w[c]) for c in cols if (r, c) in edges), 0, r) for r in rows]
        candidates += [(sum(int(w[c]) for r in rows if (r, c) in edges), 1, c) for c in cols]
        _, side, node = min(candidates)
        (rows if side == 0 else cols).discard(node)
        average = weight(rows, cols) / (len(rows) + len(cols))
        if average > best[0]:
            best = (average, set(rows), set(cols))
    return best


def brute_force_best(edges, n_rows, n_cols, weighting):
    """The truly densest block by enumerating every row and column subset (tiny graphs only)."""
    degree = np.zeros(n_cols, dtype=np.int64)
    for _, c in edges:
        degree[c] += 1
    w = column_weights(degree, weighting)
    best = 0.0
    for k in range(1, n_rows + 1):
        for rs in itertools.combinations(range(n_rows), k):
            for j in range(1, n_cols + 1):
                for cs in itertools.combinations(range(n_cols), j):
                    total = sum(int(w[c]) for r, c in edges if r in rs and c in cs)
                    best = max(best, total / (k + j))
    return best


small_graphs = st.integers(1, 7).flatmap(
    lambda m: st.integers(1, 7).flatmap(
        lambda n: st.tuples(
            st.just(m), st.just(n), st.sets(st.tuples(st.integers(0, m - 1), st.integers(0, n - 1)), min_size=1)
        )
    )
)


@settings(max_examples=150, deadline=None)
@given(small_graphs, st.sampled_from(["log", "sqrt", "none"]))
def test_peeling_matches_the_direct_algorithm(graph, weighting):
    n_rows, n_cols, edges = graph
    rows, cols = zip(*sorted(edges), strict=True)
    block = densest_block(BipartiteGraph.from_edges(rows, cols, n_rows, n_cols), weighting)
    density, best_rows, best_cols = direct_peel(edges, n_rows, n_cols, weighting)
    assert (set(block.rows.tolist()), set(block.cols.tolist())) == (best_rows, best_cols)
    assert block.density == pytest.approx(density / WEIGHT_SCALE)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda m: st.integers(1, 4).flatmap(
            lambda n: st.tuples(
                st.just(m), st.just(n), st.sets(st.tuples(st.integers(0, m - 1), st.integers(0, n - 1)), min_size=1)
            )
        )
    )
)
def test_peeling_is_within_half_of_the_optimum(graph):
    """FRAUDAR's guarantee: the greedy block is at least half as dense as the densest block."""
    n_rows, n_cols, edges = graph
    rows, cols = zip(*sorted(edges), strict=True)
    block = densest_block(BipartiteGraph.from_edges(rows, cols, n_rows, n_cols), "log")
    optimum = brute_force_best(edges, n_rows, n_cols, "log") / WEIGHT_SCALE
    assert block.density >= optimum / 2 - 1e-9


def test_a_planted_block_with_camouflage_is_found_exactly():
    rng = np.random.default_rng(5)
    m, n = 2_000, 1_000
    rows, cols = list(rng.integers(0, m, 8_000)), list(rng.integers(0, n, 8_000))
    gang, shops = rng.choice(m, 60, replace=False), rng.choice(n, 25, replace=False)
    for r in gang:
        rows += [r] * 25
        cols += list(shops)
        camouflage = rng.choice(n, 25)  # as many edges again to random columns
        rows += [r] * 25
        cols += list(camouflage)
    block = densest_block(BipartiteGraph.from_edges(rows, cols, m, n))
    assert set(block.rows.tolist()) == set(gang.tolist())
    assert set(block.cols.tolist()) == set(shops.tolist())
    assert block.edges == 60 * 25 and block.fill == 1.0


def test_the_density_reported_is_the_blocks_density():
    rng = np.random.default_rng(2)
    graph = BipartiteGraph.from_edges(rng.integers(0, 300, 3_000), rng.integers(0, 200, 3_000))
    block = densest_block(graph)
    assert block.density == pytest.approx(density_of(graph, block.rows, block.cols))


def test_repeated_edges_count_once_and_sizes_can_exceed_the_indices():
    graph = BipartiteGraph.from_edges([0, 0, 0, 1], [1, 1, 1, 0], n_rows=5, n_cols=4)
    assert (graph.n_rows, graph.n_cols, graph.edges) == (5, 4, 2)
    assert graph.row_degrees().tolist() == [1, 1, 0, 0, 0] and graph.column_degrees().tolist() == [1, 1, 0, 0]


def test_several_blocks_come_out_one_after_another():
    rows, cols = [], []
    for base_row, base_col, size in ((0, 0, 12), (100, 100, 8)):
        for r in range(size):
            rows += [base_row + r] * size
            cols += list(range(base_col, base_col + size))
    blocks = densest_blocks(BipartiteGraph.from_edges(rows, cols), count=3, weighting="none")
    assert [len(b.rows) for b in blocks] == [12, 8]
    assert blocks[1].rows.min() == 100


def test_bad_input_is_refused_clearly():
    with pytest.raises(ValueError, match="same length"):
        BipartiteGraph.from_edges([0, 1], [0])
    with pytest.raises(ValueError, match="≥ 0"):
        BipartiteGraph.from_edges([-1], [0])
    with pytest.raises(ValueError, match="unknown weighting"):
        column_weights(np.array([1, 2]), "cubic")


def test_an_empty_graph_gives_an_empty_block():
    block = densest_block(BipartiteGraph.from_edges([], []))
    assert len(block.rows) == 0 and block.edges == 0 and block.density == 0.0
