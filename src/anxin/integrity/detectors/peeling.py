"""Greedy peeling for the densest block of a sparse bipartite graph (FRAUDAR, Hooi et al., KDD 2016).

Problem: a 刷单 gang's accounts all buy from the same few shops, and to look
honest each account also buys elsewhere (camouflage). In the account × shop
matrix the gang is a block far denser than honest activity. FRAUDAR finds it
by peeling: start from the whole graph, repeatedly delete the node whose
deletion costs the least weight, and keep the intermediate node set with the
highest *density* ``(edge weight + node priors) / (rows + columns)``. Each
edge weighs its column's ``1 / log(degree + 5)``, so edges to popular shops
(where camouflage goes) count little and camouflage cannot hide the block;
the result's density is at least half the best possible under this metric.

Approach: the graph is held in compressed rows and columns (``int32``) after
deduplication; weights are fixed-point integers (``WEIGHT_SCALE`` = 2²⁴ per
unit), so every sum is exact, ties are real ties and the result does not
depend on the order of additions. Every node's deletion cost sits in one
array-backed min-tree (rows first, then columns; ties go to the lowest index,
i.e. rows before columns), so each deletion and each neighbour update is
O(log n). The peeling loop is compiled with numba: Python's per-edge cost
would make 10M edges take minutes.

Cost: O(E log n) time after an O(E log E) sort; memory about 24 bytes per
edge. ``anxin bench dense-blocks`` measures it against the reference
implementation.

>>> rows = [0, 0, 1, 1, 2, 2, 3]
>>> cols = [0, 1, 0, 1, 0, 1, 2]
>>> block = densest_block(BipartiteGraph.from_edges(rows, cols), weighting="none")
>>> block.rows.tolist(), block.cols.tolist(), round(block.density, 3), block.edges
([0, 1, 2], [0, 1], 1.2, 6)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numba
import numpy as np

WEIGHT_SCALE = 1 << 24
"""Fixed-point unit: a weight of 1.0 is this integer (2⁻²⁴ ≈ 6e-8 resolution)."""

WEIGHTINGS = ("log", "sqrt", "none")
"""Column weightings: ``log`` (camouflage-resistant, the default), ``sqrt``, or plain edge counts."""


@dataclass(frozen=True)
class BipartiteGraph:
    """A deduplicated bipartite graph: ``indptr``/``indices`` by row and by column."""

    n_rows: int
    n_cols: int
    row_ptr: np.ndarray
    row_idx: np.ndarray
    col_ptr: np.ndarray
    col_idx: np.ndarray
    edge_row: np.ndarray
    """The row of every edge, in row-compressed order (pairs with ``row_idx``)."""

    @property
    def edges(self) -> int:
        return len(self.row_idx)

    @classmethod
    def from_edges(
        cls, rows: Sequence[int] | np.ndarray, cols: Sequence[int] | np.ndarray, n_rows: int = 0, n_cols: int = 0
    ) -> BipartiteGraph:
        """The graph of edges ``rows[k] — cols[k]`` (repeats count once); sizes default to the largest index + 1."""
        r = np.asarray(rows, dtype=np.int64)
        c = np.asarray(cols, dtype=np.int64)
        if r.shape != c.shape or r.ndim != 1:
            raise ValueError("rows and cols must be 1-D arrays of the same length")
        if len(r) and (r.min() < 0 or c.min() < 0):
            raise ValueError("node indices must be ≥ 0")
        n_rows = max(n_rows, int(r.max()) + 1 if len(r) else 0)
        n_cols = max(n_cols, int(c.max()) + 1 if len(c) else 0)
        keys = np.sort(r * max(n_cols, 1) + c)
        keys = keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys
        return cls._from_sorted_keys(keys, n_rows, n_cols)

    @classmethod
    def _from_sorted_keys(cls, keys: np.ndarray, n_rows: int, n_cols: int) -> BipartiteGraph:
        row_of = (keys // max(n_cols, 1)).astype(np.int32)
        row_idx = (keys % max(n_cols, 1)).astype(np.int32)
        row_ptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(row_of, minlength=n_rows), out=row_ptr[1:])
        col_ptr, col_idx = _transpose(row_ptr, row_idx, n_cols)
        return cls(n_rows, n_cols, row_ptr, row_idx, col_ptr, col_idx, row_of)

    def inside(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Mask over the edges (row-compressed order) of those between ``rows`` and ``cols``."""
        in_rows = np.zeros(self.n_rows, dtype=bool)
        in_rows[np.asarray(rows, dtype=np.int64)] = True
        return in_rows[self.edge_row] & self.touching(cols)

    def touching(self, cols: np.ndarray) -> np.ndarray:
        """Mask over the edges of those that end in one of ``cols``."""
        in_cols = np.zeros(self.n_cols, dtype=bool)
        in_cols[np.asarray(cols, dtype=np.int64)] = True
        return in_cols[self.row_idx]

    def without(self, removed: np.ndarray) -> BipartiteGraph:
        """This graph without the edges (row-compressed order) where ``removed`` is True; all nodes stay."""
        keep = ~removed
        keys = self.edge_row[keep].astype(np.int64) * max(self.n_cols, 1) + self.row_idx[keep]
        return self._from_sorted_keys(keys, self.n_rows, self.n_cols)

    def column_degrees(self) -> np.ndarray:
        return np.diff(self.col_ptr)

    def row_degrees(self) -> np.ndarray:
        return np.diff(self.row_ptr)


