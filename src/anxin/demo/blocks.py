"""A seeded account × shop purchase graph with planted 刷单 blocks, camouflage and honest dense corners.

Problem: the dense-block detector and its benchmark need graphs of up to 10M
edges where we know which accounts are a gang, and where honest activity has
the dense corners that fool naive density: heavy buyers at the biggest shops
(power-law activity and popularity) and hobby communities that share a few
niche shops. Pure numpy, O(edges).

- **Honest**: Chung–Lu style, each edge's account drawn by a Pareto activity
  weight (capped at 30× the least active) and its shop by a Zipf popularity
  weight.
- **Communities** (honest look-alikes): 30–200 accounts, each buying at 1–3
  of 8–20 niche shops that also sell to everyone else.
- **Blocks** (planted): 50–500 puppet accounts × 10–80 shops, each puppet
  buying at a ``fill`` share (0.3–0.8) of the block's shops, plus as many
  camouflage edges again — to random shops, or (``biased``) to shops drawn by
  popularity, the camouflage FRAUDAR was designed to resist.

>>> g = generate(seed=1, edges=20_000, accounts=5_000, shops=800, blocks=3, communities=2)
>>> len(g.rows) == len(g.cols), len(g.block_rows), int(g.planted.sum()) == sum(map(len, g.block_rows))
(True, 3, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BlockGraph:
    """Edges ``rows[k] — cols[k]`` (repeats possible) and the planted truth."""

    rows: np.ndarray
    cols: np.ndarray
    n_rows: int
    n_cols: int
    block_rows: list[np.ndarray]
    block_cols: list[np.ndarray]
    community_rows: list[np.ndarray]

    @property
    def planted(self) -> np.ndarray:
        """Mask over accounts: in a planted block."""
        mask = np.zeros(self.n_rows, dtype=bool)
        for r in self.block_rows:
            mask[r] = True
        return mask


def generate(
    *,
    seed: int = 0,
    edges: int = 1_000_000,
    accounts: int = 100_000,
    shops: int = 20_000,
    blocks: int = 8,
    communities: int = 20,
    biased_camouflage: bool = True,
) -> BlockGraph:
    """``edges`` honest edges plus the planted blocks and communities (a few thousand edges more)."""
    rng = np.random.default_rng(seed)
    activity = np.minimum(rng.pareto(2.0, accounts) + 1.0, 30.0)  # the busiest honest buyer: ~30× the median
    popularity = 1.0 / np.arange(1, shops + 1) ** 0.9
    popularity = rng.permutation(popularity)
    rows = [_draw(rng, activity, edges)]
    cols = [_draw(rng, popularity, edges)]
    # Communities and blocks recruit from disjoint, random accounts and shops.
    free_accounts = rng.permutation(accounts)
    free_shops = rng.permutation(shops)
    taken_a = taken_s = 0
    community_rows = []
    for _ in range(communities):
        size, n_shops = int(rng.integers(30, 201)), int(rng.integers(8, 21))
        members, niche = free_accounts[taken_a : taken_a + size], free_shops[taken_s : taken_s + n_shops]
        taken_a, taken_s = taken_a + size, taken_s + n_shops
        picks = rng.integers(1, 4, size)
        rows.append(np.repeat(members, picks))
        cols.append(niche[rng.integers(0, n_shops, int(picks.sum()))])
        community_rows.append(np.sort(members))
    block_rows, block_cols = [], []
    for _ in range(blocks):
        size, n_shops, fill = int(rng.integers(50, 501)), int(rng.integers(10, 81)), float(rng.uniform(0.3, 0.8))
        members, targets = free_accounts[taken_a : taken_a + size], free_shops[taken_s : taken_s + n_shops]
        taken_a, taken_s = taken_a + size, taken_s + n_shops
        hit = rng.random((size, n_shops)) < fill
        r_idx, c_idx = np.nonzero(hit)
        rows.append(members[r_idx])
        cols.append(targets[c_idx])
        camouflage = len(r_idx)
        rows.append(members[rng.integers(0, size, camouflage)])
        cols.append(_draw(rng, popularity, camouflage) if biased_camouflage else rng.integers(0, shops, camouflage))
        block_rows.append(np.sort(members))
        block_cols.append(np.sort(targets))
    return BlockGraph(
        np.concatenate(rows), np.concatenate(cols), accounts, shops, block_rows, block_cols, community_rows
    )


def _draw(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """``n`` indices drawn with probability proportional to ``weights`` (inverse CDF, vectorised)."""
    cdf = np.cumsum(weights)
    return np.minimum(np.searchsorted(cdf, rng.random(n) * cdf[-1]), len(weights) - 1)
