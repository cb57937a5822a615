"""The supervised fraud scorer: gradient-boosted trees over a platform's features, its graph and its texts.

Problem: the rules and detectors catch known shapes; a platform that has
labelled cases (accounts it banned, reviews its moderators removed) wants a
score learned from them — on *its* features, whatever they are. Three
sources of evidence generalise across platforms:

* **the row's own features** (LightGBM handles missing values and scales);
* **its neighbours** (``edges``): mean of the neighbours' features over one
  and two hops, the degree, and — *label-aware* — the share of the
  neighbours known (from the training labels only) to be fraud: sock
  puppets sit beside sock puppets;
* **its text** (``texts``): word and character n-gram TF-IDF with logistic
  regression, entered as one feature, computed out of fold for the training
  rows so the trees never see a text model that has read their own label.

The learner is a blend of LightGBM trees and a regularised logistic
regression — trees for rich tabular signals, the linear model for many weak
ones such as text embeddings — with tree shape, regularisation and blend
weight all chosen by inner cross-validation on the training rows, so the
same code adapts to a platform it has never seen. Probabilities are
calibrated (Platt scaling on out-of-fold scores, which keeps the ranking)
and each score is explained per feature (the trees' SHAP values from
``pred_contrib`` plus the linear model's terms, in the blend's proportions).

>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=(400, 3)); y = (x[:, 0] + 0.3 * rng.normal(size=400) > 1).astype(float)
>>> model = fit(x, y, np.arange(300), ["signal", "noise", "more_noise"], n_estimators=60)
>>> p = model.predict(x[300:]); round(float(roc_auc(y[300:], p)), 2) > 0.9
True
>>> model.explain(x[300:301])[0][0][0]
'signal'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import lightgbm as lgb
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold

TREE_SHAPES = (
    {"num_leaves": 4, "min_child_samples": 100, "colsample_bytree": 0.3},
    {"num_leaves": 15, "min_child_samples": 30, "colsample_bytree": 0.5},
    {"num_leaves": 31, "min_child_samples": 20, "colsample_bytree": 0.8},
)
"""Tree complexities tried, from weak-signal (many noisy features, few frauds) to rich data; inner CV picks."""

TREE_PARAMS = {
    "n_estimators": 1000,
    "learning_rate": 0.02,
    "subsample": 0.8,
    "subsample_freq": 1,
    "reg_lambda": 1.0,
    "verbose": -1,
}


INNER_FOLDS = 5
"""Inner cross-validation folds: they choose the models and bag the trees."""

LINEAR_C = (0.01, 0.1, 1.0)
"""Inverse regularisation strengths tried for the linear model."""

BLEND_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
"""Share of the trees in the blend (the rest is the linear model); inner CV picks."""


@dataclass
class Linear:
    """Logistic regression on standardised features, missing values as the training median."""

    centre: np.ndarray
    scale: np.ndarray
    model: LogisticRegression

    @classmethod
    def fit(cls, x: np.ndarray, labels: np.ndarray, c: float) -> Linear:
        centre = np.nanmedian(x, axis=0)
        centre = np.where(np.isnan(centre), 0.0, centre)
        filled = np.where(np.isnan(x), centre, x)
        scale = filled.std(axis=0)
        scale = np.where(scale > 0, scale, 1.0)
        model = LogisticRegression(C=c, max_iter=3000).fit((filled - centre) / scale, labels)
        return cls(centre, scale, model)

    def standardised(self, x: np.ndarray) -> np.ndarray:
        return (np.where(np.isnan(x), self.centre, x) - self.centre) / self.scale

    def raw(self, x: np.ndarray) -> np.ndarray:
        return self.model.decision_function(self.standardised(x))

    def contributions(self, x: np.ndarray) -> np.ndarray:
        return self.standardised(x) * self.model.coef_[0]


@dataclass
class Scorer:
    """A fitted scorer: trees and a linear model blended on standardised log-odds, then Platt-calibrated.

    ``blend`` is ``(tree weight, tree scale, linear scale)``: each model's raw
    score is divided by its spread on the training folds before mixing.
    """

    trees: list[lgb.LGBMClassifier]
    linear: Linear
    blend: tuple[float, float, float]
    feature_names: list[str]
    calibration: tuple[float, float]

    def raw(self, x: np.ndarray) -> np.ndarray:
        weight, tree_scale, linear_scale = self.blend
        score = np.zeros(len(x))
        if weight > 0:
            score += weight * self._trees(x, raw_score=True) / tree_scale
        if weight < 1:
            score += (1 - weight) * self.linear.raw(x) / linear_scale
        return score

    def _trees(self, x: np.ndarray, **how) -> np.ndarray:
        """Mean over the bagged trees (one per inner fold, each stopped at its best round)."""
        return np.mean([t.booster_.predict(x, num_iteration=t.best_iteration_, **how) for t in self.trees], axis=0)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probability of fraud for each row of ``x``."""
        a, b = self.calibration
        return 1.0 / (1.0 + np.exp(-(a * self.raw(x) + b)))

    def explain(self, x: np.ndarray, top: int = 5) -> list[list[tuple[str, float]]]:
        """Per row, the ``top`` features that moved the score most (name, contribution in calibrated log-odds)."""
        weight, tree_scale, linear_scale = self.blend
        contributions = np.zeros(x.shape)
        if weight > 0:
            contributions += weight * self._trees(x, pred_contrib=True)[:, :-1] / tree_scale
        if weight < 1:
            contributions += (1 - weight) * self.linear.contributions(x) / linear_scale
        contributions *= self.calibration[0]
        out = []
        for row in contributions:
            order = np.argsort(-np.abs(row))[:top]
            out.append([(self.feature_names[k], round(float(row[k]), 4)) for k in order])
        return out


