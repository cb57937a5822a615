"""Brushing in real purchases: scripted keyword sessions are found; honest groups that are alike in one way are not."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.demo.brushing import generate
from anxin.integrity.detectors.brushing import BrushingDetector, densest_band, detect, sessions_of
from anxin.integrity.events.schema import Event

T0 = 1_767_225_600_000
MIN, HOUR, DAY = 60_000, 3_600_000, 86_400_000


class Stream:
    """Builds visits: search → one view → (order → review)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, t: int, etype: str, actor: str, attrs: dict) -> None:
        self.events.append(Event(f"e{len(self.events)}", t, "t", etype, actor, None, attrs))

    def visit(self, who, shop, query, t, dwell, *, buy=True, review=None) -> None:
        self.add(t, "search", who, {"query": query})
        self.add(t + 10_000, "item_view", who, {"shop": shop, "dwell_ms": dwell})
        if buy:
            order = f"o{len(self.events)}"
            self.add(t + 20_000 + dwell, "order_placed", who, {"shop": shop, "order": order})
            if review:
                self.add(
                    t + 20_000 + dwell + review[0], "review", who, {"shop": shop, "order": order, "rating": review[1]}
                )


def honest(stream: Stream, shop: str = "s1", n: int = 200, seed: int = 0) -> None:
    """The shop's ordinary traffic: category keywords, spread dwell, a third buy, reviews at any delay, regulars."""
    rng = random.Random(seed)
    for i in range(n):
        who = f"h{rng.randrange(n // 2)}"
        review = (rng.randrange(DAY, 5 * DAY), rng.choice((3, 4, 5, 5))) if rng.random() < 0.4 else None
        dwell = int(rng.lognormvariate(10.5, 1.0))
        stream.visit(who, shop, rng.choice(("智能锁", "指纹锁", "门锁")), T0 + i * HOUR, dwell,
                     buy=rng.random() < 0.35, review=review)  # fmt: skip


def campaign(stream: Stream, *, workers: int = 15, shop: str = "s1", query: str = "K7 指纹锁 包邮", praise=True):
    """The script: search the keyword, browse 6–7 minutes, buy, five stars 48 hours later."""
    rng = random.Random(workers)
    for i in range(workers):
        review = (48 * HOUR + rng.randrange(-HOUR, HOUR), 5) if praise else None
        stream.visit(f"w{i}", shop, query, T0 + DAY + i * 900_000, rng.randrange(360_000, 420_000), review=review)
    return {f"w{i}" for i in range(workers)}


def test_a_scripted_campaign_is_found_with_its_keyword_bands_and_workers():
    s = Stream()
    honest(s)
    workers = campaign(s)
    [finding] = detect(s.events)
    assert finding.member_ids("shop") == ["s1"] and set(finding.member_ids()) == workers
    assert finding.evidence["query"] == "k7 指纹锁 包邮" and finding.evidence["orders"] == 15
    low, high = finding.evidence["dwell_band_ms"]
    assert 360_000 <= low < 420_000 <= high == 1.5 * low
    assert all(low <= v["dwell_ms"] <= high for v in finding.evidence["session_list"])
    low, high = finding.evidence["review_delay_band_ms"]
    assert low <= 47 * HOUR + 20 * MIN and high >= 49 * HOUR - 20 * MIN
    texts = [r.render() for r in finding.reasons]
    assert any("posted five stars" in t for t in texts) and any("bought there only once" in t for t in texts)
    assert 0.9 < finding.score <= 1 and finding.evidence["graph"]["links"]


def test_workers_who_ignore_the_dwell_but_praise_on_cue_are_members_too():
    s = Stream()
    honest(s)
    workers = campaign(s)
    s.visit("w-quick", "s1", "K7 指纹锁 包邮", T0 + DAY, 20_000, review=(48 * HOUR, 5))
    [finding] = detect(s.events)
    assert set(finding.member_ids()) == workers | {"w-quick"}


def test_a_campaign_without_reviews_is_found_by_its_dwell_and_conversion():
    s = Stream()
    honest(s)
    workers = campaign(s, workers=30, praise=False)
    [finding] = detect(s.events)
    assert set(finding.member_ids()) == workers and finding.evidence["review_delay_band_ms"] is None


def test_regulars_searching_the_shop_name_are_not_brushing():
    s = Stream()
    honest(s)
    rng = random.Random(1)
    for i in range(120):  # 60 regulars, each twice, spread dwell and reviews
        review = (rng.randrange(DAY, 5 * DAY), 5) if rng.random() < 0.5 else None
        s.visit(f"r{i % 60}", "s1", "s1 旗舰店", T0 + i * HOUR, int(rng.lognormvariate(10.5, 1)), review=review)
    assert detect(s.events) == []


