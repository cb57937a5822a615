"""Graph evidence for the scorer: what a row's neighbours look like, and how many of them are known frauds.

Sock puppets sit beside sock puppets (shared devices, the same products
reviewed, the same threads). For each row: the mean of its neighbours'
features over one and two hops, its degree, and — label-aware — how many of
its neighbours the *training* labels say are fraud, over one and two hops.
Two-hop walks that return to the row itself are removed, or a training row
would be handed its own label (``tests/integrity/scorer/test_model.py``
flips one label and checks).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse


def graph_features(
    x: np.ndarray, edges: np.ndarray, labels: np.ndarray, train: np.ndarray, feature_names: Sequence[str]
) -> tuple[np.ndarray, list[str]]:
    """Neighbour aggregates of ``x`` (1- and 2-hop means), degree, and label-aware shares from ``train`` labels."""
    n = len(x)
    adjacency = sparse.coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    adjacency = ((adjacency + adjacency.T) > 0).astype(np.float64).tocsr()
    adjacency.setdiag(0)
    adjacency.eliminate_zeros()
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    walk = sparse.diags(1.0 / np.maximum(degree, 1)) @ adjacency
    filled = np.where(np.isnan(x), np.nanmedian(x, axis=0), x)
    filled = np.nan_to_num(filled)
    hop1 = walk @ filled
    hop2 = walk @ hop1
    known = np.zeros(n)
    known[train] = 1.0
    fraud = np.zeros(n)
    fraud[train] = labels[train]
    known_neighbours = adjacency @ known
    fraud_neighbours = adjacency @ fraud
    share = np.divide(fraud_neighbours, known_neighbours, out=np.full(n, np.nan), where=known_neighbours > 0)
    # Two hops: walks i → j → i are taken out, or they would hand a training row its own label back.
    known_2 = adjacency @ known_neighbours - degree * known
    fraud_2 = adjacency @ fraud_neighbours - degree * fraud
    share_2 = np.divide(fraud_2, known_2, out=np.full(n, np.nan), where=known_2 > 0)
    names = [f"mean1_{f}" for f in feature_names] + [f"mean2_{f}" for f in feature_names]
    names += ["degree", "known_neighbours", "fraud_neighbours", "fraud_share", "fraud_share_2hop"]
    columns = [hop1, hop2, degree[:, None], known_neighbours[:, None], fraud_neighbours[:, None], share[:, None]]
    return np.hstack([*columns, share_2[:, None]]), names
