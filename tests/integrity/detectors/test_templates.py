"""Template-review detector: shingling, MinHash, LSH against exact all-pairs Jaccard, and the shop × time test.

The oracle is a plain-Python reading of the module's definitions: units by a
regular expression, shingles as tuples of strings, Jaccard similarity over
all pairs of texts (exactly, as a sparse product), and the same density-peak
rule on that exact graph. The vectorised, hashed, LSH-sampled detector must
agree with it within the tolerances each test states.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from anxin.demo.reviews import DAY_MS, START_MS, generate
from anxin.integrity.detectors.templates import (
    ReviewRecord,
    TemplateDetector,
    as_reviews,
    density_peaks,
    detect,
    genericness,
    lsh_bands,
    minhash,
    shingle_set,
)
from anxin.integrity.events.schema import Event

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f"
WORD = "0-9a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u052f"
UNIT = re.compile(f"[{CJK}]|[{WORD}]+")
CHAR = re.compile(f"[{CJK}]")


def reference_units(text: str) -> tuple[str, ...]:
    """Units as the module docstring defines them: full-width folded, ASCII lower-cased, CJK chars and words."""
    folded = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)
    return tuple(UNIT.findall(folded.translate({c: c + 32 for c in range(ord("A"), ord("Z") + 1)})))


def reference_shingles(units: tuple[str, ...]) -> set[tuple[str, ...]]:
    """Unit bigrams, every word, and a lone unit."""
    shingles: set[tuple[str, ...]] = set(itertools.pairwise(units))
    shingles |= {(u,) for u in units if not CHAR.fullmatch(u) or len(units) == 1}
    return shingles


def exact_jaccard(sets: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair ``i < j`` of ``sets`` that overlaps, with its exact Jaccard similarity (a sparse product)."""
    vocabulary: dict = {}
    rows = [row for row, items in enumerate(sets) for _ in items]
    columns = [vocabulary.setdefault(item, len(vocabulary)) for items in sets for item in items]
    incidence = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(sets), len(vocabulary)))
    overlap = sparse.triu(incidence @ incidence.T, k=1).tocoo()
    size = np.array([len(items) for items in sets])
    return overlap.row, overlap.col, overlap.data / (size[overlap.row] + size[overlap.col] - overlap.data)


def exact_groups(texts, authors, threshold: float = 0.5, min_shingles: int = 3) -> np.ndarray:
    """The oracle: texts equal after normalisation group; longer ones by exact all-pairs Jaccard + density peaks."""
    form_of: dict[tuple[str, ...], int] = {}
    code = np.array([form_of.setdefault(reference_units(t), len(form_of)) for t in texts])
    forms = [reference_shingles(units) for units in form_of]
    long = np.array([i for i, shingles in enumerate(forms) if len(shingles) >= min_shingles], dtype=np.int64)
    a, b, jaccard = exact_jaccard([forms[i] for i in long])
    keep = jaccard >= threshold
    labels = np.arange(len(forms)) + len(long)
    writers = Counter(form for form, _ in set(zip(code.tolist(), authors, strict=True)))
    weight = np.array([writers[i] for i in long], dtype=float)
    labels[long] = density_peaks(a[keep], b[keep], jaccard[keep], weight=weight)
    return labels[code]


class ExactTemplateDetector(TemplateDetector):
    """The detector with its LSH grouping replaced by the exact oracle; everything after it is shared."""

    def near_duplicate_groups(self, texts, authors):
        return exact_groups(texts, authors.tolist(), self.threshold, self.min_shingles)


def flagged_reviews(findings) -> set[str]:
    return {review for finding in findings for review in finding.member_ids("review")}


def review(i, account, shop, time_ms, text, rating=5) -> ReviewRecord:
    return ReviewRecord(f"r{i}", account, shop, f"{shop}-item", time_ms, rating, text)