def test_a_flash_sale_is_not_brushing():
    s = Stream()
    honest(s)
    rng = random.Random(2)
    for i in range(100):  # everyone buys within seconds; dwell short but not one band; reviews whenever
        review = (rng.randrange(DAY, 5 * DAY), rng.choice((3, 4, 5))) if rng.random() < 0.4 else None
        s.visit(f"f{i}", "s1", "秒杀", T0 + DAY + rng.randrange(HOUR), rng.randrange(5_000, 40_000), review=review)
    assert detect(s.events) == []


def test_an_item_video_everyone_watches_is_not_brushing():
    s = Stream()
    honest(s)
    rng = random.Random(3)
    for i in range(80):  # dwell alike (a three-minute video), but half buy and reviews come whenever
        review = (rng.randrange(DAY, 5 * DAY), rng.choice((3, 4, 5))) if rng.random() < 0.4 else None
        s.visit(f"v{i}", "s1", "锁 视频", T0 + i * HOUR, rng.randrange(180_000, 200_000),
                buy=rng.random() < 0.5, review=review)  # fmt: skip
    assert detect(s.events) == []


def test_visits_are_read_per_account_with_gaps_new_searches_and_unbought_shops():
    s = Stream()
    s.add(T0, "search", "a", {"query": "  Smart   LOCK "})
    s.add(T0 + MIN, "item_view", "a", {"shop": "x", "dwell_ms": 30_000})
    s.add(T0 + 2 * MIN, "item_view", "a", {"shop": "y", "dwell_ms": 50_000})
    s.add(T0 + 3 * MIN, "item_view", "a", {"shop": "x", "dwell_ms": 20_000})
    s.add(T0 + 4 * MIN, "order_placed", "a", {"shop": "x", "order": "o1"})
    s.add(T0 + 3 * HOUR, "order_placed", "a", {"shop": "x", "order": "o2"})  # after a gap: direct, no keyword
    s.add(T0 + 5 * HOUR, "review", "a", {"shop": "x", "order": "o1", "rating": 5})
    visits = {(v.shop, v.order): v for v in sessions_of(reversed(s.events))}
    first = visits[("x", "o1")]
    assert first.query == "smart lock" and first.dwell_ms == 50_000 and first.views == 2
    assert first.rating == 5 and first.review_delay_ms == 5 * HOUR - 4 * MIN and not first.one_off
    assert visits[("x", "o2")].query is None and visits[("y", None)].dwell_ms == 50_000


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 10**7), min_size=1, max_size=40), st.floats(1.01, 4))
def test_densest_band_holds_as_many_values_as_any_band_of_that_ratio(values, ratio):
    low, high = densest_band(values, ratio)
    inside = sum(low <= v <= high for v in values)
    assert high == low * ratio and low in values
    assert all(sum(v <= x <= v * ratio for x in values) <= inside for v in values)


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 10**6), st.integers(10, 40))
def test_findings_do_not_depend_on_event_order_or_names_and_survive_more_honest_traffic(seed, workers):
    rng = random.Random(seed)
    s = Stream()
    honest(s, seed=rng.randrange(100))
    planted = campaign(s, workers=workers)
    found = detect(s.events)
    assert [set(f.member_ids()) for f in found] == [planted] and all(0 <= f.score <= 1 for f in found)
    shuffled = list(s.events)
    rng.shuffle(shuffled)
    renamed = [Event(e.id, e.time_ms, e.tenant, e.type, "x-" + e.actor, e.subject, e.attrs) for e in shuffled]
    again = detect(renamed)
    assert [{m[2:] for m in f.member_ids()} for f in again] == [planted]
    assert [f.score for f in again] == [f.score for f in found]
    honest(s, shop="s2", n=300, seed=rng.randrange(100))
    assert [set(f.member_ids()) for f in detect(s.events)] == [planted]


def test_precision_and_recall_on_a_generated_market_with_campaigns_at_several_strengths():
    stream = generate(seed=11, accounts=10_000, shops=200, sessions=40_000, campaigns=12)
    findings = BrushingDetector().detect(stream.events)
    flagged = {a for f in findings for a in f.member_ids()}
    truth = stream.brushing_accounts
    assert len(flagged & truth) / len(flagged) >= 0.95
    assert len(flagged & truth) / len(truth) >= 0.9
