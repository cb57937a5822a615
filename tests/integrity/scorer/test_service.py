"""Scorer versions on a real database: trained with scores and metrics, activated one per name, audited."""

from __future__ import annotations

import numpy as np
import pytest

from anxin.audit import service as audit
from anxin.errors import Conflict, InvalidInput
from anxin.integrity.rules import service as rules
from anxin.integrity.scorer import service as scorer
from anxin.integrity.scorer.tables import Tables


def _tables(seed: int = 0, n: int = 600) -> Tables:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.15).astype(float)
    x = np.c_[rng.normal(size=n) + 2.0 * y, rng.normal(size=n)]
    y[:50] = np.nan  # unlabelled accounts are scored too
    return Tables([f"acct-{i}" for i in range(n)], ["signal", "noise"], x, y)


def test_train_stores_every_rows_score_and_activation_feeds_rules(db, demo, principal):
    analyst = principal("risk")
    tables = _tables()
    first = scorer.train(db, tables, name="fraud_model", reason="first labels from 2026 Q3", actor=analyst)
    assert (first.number, first.status, first.rows, first.scored) == (1, "trained", 550, 600)
    assert first.metrics["auroc"] > 0.85 and first.feature_names == ["signal", "noise"]
    assert scorer.active_scores(db) == {}
    assert rules.catalog(db).scores == frozenset()
    scorer.activate(db, first.id, actor=analyst)
    scores = scorer.active_scores(db)["fraud_model"]
    assert len(scores) == 600 and all(0 <= s <= 1 for s in scores.values())
    frauds = [f"acct-{i}" for i in np.flatnonzero(tables.labels == 1)]
    honest = [f"acct-{i}" for i in np.flatnonzero(tables.labels == 0)]
    assert np.mean([scores[a] for a in frauds]) > np.mean([scores[a] for a in honest]) + 0.3
    assert rules.catalog(db).scores == frozenset({"fraud_model"})
    rules.check_source(db, 'rule m when model_score(actor, "fraud_model") > 0.9 then review')
    with pytest.raises(InvalidInput, match="no active scorer model named 'fraud_modle'"):
        rules.check_source(db, 'rule m when model_score(actor, "fraud_modle") > 0.9 then review')

    second = scorer.train(db, _tables(seed=1), name="fraud_model", reason="relabelled", actor=analyst)
    scorer.activate(db, second.id, actor=analyst)
    assert [(v.number, v.status) for v in scorer.versions(db)] == [(2, "active"), (1, "retired")]
    with pytest.raises(Conflict):
        scorer.activate(db, second.id, actor=analyst)
    actions = [e.action for e in audit.recent(db, limit=10)]
    assert actions.count("scorer.train") == 2 and actions.count("scorer.activate") == 2


def test_bad_names_and_missing_reasons_are_refused(db, demo, principal):
    with pytest.raises(InvalidInput, match="lower-case letters"):
        scorer.train(db, _tables(), name="Fraud Model!", reason="x", actor=principal("risk"))
    with pytest.raises(InvalidInput, match="say why"):
        scorer.train(db, _tables(), name="fraud_model", reason="  ", actor=principal("risk"))
