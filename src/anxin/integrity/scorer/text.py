"""Text evidence for the scorer: style statistics any language has, and an n-gram model's out-of-fold score.

Machine-written and paid reviews differ from honest ones in wording (word
and character n-grams, TF-IDF with logistic regression) and in shape
(length, punctuation, capitals, digits). The n-gram model enters the trees
as one feature, computed out of fold for training rows so that no row is
scored by a text model that read its label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline, make_union

STATISTICS = ("chars", "words", "mean_word_length", "upper_share", "digit_share", "exclaim_share", "punct_share",
              "sentences")  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?。！？]+")


def text_statistics(texts: Sequence[str]) -> np.ndarray:
    """One row of :data:`STATISTICS` per text."""
    rows = []
    for text in texts:
        words = text.split()
        n = max(len(text), 1)
        rows.append(
            [
                len(text),
                len(words),
                sum(map(len, words)) / len(words) if words else 0.0,
                sum(c.isupper() for c in text) / n,
                sum(c.isdigit() for c in text) / n,
                sum(c in "!?！？" for c in text) / n,
                sum(c in ".,;:，。；：、" for c in text) / n,
                len([s for s in _SENTENCE_END.split(text) if s.strip()]),
            ]
        )
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(STATISTICS))


def text_model():
    """TF-IDF over word 1–2-grams, in-word character 1–5-grams and character 3–6-grams, then logistic regression."""
    return make_pipeline(
        make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), sublinear_tf=True, min_df=2),
            TfidfVectorizer(analyzer="char", ngram_range=(3, 6), sublinear_tf=True, min_df=3),
        ),
        LogisticRegression(C=10, max_iter=3000),
    )


def text_feature(texts: Sequence[str], labels: np.ndarray, train: np.ndarray, seed: int = 0) -> np.ndarray:
    """The text model's fraud probability per row: out of fold (5-fold) for ``train``, fitted on all of it elsewhere."""
    out = np.zeros(len(texts))
    y = labels[train].astype(int)
    corpus = np.array(texts, dtype=object)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    for inner_train, inner_test in folds.split(train, y):
        model = text_model().fit(corpus[train[inner_train]], y[inner_train])
        out[train[inner_test]] = model.predict_proba(corpus[train[inner_test]])[:, 1]
    others = np.setdiff1d(np.arange(len(texts)), train)
    if len(others):
        out[others] = text_model().fit(corpus[train], y).predict_proba(corpus[others])[:, 1]
    return out