@dataclass(frozen=True)
class Block:
    """A dense block: its row and column indices, density (in weight units per node) and edge count."""

    rows: np.ndarray
    cols: np.ndarray
    density: float
    edges: int

    @property
    def fill(self) -> float:
        """Share of the block's row × column pairs that are edges."""
        pairs = len(self.rows) * len(self.cols)
        return self.edges / pairs if pairs else 0.0


def column_weights(degrees: np.ndarray, weighting: str = "log") -> np.ndarray:
    """Each column's edge weight as a fixed-point integer: ``1/log(d+5)``, ``1/sqrt(d+5)`` or 1."""
    d = np.asarray(degrees, dtype=np.float64)
    if weighting == "log":
        w = 1.0 / np.log(d + 5.0)
    elif weighting == "sqrt":
        w = 1.0 / np.sqrt(d + 5.0)
    elif weighting == "none":
        w = np.ones_like(d)
    else:
        raise ValueError(f"unknown weighting {weighting!r}; expected one of {list(WEIGHTINGS)}")
    return np.rint(w * WEIGHT_SCALE).astype(np.int64)


def fixed_point(values: np.ndarray | None, n: int) -> np.ndarray:
    """Node priors (suspiciousness ≥ 0 from other detectors) as fixed-point integers; zeros when absent."""
    if values is None:
        return np.zeros(n, dtype=np.int64)
    v = np.asarray(values, dtype=np.float64)
    if v.shape != (n,) or (v < 0).any() or not np.isfinite(v).all():
        raise ValueError(f"priors must be {n} finite values ≥ 0")
    return np.rint(v * WEIGHT_SCALE).astype(np.int64)


def densest_block(
    graph: BipartiteGraph,
    weighting: str = "log",
    row_prior: np.ndarray | None = None,
    col_prior: np.ndarray | None = None,
) -> Block:
    """The densest block greedy peeling finds (the whole graph when nothing beats it)."""
    col_w = column_weights(graph.column_degrees(), weighting)
    prior = np.concatenate([fixed_point(row_prior, graph.n_rows), fixed_point(col_prior, graph.n_cols)])
    keep, score = _peel(graph.n_rows, graph.row_ptr, graph.row_idx, graph.col_ptr, graph.col_idx, col_w, prior)
    rows = np.flatnonzero(keep[: graph.n_rows])
    cols = np.flatnonzero(keep[graph.n_rows :])
    nodes = len(rows) + len(cols)
    edges = int(graph.inside(rows, cols).sum())
    return Block(rows, cols, score / WEIGHT_SCALE / nodes if nodes else 0.0, edges)


def densest_blocks(graph: BipartiteGraph, count: int, weighting: str = "log") -> list[Block]:
    """Up to ``count`` blocks, each found after removing the edges of those before (weights recomputed)."""
    blocks = []
    for _ in range(count):
        if graph.edges == 0:
            break
        block = densest_block(graph, weighting)
        if block.edges == 0:
            break
        blocks.append(block)
        graph = graph.without(graph.inside(block.rows, block.cols))
    return blocks