TEXT = st.text(
    alphabet=st.sampled_from([*"质量很好物流快好评超赞价廉abcXYZ09ＡＢｃ１２ ,.!，。！~👍😊é", "\u3042", "\uac00"]),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(TEXT, TEXT)
def test_hashed_shingles_agree_with_plain_python_ones(first, second):
    mine, theirs = shingle_set(first), shingle_set(second)
    reference_first = reference_shingles(reference_units(first))
    reference_second = reference_shingles(reference_units(second))
    assert len(mine) == len(reference_first)
    assert len(mine & theirs) == len(reference_first & reference_second)


def test_normalisation_ignores_punctuation_emoji_width_and_case():
    assert shingle_set("Great product，FAST shipping！👍") == shingle_set("great product fast shipping")
    assert shingle_set("ＯＫ，质量很好") == shingle_set("ok 质量很好")
    assert shingle_set("质量很好") != shingle_set("质量很差")


def test_minhash_estimates_jaccard_and_ignores_order_and_repeats():
    rng = np.random.default_rng(3)
    errors = []
    for _ in range(200):
        common = rng.choice(2**32, int(rng.integers(1, 30)), replace=False)
        a = np.concatenate([common, rng.choice(2**32, int(rng.integers(0, 30)), replace=False)])
        b = np.concatenate([common, rng.choice(2**32, int(rng.integers(0, 30)), replace=False)])
        truth = len(set(a) & set(b)) / len(set(a) | set(b))
        shuffled_with_repeats = rng.permutation(np.concatenate([a, a[:3]]))
        shingles = np.concatenate([a, b, shuffled_with_repeats]).astype(np.uint64)
        doc = np.repeat([0, 1, 2], [len(a), len(b), len(shuffled_with_repeats)])
        signatures = minhash(shingles, doc, 3, 128)
        assert (signatures[:, 0] == signatures[:, 2]).all()
        errors.append((signatures[:, 0] == signatures[:, 1]).mean() - truth)
    # 128 permutations: standard error sqrt(J(1 - J) / 128) ≤ 0.044 per pair; the mean error is ~0 (unbiased).
    assert abs(np.mean(errors)) < 0.01
    assert np.sqrt(np.mean(np.square(errors))) < 0.045


def test_lsh_bands_match_datasketch():
    datasketch = pytest.importorskip("datasketch")
    for threshold, num_perm in ((0.5, 64), (0.6, 64), (0.8, 128), (0.3, 32)):
        index = datasketch.MinHashLSH(threshold=threshold, num_perm=num_perm)
        assert lsh_bands(threshold, num_perm) == (index.b, index.r)


@pytest.mark.parametrize("seed", [0, 1])
def test_lsh_graph_matches_exact_all_pairs_jaccard(seed):
    """The LSH-verified graph against every pair's exact Jaccard similarity.

    Tolerances: with 64 permutations the estimate has a standard error of
    ≤ 0.0625, so an edge kept at estimated J ≥ 0.5 has exact J ≥ 0.35 (2.4 σ)
    but for about 1 % of edges near the threshold; a pair with exact J ≥ 0.7
    becomes a candidate in 14 bands of 4 rows with probability 0.98 and, as
    texts with such neighbours have several, ends up connected to its partner
    all but ~0.5 % of the time.
    """
    detector = TemplateDetector()
    texts = list(dict.fromkeys(r.text for r in generate(seed=seed, reviews=3_000).reviews))
    sets = [sorted(shingle_set(t)) for t in texts]
    long = [i for i, s in enumerate(sets) if len(s) >= detector.min_shingles]
    shingles = np.concatenate([np.array(sets[i], dtype=np.uint64) for i in long])
    doc = np.repeat(np.arange(len(long)), [len(sets[i]) for i in long])
    a, b, _ = detector.similar_pairs(minhash(shingles, doc, len(long), detector.num_perm))
    exact_a, exact_b, jaccard = exact_jaccard([sets[i] for i in long])
    exact = dict(zip(zip(exact_a.tolist(), exact_b.tolist(), strict=True), jaccard.tolist(), strict=True))
    assert len(a) > 500
    assert np.mean([exact.get((i, j), 0.0) < detector.threshold - 0.15 for i, j in zip(a, b, strict=True)]) <= 0.01
    graph = sparse.coo_matrix((np.ones(len(a)), (a, b)), shape=(len(long), len(long)))
    component = connected_components(graph, directed=False)[1]
    close = jaccard >= 0.7
    assert close.sum() > 200
    assert np.mean(component[exact_a[close]] != component[exact_b[close]]) <= 0.005


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_findings_match_the_exact_all_pairs_oracle(seed):
    """Findings with LSH grouping against findings with exact all-pairs grouping, on the same stream.

    Tolerance: the flagged review sets overlap with Jaccard ≥ 0.95. Both group
    templates the same way where similarities are clear; they differ only on
    texts whose exact J sits within the MinHash error of the threshold, and on
    density ties that such texts shift (a few reviews of a few findings).
    """
    reviews = generate(seed=seed, reviews=5_000).reviews
    ours = flagged_reviews(detect(reviews))
    oracle = flagged_reviews(ExactTemplateDetector().detect(reviews))
    assert len(oracle) > 100
    assert len(ours & oracle) / len(ours | oracle) >= 0.95


def test_planted_templates_are_found_among_honest_repetition():
    stream = generate(seed=11, reviews=30_000)
    flagged = flagged_reviews(detect(stream.reviews))
    planted = {r.id for r, group in zip(stream.reviews, stream.group_of, strict=True) if group >= 0}
    assert len(flagged & planted) / len(flagged) >= 0.95
    assert len(flagged & planted) / len(planted) >= 0.95


def test_stock_praise_everywhere_and_a_promotion_day_are_not_templates():
    rng = random.Random(0)
    stock = ["好评", "不错", "质量不错", "此用户没有填写评价。", "质量很好，物流很快，好评", "good"]
    reviews = [
        review(i, f"buyer{i}", f"s{rng.randrange(200)}", START_MS + rng.randrange(30 * DAY_MS), rng.choice(stock))
        for i in range(6_000)
    ]
    promotion_day = START_MS + 12 * DAY_MS  # one shop sells ten times its usual volume in a day
    reviews += [
        review(10_000 + i, f"fan{i}", "s7", promotion_day + rng.randrange(DAY_MS), rng.choice(stock))
        for i in range(300)
    ]
    assert detect(reviews) == []


def test_one_account_pasting_its_own_text_is_not_a_template():
    text = "东西收到了，质量很好，包装也很严实，卖家很贴心，下次还来"
    reviews = [review(i, "loyal-buyer", f"s{i}", START_MS + i * DAY_MS, text) for i in range(60)]
    reviews += [review(100 + i, f"b{i}", f"s{i % 60}", START_MS + i * 3_600_000, "好评") for i in range(600)]
    assert detect(reviews) == []


def test_a_short_template_burst_on_one_shop_is_found():
    rng = random.Random(1)
    texts = ["好评", "不错", "质量不错", "挺好的", "满意", "物流很快", "还行", "good", "很好", "喜欢"]
    reviews = [
        review(i, f"buyer{i}", f"s{rng.randrange(100)}", START_MS + rng.randrange(30 * DAY_MS), rng.choice(texts))
        for i in range(6_000)
    ]
    day = START_MS + 5 * DAY_MS
    burst = [
        review(5_000 + i, f"puppet{i}", "s3", day + rng.randrange(DAY_MS), rng.choice(["好评", "好评！", "好评👍"]))
        for i in range(40)
    ]
    [finding] = detect(reviews + burst)
    puppets = {f"puppet{i}" for i in range(40)}
    accounts = set(finding.member_ids("account"))
    assert puppets <= accounts
    assert len(accounts - puppets) <= 2  # honest "好评" on that shop that day: 600 / 100 / 30 ≈ 0.2 expected
    assert finding.evidence["shops"] == {"s3": len(finding.member_ids("review"))}
    exact_text_only = detect(reviews + burst, min_shingles=10**9)  # "好评！" and "好评👍" normalise to "好评"
    assert [f.member_ids("review") for f in exact_text_only] == [finding.member_ids("review")]


def test_generic_praise_scores_higher_than_specific_text():
    generic = "宝贝收到了，质量很好，物流很快，非常满意，五星好评"
    specific = "身高172体重130斤，L码刚好，洗了3次没掉色，袖口比图片长2厘米"
    reviews = [review(i, f"a{i}", "s1", START_MS + i * 60_000, generic) for i in range(25)]
    reviews += [review(100 + i, f"b{i}", "s2", START_MS + i * 60_000, specific) for i in range(25)]
    reviews += [review(200 + i, f"c{i}", f"s{i % 30}", START_MS + i * 3_600_000, "不错") for i in range(300)]
    by_template = {f.evidence["template"]: f for f in detect(reviews)}
    assert genericness(generic) > 0.9 > 0.5 > genericness(specific)
    assert by_template[generic].score > by_template[specific].score
    assert any("generic praise" in reason.template for reason in by_template[generic].reasons)


def test_finding_shows_template_spread_and_members():
    template = "Great product, fast shipping, highly recommend, will buy again"
    variant = template.replace("fast", "quick")
    reviews = [
        review(i, f"p{i % 20}", f"s{i // 20}", START_MS + i * 600_000, variant if i % 4 else template)
        for i in range(30)
    ]
    reviews += [review(100 + i, f"b{i}", f"s{i % 50}", START_MS + i * 3_600_000, "good") for i in range(500)]
    [finding] = detect(reviews)
    evidence = finding.evidence
    assert (finding.kind, finding.label) == ("template_cluster", "template_review")
    assert finding.member_ids("account") == sorted(f"p{i}" for i in range(20))
    assert sorted(finding.member_ids("review")) == sorted(f"r{i}" for i in range(30))
    assert evidence["template"] == variant
    assert evidence["shared_text"] == "Great product, … shipping, highly recommend, will buy again"
    assert (evidence["accounts"], evidence["n_shops"], evidence["items"], evidence["variants"]) == (20, 2, 2, 2)
    assert evidence["ratings"] == {5: 30}
    assert (evidence["first_ms"], evidence["last_ms"]) == (START_MS, START_MS + 29 * 600_000)
    assert 0 < finding.score <= 1
    assert finding.reasons[0].render() == "20 accounts posted near-identical reviews"
    assert finding.to_dict()["reasons"][1]["text"] == "30 reviews on 2 shop(s) within 5 hour(s)"


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 2**32))
def test_findings_do_not_depend_on_input_order(seed, shuffle_seed):
    reviews = generate(seed=seed, reviews=2_000).reviews
    shuffled = list(reviews)
    random.Random(shuffle_seed).shuffle(shuffled)
    findings = detect(reviews)
    assert [f.to_dict() for f in detect(shuffled)] == [f.to_dict() for f in findings]
    for finding in findings:
        assert len(finding.member_ids("account")) >= 5
        assert 0 <= finding.score <= 1
        assert len(set(finding.member_ids("review"))) == len(finding.member_ids("review"))


