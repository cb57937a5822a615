"""The scorer's learning: it finds planted signal, its graph features never hand a row its own label, it explains."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.integrity.scorer.evaluate import evaluate
from anxin.integrity.scorer.graph import graph_features
from anxin.integrity.scorer.model import fit, recall_at_k, roc_auc
from anxin.integrity.scorer.tables import Tables


def _world(seed: int = 0, n: int = 1_500):
    """Frauds differ in one feature and sit beside each other; one feature is noise."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.1).astype(float)
    x = np.c_[rng.normal(size=n) + 1.2 * y, rng.normal(size=n)]
    frauds, honest = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    edges = np.r_[
        np.c_[rng.choice(frauds, 600), rng.choice(frauds, 600)],  # rings
        np.c_[rng.choice(honest, 3_000), rng.choice(honest, 3_000)],
        np.c_[rng.choice(frauds, 150), rng.choice(honest, 150)],
    ]
    edges = edges[edges[:, 0] != edges[:, 1]]
    return Tables([f"u{i}" for i in range(n)], ["signal", "noise"], x, y, edges)


def test_graph_evidence_improves_the_score_and_the_signal_explains_it():
    world = _world()
    alone = Tables(world.ids, world.feature_names, world.features, world.labels)
    # 150 trees at most (the product's default is 1,000 with early stopping): the planted signal needs few,
    # and the test then takes seconds instead of minutes.
    with_graph = evaluate(world, train_frac=0.6, seed=1, splits=2, n_estimators=150)
    without = evaluate(alone, train_frac=0.6, seed=1, splits=2, n_estimators=150)
    assert with_graph["auroc"] > without["auroc"] + 0.03
    assert without["auroc"] > 0.75
    model = fit(world.features, world.labels, np.arange(1_000), world.feature_names, seed=0, n_estimators=150)
    top = [name for name, _ in model.explain(world.features[world.labels == 1][:20])[0][:1]]
    assert top == ["signal"]


def test_probabilities_are_calibrated():
    world = _world(seed=3, n=4_000)
    train, test = np.arange(2_500), np.arange(2_500, 4_000)
    p = fit(world.features, world.labels, train, world.feature_names, seed=0).predict(world.features[test])
    assert abs(p.mean() - world.labels[test].mean()) < 0.03
    high = p > 0.5
    assert world.labels[test][high].mean() > 0.5


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000))
def test_label_features_never_carry_a_training_rows_own_label(seed):
    """Flip one training row's label: its own graph features must not move (only its neighbours' do)."""
    world = _world(seed=seed % 7, n=300)
    rng = np.random.default_rng(seed)
    train = np.sort(rng.choice(300, 200, replace=False))
    row = int(rng.choice(train))
    before, names = graph_features(world.features, world.edges, world.labels, train, world.feature_names)
    flipped = world.labels.copy()
    flipped[row] = 1 - flipped[row]
    after, _ = graph_features(world.features, world.edges, flipped, train, world.feature_names)
    label_columns = [names.index(c) for c in ("fraud_neighbours", "fraud_share", "fraud_share_2hop")]
    np.testing.assert_array_equal(before[row, label_columns], after[row, label_columns])


def test_metrics_on_known_rankings():
    y = np.array([1, 0, 1, 0, 0])
    assert roc_auc(y, np.array([0.9, 0.1, 0.8, 0.2, 0.3])) == 1.0
    assert recall_at_k(y, np.array([0.9, 0.95, 0.1, 0.2, 0.3])) == 0.5