def density_of(graph: BipartiteGraph, rows: np.ndarray, cols: np.ndarray, weighting: str = "log") -> float:
    """Density of the block ``rows × cols`` under ``weighting`` with weights from the whole graph's degrees."""
    w = column_weights(graph.column_degrees(), weighting)
    total = int(w[graph.row_idx[graph.inside(rows, cols)]].sum())
    nodes = len(rows) + len(cols)
    return total / WEIGHT_SCALE / nodes if nodes else 0.0


@numba.njit(cache=True)
def _transpose(row_ptr, row_idx, n_cols):  # pragma: no cover - compiled
    """Column-compressed copy of a row-compressed pattern, by counting sort (rows stay ascending)."""
    counts = np.zeros(n_cols + 1, dtype=np.int64)
    for k in range(len(row_idx)):
        counts[row_idx[k] + 1] += 1
    col_ptr = np.cumsum(counts)
    fill = col_ptr[:-1].copy()
    col_idx = np.empty(len(row_idx), dtype=np.int32)
    for r in range(len(row_ptr) - 1):
        for k in range(row_ptr[r], row_ptr[r + 1]):
            c = row_idx[k]
            col_idx[fill[c]] = r
            fill[c] += 1
    return col_ptr, col_idx


_REMOVED = np.iinfo(np.int64).max


@numba.njit(cache=True)
def _peel(n_rows, row_ptr, row_idx, col_ptr, col_idx, col_w, prior):  # pragma: no cover - compiled
    """Peel rows and columns by least deletion cost; returns (mask of the best node set, its weight)."""
    n = len(prior)
    n_cols = n - n_rows
    size = 1
    while size < max(n, 1):
        size *= 2
    tree = np.full(2 * size, _REMOVED, dtype=np.int64)
    total = 0
    for r in range(n_rows):
        cost = prior[r]
        for k in range(row_ptr[r], row_ptr[r + 1]):
            cost += col_w[row_idx[k]]
        tree[size + r] = cost
        total += cost
    for c in range(n_cols):
        cost = prior[n_rows + c] + (col_ptr[c + 1] - col_ptr[c]) * col_w[c]
        tree[size + n_rows + c] = cost
        total += cost - (col_ptr[c + 1] - col_ptr[c]) * col_w[c]  # edge weight already counted by the rows
    for p in range(size - 1, 0, -1):
        tree[p] = min(tree[2 * p], tree[2 * p + 1])

    removed = np.zeros(n, dtype=np.bool_)
    order = np.empty(n, dtype=np.int64)
    rows_left, cols_left = n_rows, n_cols
    current = total
    best_score = total
    best_average = total / n if n else 0.0
    best_steps = 0
    steps = 0
    while rows_left > 0 and cols_left > 0:
        p = 1
        while p < size:
            p = 2 * p if tree[2 * p] <= tree[2 * p + 1] else 2 * p + 1
        node = p - size
        current -= tree[p]
        tree[p] = _REMOVED
        while p > 1:
            p //= 2
            smaller = min(tree[2 * p], tree[2 * p + 1])
            if tree[p] == smaller:
                break
            tree[p] = smaller
        removed[node] = True
        order[steps] = node
        steps += 1
        if node < n_rows:
            rows_left -= 1
            for k in range(row_ptr[node], row_ptr[node + 1]):
                c = row_idx[k]
                if not removed[n_rows + c]:
                    _decrease(tree, size + n_rows + c, col_w[c])
        else:
            cols_left -= 1
            c = node - n_rows
            for k in range(col_ptr[c], col_ptr[c + 1]):
                r = col_idx[k]
                if not removed[r]:
                    _decrease(tree, size + r, col_w[c])
        average = current / (n - steps)
        if average > best_average:
            best_average = average
            best_score = current
            best_steps = steps
    keep = np.ones(n, dtype=np.bool_)
    for s in range(best_steps):
        keep[order[s]] = False
    return keep, best_score


@numba.njit(cache=True, inline="always")
def _decrease(tree, leaf, amount):  # pragma: no cover - compiled
    value = tree[leaf] - amount
    tree[leaf] = value
    p = leaf // 2
    while p >= 1 and tree[p] > value:
        tree[p] = value
        p //= 2
