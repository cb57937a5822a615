"""The scorer's text model: an average of linear n-gram models that tells wordings apart, scored out of fold."""

import numpy as np

from anxin.integrity.scorer.text import text_feature, text_model


def _corpus(n=80):
    rng = np.random.default_rng(0)
    fake = ["amazing luxury stay, my husband and I loved it, will return", "best hotel ever, perfect vacation"]
    real = ["room was ok, the elevator slow, parking $40 a night", "check-in took 20 minutes; bed fine, street noisy"]
    labels = rng.integers(0, 2, n)
    texts = [f"{(fake if y else real)[i % 2]} {rng.integers(1000)}" for i, y in enumerate(labels)]
    return texts, labels.astype(float)


def test_text_model_separates_wording():
    texts, labels = _corpus()
    p = text_model().fit(texts[:60], labels[:60]).predict_proba(texts[60:])
    assert p.shape == (20, 2) and np.allclose(p.sum(axis=1), 1)
    assert np.mean((p[:, 1] >= 0.5) == labels[60:]) == 1.0


def test_text_feature_is_out_of_fold_on_train_rows():
    texts, labels = _corpus()
    out = text_feature(texts, labels, np.arange(60))
    assert out.shape == (80,) and np.all((out >= 0) & (out <= 1))
    assert np.mean((out >= 0.5) == labels) == 1.0  # train rows too, though each was scored by a model that never saw it
