"""Search words for the case library: jieba words for Chinese, plain words for English, and highlighting. Pure.

Both databases index the same pre-tokenised text (words joined by spaces), so
SQLite's FTS5 ``unicode61`` tokenizer and PostgreSQL's ``simple`` configuration
only have to split on spaces; neither needs a Chinese parser extension.

jieba cuts a word differently in a sentence and on its own, so :func:`tokens`
closes the set under re-cutting: every word it returns, searched on its own,
yields only words that the same text also returned. That is what makes
"指纹识别失灵" find an article saying "指纹识别模块失灵".

>>> tokens("指纹识别模块失灵")
['指纹', '识别', '指纹识别', '模块', '失灵']
>>> tokens("S2 Pro fails, 3.5V")
['s2', 'pro', 'fails', '3', '5', 'v']
>>> highlight("更换指纹模块后恢复", ["指纹", "恢复"])
[('更换', False), ('指纹', True), ('模块后', False), ('恢复', True)]
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary loading at DEBUG on first use

_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script: what FTS5 unicode61 keeps together
_STOP = """的 了 是 在 和 与 及 或 也 就 都 而 吗 呢 啊 吧 呀 哦 嗯 着 过 把 被 让 给 请
怎么 怎么办 怎么样 如何 什么 为什么 一下 一个 这个 那个 还是 但是 然后 就是
a an the is are was be to of in on at for and or not it this that with"""
STOP_WORDS = frozenset(_STOP.split())
"""Words so common they only stop a query from matching: dropped on both sides, so they cannot hide a match."""


def normalize(text: str) -> str:
    """Full-width letters and digits as ASCII (NFKC), lower case: what an input method types either way."""
    return unicodedata.normalize("NFKC", text).lower()


@lru_cache(maxsize=65536)
def _cut(text: str) -> tuple[str, ...]:
    """The jieba search-engine cut of normalised text, with punctuation and stop words left out."""
    return tuple(
        word for piece in jieba.cut_for_search(text) for word in _WORD.findall(piece) if word not in STOP_WORDS
    )


def tokens(text: str) -> list[str]:
    """The words of ``text`` in order (repeats kept, they weigh in the ranking), then the sub-words they imply.

    Each distinct word is cut again on its own until nothing new appears; so for
    every ``w`` in ``tokens(t)``, ``tokens(w)`` is a subset of ``tokens(t)``.
    """
    found = list(_cut(normalize(text)))
    seen = set(found)
    pending = list(seen)
    while pending:
        for sub in _cut(pending.pop()):
            if sub not in seen:
                seen.add(sub)
                found.append(sub)
                pending.append(sub)
    return found


def query_terms(text: str) -> list[str]:
    """Distinct search words of a query, in the order typed."""
    return list(dict.fromkeys(tokens(text)))


def index_text(*parts: str) -> str:
    """What the databases index for ``parts``: their tokens joined by spaces."""
    return " ".join(word for part in parts for word in tokens(part))


def _shown_terms(terms: list[str]) -> list[str]:
    """Terms worth marking: single characters only when nothing longer was asked for; longest first."""
    longer = [t for t in terms if len(t) > 1]
    return sorted(longer or terms, key=len, reverse=True)


def highlight(text: str, terms: list[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is_match) runs, so a template can mark matches without trusting any HTML."""
    shown = _shown_terms([t for t in terms if t])
    if not shown:
        return [(text, False)] if text else []
    low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)  # same length as text
    pattern = re.compile("|".join(re.escape(t) for t in shown))
    runs: list[tuple[str, bool]] = []
    at = 0
    for match in pattern.finditer(low):
        if match.start() > at:
            runs.append((text[at : match.start()], False))
        runs.append((text[match.start() : match.end()], True))
        at = match.end()
    if at < len(text):
        runs.append((text[at:], False))
    return _merge(runs)


def _merge(runs: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    merged: list[tuple[str, bool]] = []
    for piece, hit in runs:
        if merged and merged[-1][1] == hit:
            merged[-1] = (merged[-1][0] + piece, hit)
        else:
            merged.append((piece, hit))
    return merged


def snippet(fields: list[str], terms: list[str], width: int = 80) -> list[tuple[str, bool]]:
    """A highlighted excerpt of about ``width`` characters from the field with the most matches.

    >>> snippet(["门锁没电", "电池耗尽，指纹模块无法供电"], ["指纹"], width=8)
    [('…尽，', False), ('指纹', True), ('模块无法…', False)]
    """
    best, best_hits = "", -1
    for field in fields:
        hits = sum(hit for _piece, hit in highlight(field, terms))
        if hits > best_hits:
            best, best_hits = field, hits
    start = 0
    runs = highlight(best, terms)
    first = next((i for i, (_p, hit) in enumerate(runs) if hit), None)
    if first is not None:
        start = max(0, sum(len(p) for p, _h in runs[:first]) - width // 3)
    piece = best[start : start + width]
    lead = "…" if start > 0 else ""
    tail = "…" if start + width < len(best) else ""
    out = highlight(piece, terms)
    if lead:
        out = _merge([(lead, False), *out])
    if tail:
        out = _merge([*out, (tail, False)])
    return out
