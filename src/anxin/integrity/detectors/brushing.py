"""Brushing hidden in real purchases (真实购买式刷单): keyword-driven sessions that are too alike.

Problem: paid "user experience officers" really buy. Their instructions are
a script — search keyword K, find the shop, browse five to seven minutes,
buy, post five stars when the parcel lands — so each session looks like a
customer's. What gives them away is the *set*: many accounts arriving at one
shop through one keyword, with dwell times in the instructed band, five
stars at the same delay after the order, and buyers who never buy again.
Honest traffic of the same shop is spread out: browsing time depends on the
person, reviews come whenever, regulars come back. And honest groups can be
alike in one respect: loyal customers search the shop's name, a flash sale
makes everyone buy fast, an item with a long video holds everyone for its
length. So the test compares a group with the same shop's other sessions,
never with a fixed threshold.

Approach (issue 8):

1. **Sessions.** Per account in time order: a ``search`` opens a session
   (its normalised query), ``item_view`` adds ``dwell_ms`` per shop, an
   ``order_placed`` closes it; more than ``session_gap_ms`` of silence ends
   it (an order then arrives "direct", with no keyword). The order's first
   review gives the rating and the delay after the order; an account with
   no other order at the shop in the batch is a *one-off* buyer there (a
   paid worker buys at many shops, but rarely twice at one).
2. **Groups.** Sessions of one shop that arrived through one query, from at
   least ``min_accounts`` accounts.
3. **Alike.** In the group, the widest-populated dwell band ``[d, d ×
   band_ratio]``, then, among those sessions, the widest-populated delay band
   of five-star reviews. Two predicates: *scripted* (dwell in band and
   one-off) and *scripted and praised* (also a five-star review in the delay
   band). The reference — the same shop's sessions outside the group, or the
   platform's when the shop has fewer than ``min_reference`` — gives each
   predicate's honest rate ``p`` (with the same bands, add-one smoothed).
4. **Test.** ``x`` sessions of ``n`` meet a predicate; the chance
   ``P(X ≥ x | Binomial(n, p))`` is multiplied by the bands tried (``n²``),
   the two predicates and the groups tested (the bands are chosen from the
   data, so the correction keeps the test honest). A group is brushing when
   the corrected chance ≤ ``alpha`` and ``x / n`` reaches ``min_share``
   (``min_share_unreviewed`` for the predicate without reviews: a flash
   sale makes many buyers alike in dwell alone, never in all three); its members
   are the accounts of the ``x`` sessions, labelled ``brushing``. ``score =
   (1 − chance) × x / n``.

Cost: O(E log E) for E events (sorting each account's events and each
group's dwell and delays); memory O(sessions).

>>> from anxin.integrity.events.schema import Event
>>> T, M = 1_767_225_600_000, 60_000
>>> ev = []
>>> for i in range(40):  # honest traffic of shop s1: various queries, dwell and reviews
...     t = T + i * 3_600_000
...     ev += [Event(f"h{i}s", t, "t", "search", f"u{i}", attrs={"query": f"lock {i % 7}"}),
...            Event(f"h{i}v", t + M, "t", "item_view", f"u{i}", attrs={"shop": "s1", "dwell_ms": 20_000 * (1 + i)}),
...            Event(f"h{i}o", t + 2 * M + 20_000 * i, "t", "order_placed", f"u{i}",
...                  attrs={"shop": "s1", "order": f"ho{i}"})]
>>> for i in range(12):  # the script: search "K7 指纹锁", browse ~6 minutes, buy, five stars two days later
...     t = T + i * 600_000
...     ev += [Event(f"b{i}s", t, "t", "search", f"w{i}", attrs={"query": "K7 指纹锁"}),
...            Event(f"b{i}v", t + M, "t", "item_view", f"w{i}", attrs={"shop": "s1", "dwell_ms": 360_000 + 1_000 * i}),
...            Event(f"b{i}o", t + 8 * M, "t", "order_placed", f"w{i}", attrs={"shop": "s1", "order": f"bo{i}"}),
...            Event(f"b{i}r", t + 8 * M + 172_800_000 + i * M, "t", "review", f"w{i}",
...                  attrs={"shop": "s1", "order": f"bo{i}", "rating": 5})]
>>> [f] = detect(ev)
>>> f.kind, f.member_ids("shop"), len(f.member_ids()), f.evidence["query"]
('brushing', ['s1'], 12, 'k7 指纹锁')
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from scipy.stats import binom

from anxin.integrity.detectors.finding import Finding, Member, Reason
from anxin.integrity.events.schema import Event
from anxin.text import N_

MINUTE_MS = 60_000
HOUR_MS = 3_600_000
_SHOWN = 50


class Session(NamedTuple):
    """One visit to a shop: how the account arrived, how long it looked, whether it bought and how it reviewed."""

    account: str
    shop: str
    order: str | None  # None: the visit ended without an order
    time_ms: int
    query: str | None
    dwell_ms: int
    views: int
    rating: int | None = None
    review_delay_ms: int | None = None
    one_off: bool = True


def sessions_of(events: Iterable[Event], session_gap_ms: int = 30 * MINUTE_MS) -> list[Session]:
    """The visits in ``events`` (any order): one per order, and one per shop viewed without buying."""
    by_account: dict[str, list[Event]] = defaultdict(list)
    reviews: dict[str, tuple[int, int]] = {}
    for e in events:
        if e.type in ("search", "item_view", "order_placed"):
            by_account[e.actor].append(e)
        elif e.type == "review" and e.attrs.get("order") and e.attrs.get("rating") is not None:
            first = reviews.get(e.attrs["order"])
            if first is None or e.time_ms < first[0]:
                reviews[e.attrs["order"]] = (e.time_ms, e.attrs["rating"])
    out: list[Session] = []
    for account, trail in by_account.items():
        trail.sort(key=lambda e: (e.time_ms, e.id))
        orders_at: dict[str, int] = defaultdict(int)
        for e in trail:
            if e.type == "order_placed":
                orders_at[e.attrs.get("shop")] += 1
        visit = _Visit(account, None, trail[0].time_ms)
        for e in trail:
            shop = e.attrs.get("shop")
            if e.time_ms - visit.last_ms > session_gap_ms or e.type == "search":
                out += visit.unbought()
                visit = _Visit(
                    account, normalise_query(e.attrs.get("query")) if e.type == "search" else None, e.time_ms
                )
            visit.last_ms = e.time_ms
            if e.type == "item_view" and shop:
                visit.dwell[shop] += e.attrs.get("dwell_ms") or 0
                visit.views[shop] += 1
            elif e.type == "order_placed" and shop:
                order = e.attrs.get("order")
                review = reviews.get(order) if order else None
                out.append(
                    Session(
                        account, shop, order, e.time_ms, visit.query, visit.dwell.pop(shop, 0),
                        visit.views.pop(shop, 0), review[1] if review else None,
                        review[0] - e.time_ms if review else None, orders_at[shop] == 1,
                    )
                )  # fmt: skip
        out += visit.unbought()
    out.sort(key=lambda s: (s.time_ms, s.account, s.shop))
    return out


class _Visit:
    """The session being read: its keyword and, per shop, the dwell and views not yet closed by an order."""

    def __init__(self, account: str, query: str | None, start_ms: int):
        self.account, self.query, self.last_ms = account, query, start_ms
        self.dwell: dict[str, int] = defaultdict(int)
        self.views: dict[str, int] = defaultdict(int)

    def unbought(self) -> list[Session]:
        return [
            Session(self.account, shop, None, self.last_ms, self.query, self.dwell[shop], n)
            for shop, n in self.views.items()
        ]


def normalise_query(query: str | None) -> str | None:
    """Case and spacing folded, so "K7  指纹锁" and "k7 指纹锁" are one keyword."""
    if not query:
        return None
    return " ".join(query.lower().split()) or None


@dataclass(frozen=True)
class BrushingDetector:
    """Finds groups of keyword-driven sessions at one shop that are more alike than its honest traffic."""

    session_gap_ms: int = 30 * MINUTE_MS
    min_accounts: int = 8
    min_reference: int = 30
    band_ratio: float = 1.5
    praise_rating: int = 5
    min_share: float = 0.5
    min_share_unreviewed: float = 0.7
    alpha: float = 1e-3

    def detect(self, events: Iterable[Event]) -> list[Finding]:
        return self.detect_sessions(sessions_of(events, self.session_gap_ms))

    def detect_sessions(self, sessions: Sequence[Session]) -> list[Finding]:
        groups: dict[tuple[str, str], list[Session]] = defaultdict(list)
        by_query: dict[str, int] = defaultdict(int)
        for s in sessions:
            if s.query is not None:
                groups[(s.shop, s.query)].append(s)
                if s.order is not None:
                    by_query[s.query] += 1
        tested = {key: g for key, g in groups.items() if len({s.account for s in g if s.order}) >= self.min_accounts}
        platform = _Columns(sessions, self.praise_rating)
        tested_shops = {shop for shop, _ in tested}  # only they need their own reference
        shops = {shop: platform.subset(platform.shop == platform.shop_codes[shop]) for shop in tested_shops}
        findings = []
        for (shop, query), group in sorted(tested.items()):
            code = platform.query_codes[query]
            reference = shops[shop].without_query(code)
            if reference.orders < self.min_reference:
                reference = platform.without_query(code)
            finding = self._test(shop, query, group, reference, len(tested), by_query[query])
            if finding is not None:
                findings.append(finding)
        findings.sort(key=lambda f: (-f.score, -f.size, f.members[0].id))
        return findings

    def _test(self, shop, query, group, reference: _Columns, groups_tested, query_orders) -> Finding | None:
        orders = [s for s in group if s.order is not None]
        dwell_band = densest_band([s.dwell_ms for s in orders], self.band_ratio)
        if dwell_band is None:
            return None
        scripted = [s for s in orders if s.one_off and _inside(s.dwell_ms, dwell_band)]
        delay_band = densest_band([s.review_delay_ms for s in scripted if self._praised(s)], self.band_ratio)
        n = len(orders)

        def chance_of(hits: int, rate_hits: int, rate_total: int, bands: int, total: int = n) -> tuple[float, float]:
            """Binomial tail, corrected for the bands tried, both predicates and every group tested."""
            rate = (rate_hits + 1) / (rate_total + 2)
            return min(1.0, float(binom.sf(hits - 1, total, rate)) * 2 * bands * groups_tested), rate

        honest_scripted, honest_praised = reference.scripted(dwell_band, delay_band)
        # Scripted and praised: dwell in the band, bought once, five stars in the delay band.
        praised = [s for s in scripted if self._praised_in(s, delay_band)]
        chance, rate = chance_of(len(praised), honest_praised, reference.orders, n * n)
        if len(praised) < self.min_share * n:
            chance = 1.0
        # Scripted without reviews: then the keyword must also convert far more often than the shop's visits do.
        quiet_chance, quiet_rate = chance_of(len(scripted), honest_scripted, reference.orders, n)
        converted, _ = chance_of(n, reference.searched_orders, reference.searched, n, len(group))
        quiet_chance = max(quiet_chance, converted)
        if len(scripted) < self.min_share_unreviewed * n:
            quiet_chance = 1.0
        if quiet_chance < chance:
            chance, rate, delay_band = quiet_chance, quiet_rate, None
        # Members: the scripted buyers, and those who ignored the dwell but praised on cue.
        script = set(scripted)
        hits = [s for s in orders if s in script or (s.one_off and self._praised_in(s, delay_band))]
        accounts = sorted({s.account for s in hits})
        if chance > self.alpha or len(accounts) < self.min_accounts:
            return None
        return self._finding(
            shop, query, group, orders, hits, accounts, chance, rate, dwell_band, delay_band, query_orders
        )

    def _praised(self, s: Session) -> bool:
        return s.rating is not None and s.rating >= self.praise_rating and s.review_delay_ms is not None

    def _praised_in(self, s: Session, band: tuple[float, float] | None) -> bool:
        return band is not None and self._praised(s) and _inside(s.review_delay_ms, band)

    def _finding(self, shop, query, group, orders, hits, accounts, chance, rate, dwell_band, delay_band, query_orders):
        share = len(hits) / len(orders)
        in_band = sum(1 for s in hits if _inside(s.dwell_ms, dwell_band))
        reasons = [
            Reason(
                N_("{n} accounts searched \u201c{query}\u201d and bought at {shop}: {orders} orders, {visits} visits"),
                {"n": len({s.account for s in orders}), "query": query, "shop": shop, "orders": len(orders),
                 "visits": len(group)},
            ),
            Reason(
                N_("{x} of the {total} buyers browsed {low}\u2013{high} minutes and bought there only once"),
                {"x": in_band, "total": len(orders), "low": round(dwell_band[0] / MINUTE_MS, 1),
                 "high": round(dwell_band[1] / MINUTE_MS, 1)},
            ),
            Reason(
                N_("the shop's other buyers do that {rate}% of the time; chance {chance}"),
                {"rate": round(100 * rate, 1), "chance": f"{chance:.1e}"},
            ),
        ]  # fmt: skip
        if delay_band is not None:
            praised = sum(1 for s in hits if self._praised_in(s, delay_band))
            reasons.insert(
                2,
                Reason(
                    N_("{x} posted five stars {low}\u2013{high} hours after the order"),
                    {"x": praised, "low": round(delay_band[0] / HOUR_MS, 1),
                     "high": round(delay_band[1] / HOUR_MS, 1)},
                ),
            )  # fmt: skip
        shown = accounts[:150]
        evidence: dict[str, Any] = {
            "shop": shop,
            "query": query,
            "visits": len(group),
            "orders": len(orders),
            "alike": len(hits),
            "share_of_keyword_orders_at_shop": round(len(orders) / max(query_orders, 1), 3),
            "dwell_band_ms": list(dwell_band),
            "review_delay_band_ms": list(delay_band) if delay_band else None,
            "reference_rate": round(rate, 4),
            "chance": chance,
            "session_list": [
                {"account": s.account, "order": s.order, "time_ms": s.time_ms, "dwell_ms": s.dwell_ms,
                 "views": s.views, "rating": s.rating, "review_delay_ms": s.review_delay_ms}
                for s in hits[:_SHOWN]
            ],
            "graph": {
                "nodes": [{"id": shop, "kind": "shop"}, {"id": f"\u201c{query}\u201d", "kind": "query"}]
                + [{"id": a, "kind": "account"} for a in shown],
                "links": [{"source": f"\u201c{query}\u201d", "target": a, "kind": "search"} for a in shown]
                + [{"source": a, "target": shop, "kind": "order"} for a in shown],
            },
        }  # fmt: skip
        members = (Member("shop", shop), *(Member("account", a) for a in accounts))
        score = round((1 - chance) * share, 4)
        return Finding("brushing", "brushing", members, score, tuple(reasons), evidence)


class _Columns:
    """Visits as numpy columns, so each group's reference is counted in one vectorised pass."""

    def __init__(self, sessions: Sequence[Session], praise_rating: int):
        self.shop_codes = {shop: i for i, shop in enumerate(sorted({s.shop for s in sessions}))}
        self.query_codes = {q: i for i, q in enumerate(sorted({s.query for s in sessions if s.query is not None}))}
        self.shop = np.array([self.shop_codes[s.shop] for s in sessions], dtype=np.int64)
        self.query = np.array([-1 if s.query is None else self.query_codes[s.query] for s in sessions], dtype=np.int64)
        self.ordered = np.array([s.order is not None for s in sessions], dtype=bool)
        self.one_off = np.array([s.one_off for s in sessions], dtype=bool)
        self.dwell = np.array([s.dwell_ms for s in sessions], dtype=np.float64)
        self.praised = np.array(
            [s.rating is not None and s.rating >= praise_rating and s.review_delay_ms is not None for s in sessions],
            dtype=bool,
        )
        self.delay = np.array([s.review_delay_ms or 0 for s in sessions], dtype=np.float64)
        self._counts()

    def _counts(self) -> None:
        self.orders = int(self.ordered.sum())
        searched = self.query >= 0
        self.searched = int(searched.sum())
        self.searched_orders = int((searched & self.ordered).sum())

    def subset(self, mask: np.ndarray) -> _Columns:
        out = object.__new__(_Columns)
        out.shop_codes, out.query_codes = self.shop_codes, self.query_codes
        for name in ("shop", "query", "ordered", "one_off", "dwell", "praised", "delay"):
            setattr(out, name, getattr(self, name)[mask])
        out._counts()
        return out

    def without_query(self, code: int) -> _Columns:
        return self.subset(self.query != code)

    def scripted(self, dwell_band, delay_band) -> tuple[int, int]:
        """Orders that were one-offs with dwell in the band, and of those, praised within the delay band."""
        scripted = self.ordered & self.one_off & (self.dwell >= dwell_band[0]) & (self.dwell <= dwell_band[1])
        if delay_band is None:
            return int(scripted.sum()), 0
        praised = scripted & self.praised & (self.delay >= delay_band[0]) & (self.delay <= delay_band[1])
        return int(scripted.sum()), int(praised.sum())


def densest_band(values: Sequence[float], ratio: float) -> tuple[float, float] | None:
    """The band ``[v, v × ratio]`` (``v`` one of ``values``, all > 0) holding the most values; None when empty.

    >>> densest_band([1, 100, 300, 320, 350, 400, 9_000], 1.5)
    (300, 450.0)
    """
    ordered = sorted(v for v in values if v and v > 0)
    if not ordered:
        return None
    best, low = 0, ordered[0]
    for i, v in enumerate(ordered):
        count = bisect.bisect_right(ordered, v * ratio) - i
        if count > best:
            best, low = count, v
    return low, low * ratio


def _inside(value: float | None, band: tuple[float, float]) -> bool:
    return value is not None and band[0] <= value <= band[1]


def detect(events: Iterable[Event], **params: Any) -> list[Finding]:
    """Brushing groups in ``events``; ``params`` go to :class:`BrushingDetector`."""
    return BrushingDetector(**params).detect(events)