def test_review_events_give_the_same_findings_as_records():
    reviews = generate(seed=4, reviews=3_000).reviews
    events = [
        Event(
            r.id,
            r.time_ms,
            "t",
            "review",
            r.account,
            attrs=dict(zip(("shop", "item", "rating", "text"), r[2:4] + r[5:], strict=True)),
        )
        for r in reviews
    ]
    events.append(Event("o1", START_MS, "t", "order_placed", "a1", attrs={"shop": "s1"}))
    assert as_reviews(events) == reviews
    assert [f.to_dict() for f in detect(events)] == [f.to_dict() for f in detect(reviews)]


def test_empty_and_malformed_input():
    assert detect([]) == []
    with pytest.raises(ValueError, match=r"review 1 .*expected \('id', 'account'"):
        detect([("r1", "a", "s", "i", 0, 5, "好评"), ("r2", "a", "s")])
    with pytest.raises(ValueError, match="threshold"):
        TemplateDetector(threshold=1.5)
    with pytest.raises(ValueError, match="min_accounts"):
        TemplateDetector(min_accounts=1)


def test_demo_truth_is_consistent():
    stream = generate(seed=2, reviews=10_000)
    by_group = Counter(stream.group_of[stream.group_of >= 0].tolist())
    for number, group in enumerate(stream.groups):
        members = [r for r, g in zip(stream.reviews, stream.group_of, strict=True) if g == number]
        assert len(members) == group.reviews == by_group[number]
        assert {r.shop for r in members} <= set(group.shops)
        assert all(r.rating == 5 and group.start_ms <= r.time_ms <= group.end_ms for r in members)
        assert len({r.account for r in members}) == group.accounts
    assert 0.03 < (stream.group_of >= 0).mean() < 0.07
    assert [r.time_ms for r in stream.reviews] == sorted(r.time_ms for r in stream.reviews)
