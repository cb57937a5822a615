r"""Evaluate the scorer on a platform's labelled tables: stratified splits, AUROC, AUPRC and recall@K.

Why this protocol: fraud labels are rare, so plain accuracy says nothing;
AUROC is how well frauds rank above genuine rows, AUPRC how clean the top of
the ranking is, and recall@K (K = the frauds in the test part) what a review
queue of that size would catch. Splits are stratified so each keeps the
fraud rate; only the training part's labels feed the label-aware graph
features and the text model.

>>> import io
>>> rng = np.random.default_rng(1)
>>> rows = "\n".join(f"u{i},{v:.3f},{w:.3f}" for i, (v, w) in enumerate(rng.normal(size=(300, 2))))
>>> labels = "\n".join(f"u{i}," + ("1" if v > 0.8 else "0") for i, (v, _) in enumerate(rng.normal(size=(300, 2))))
>>> t = read_tables(io.StringIO("id,a,b\n" + rows), io.StringIO("id,label\n" + labels))
>>> sorted(evaluate(t, train_frac=0.7, seed=0, splits=2, n_estimators=20))
['accuracy', 'auprc', 'auroc', 'positives', 'recall_at_k', 'rows', 'splits', 'train_frac']
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.model_selection import StratifiedShuffleSplit

from anxin.errors import InvalidInput
from anxin.integrity.scorer.graph import graph_features
from anxin.integrity.scorer.model import fit, pr_auc, recall_at_k, roc_auc
from anxin.integrity.scorer.tables import Tables, read_tables
from anxin.integrity.scorer.text import STATISTICS, text_feature, text_statistics

__all__ = ["design", "evaluate", "evaluate_splits", "read_tables"]


def design(tables: Tables, train: np.ndarray, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """The model's input for every row: own features, neighbour features (with edges), text evidence (with texts)."""
    blocks, names = [tables.features], list(tables.feature_names)
    if tables.edges is not None and len(tables.edges):
        extra, extra_names = graph_features(tables.features, tables.edges, tables.labels, train, tables.feature_names)
        blocks.append(extra)
        names += extra_names
    if tables.texts is not None:
        blocks += [text_statistics(tables.texts), text_feature(tables.texts, tables.labels, train, seed)[:, None]]
        names += [*STATISTICS, "text_score"]
    return np.hstack(blocks), names


def evaluate(
    tables: Tables,
    *,
    train_frac: float,
    seed: int,
    splits: int = 5,
    progress: Callable[[int], None] | None = None,
    **params,
) -> dict:
    """Mean AUROC, AUPRC and recall@K over ``splits`` stratified splits of the labelled rows."""
    if not 0 < train_frac < 1:
        raise InvalidInput(f"--train-frac must be between 0 and 1 (exclusive), got {train_frac}")
    labelled = tables.labelled
    y = tables.labels
    positives = int(np.sum(y[labelled]))
    test_positives = (len(labelled) - round(train_frac * len(labelled))) * positives / len(labelled)
    if min(positives, len(labelled) - positives) < 4 or test_positives < 1 or train_frac * positives < 2:
        raise InvalidInput(
            f"{positives} fraud and {len(labelled) - positives} genuine labelled rows are too few to split "
            f"{train_frac:.0%} / {1 - train_frac:.0%}; label more rows or change --train-frac"
        )
    splitter = StratifiedShuffleSplit(n_splits=splits, train_size=train_frac, random_state=seed)
    chosen = [(labelled[a], labelled[b]) for a, b in splitter.split(labelled, y[labelled])]
    return {**evaluate_splits(tables, chosen, seed=seed, progress=progress, **params), "train_frac": train_frac}


def evaluate_splits(
    tables: Tables,
    splits: list[tuple[np.ndarray, np.ndarray]],
    *,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
    **params,
) -> dict:
    """Mean metrics over given (train rows, test rows) splits — a data set's own folds, for instance.

    ``accuracy`` thresholds the calibrated probability at 0.5.
    """
    y = tables.labels
    results = []
    for k, (train, test) in enumerate(splits):
        x, names = design(tables, train, seed + k)
        model = fit(x, y, train, names, seed=seed + k, **params)
        score = model.predict(x[test])
        truth = y[test].astype(int)
        results.append(
            {
                "auroc": roc_auc(truth, score),
                "auprc": pr_auc(truth, score),
                "recall_at_k": recall_at_k(truth, score),
                "accuracy": float(np.mean((score >= 0.5) == truth)),
            }
        )
        if progress is not None:
            progress(1)
    summary = {key: round(float(np.mean([r[key] for r in results])), 4) for key in results[0]}
    labelled = tables.labelled
    return {
        **summary,
        "splits": [{key: round(value, 4) for key, value in r.items()} for r in results],
        "rows": len(labelled),
        "positives": int(np.sum(y[labelled])),
    }