def fit(
    x: np.ndarray, y: np.ndarray, train: np.ndarray, feature_names: Sequence[str], seed: int = 0, **params
) -> Scorer:
    """Trees and a linear model on rows ``train`` of ``x``, each tuned by inner CV, blended, calibrated.

    Trees: for each shape in :data:`TREE_SHAPES` (or the one ``params`` fixes)
    every inner fold trains with early stopping on its held-out part; the
    shape with the best out-of-fold quality (AUROC + AUPRC) wins and its
    fold models are kept as a bag (averaged: steadier than one refit when the
    signal is weak). Linear: the best of
    :data:`LINEAR_C`. The blend weight is chosen on the same out-of-fold
    scores, which then fit the calibration — no training row is scored by a
    model that saw its label.
    """
    labels = y[train].astype(int)
    folds = list(StratifiedKFold(n_splits=INNER_FOLDS, shuffle=True, random_state=seed).split(train, labels))
    shapes = [dict(shape) for shape in TREE_SHAPES] if not params else [{}]
    tree_runs = [_tree_out_of_fold(x, labels, train, folds, {**TREE_PARAMS, **shape, **params, "random_state": seed})
                 for shape in shapes]  # fmt: skip
    _, trees, tree_oof = max(tree_runs, key=lambda run: run[0])
    linear_runs = [_linear_out_of_fold(x, labels, train, folds, c) for c in LINEAR_C]
    _, c, linear_oof = max(linear_runs, key=lambda run: run[0])
    tree_scale, linear_scale = _spread(tree_oof), _spread(linear_oof)
    blends = [(w, w * tree_oof / tree_scale + (1 - w) * linear_oof / linear_scale) for w in BLEND_WEIGHTS]
    weight, blended = max(blends, key=lambda b: _quality(labels, b[1]))
    calibration = LogisticRegression(C=1e6).fit(blended[:, None], labels)
    linear = Linear.fit(x[train], labels, c)
    return Scorer(
        trees,
        linear,
        (weight, tree_scale, linear_scale),
        list(feature_names),
        (float(calibration.coef_[0, 0]), float(calibration.intercept_[0])),
    )


def _tree_out_of_fold(x, labels, train, folds, settings) -> tuple[float, list[lgb.LGBMClassifier], np.ndarray]:
    out_of_fold = np.zeros(len(train))
    models = []
    for inner_train, inner_test in folds:
        held_out = x[train[inner_test]]
        model = lgb.LGBMClassifier(**settings).fit(
            x[train[inner_train]],
            labels[inner_train],
            eval_set=[(held_out, labels[inner_test])],
            eval_metric="auc",
            callbacks=[lgb.early_stopping(200, verbose=False)],
        )
        models.append(model)
        out_of_fold[inner_test] = model.booster_.predict(held_out, raw_score=True, num_iteration=model.best_iteration_)
    return _quality(labels, out_of_fold), models, out_of_fold


def _linear_out_of_fold(x, labels, train, folds, c) -> tuple[float, float, np.ndarray]:
    out_of_fold = np.zeros(len(train))
    for inner_train, inner_test in folds:
        model = Linear.fit(x[train[inner_train]], labels[inner_train], c)
        out_of_fold[inner_test] = model.raw(x[train[inner_test]])
    return _quality(labels, out_of_fold), c, out_of_fold


def _quality(labels: np.ndarray, score: np.ndarray) -> float:
    return roc_auc(labels, score) + pr_auc(labels, score)


def _spread(score: np.ndarray) -> float:
    spread = float(np.std(score))
    return spread if spread > 0 else 1.0


def roc_auc(y: np.ndarray, score: np.ndarray) -> float:
    return float(roc_auc_score(y, score))


def pr_auc(y: np.ndarray, score: np.ndarray) -> float:
    return float(average_precision_score(y, score))


def recall_at_k(y: np.ndarray, score: np.ndarray) -> float:
    """Share of the positives among the top K scores, K = the number of positives."""
    k = int(np.sum(y))
    if k == 0:
        return float("nan")
    top = np.argsort(-score, kind="stable")[:k]
    return float(np.sum(y[top]) / k)
