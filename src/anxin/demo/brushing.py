"""A seeded stream of shopping sessions with planted 真实购买式刷单 campaigns among honest look-alikes.

Problem: the brushing detector must be measured where honest groups are
alike too. Honest sessions: a search (a category keyword, or the shop's own
name for its regulars), one to five item views with log-normal dwell, an
order for a third of them, a review for some, at whatever delay; regulars
buy again. Look-alikes planted on purpose:

* **regulars** of the big shops searching the shop's name (one query, one
  shop, hundreds of accounts);
* **flash sales**: a hundred buyers arrive through one keyword within an
  hour and buy within seconds, most never to return;
* **video items**: every visitor of one item watches its three-minute video,
  so their dwell is alike, but they review like anyone else.

Planted **campaigns** at several strengths: a shop, an unusual keyword,
8–60 workers (drawn from a pool who also shop honestly, so a worker may
serve several campaigns), each told to browse within an instructed band
(4–8 minutes, ±20 %), buy, and post five stars at a fixed delay after the
order; 0–20 % of the workers ignore the dwell instruction and 0–30 % never
review.

>>> s = generate(seed=1, accounts=2_000, shops=60, sessions=8_000, campaigns=3)
>>> len(s.campaigns), all(len(a) >= 8 for a in s.campaigns.values()), len(s.events) > 20_000
(3, True, True)
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from anxin.demo.streams import EventLog
from anxin.demo.streams import shops as demo_shops
from anxin.integrity.events.schema import Event

MINUTE_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
CATEGORY_QUERIES = ("智能锁", "指纹锁", "密码锁 家用", "smart lock", "防盗门锁", "猫眼锁", "人脸识别锁", "锁 包安装")


@dataclass(frozen=True)
class BrushingStream:
    events: list[Event]
    campaigns: dict[tuple[str, str], frozenset[str]]
    """(shop, keyword) → the workers' accounts of each planted campaign."""

    @property
    def brushing_accounts(self) -> frozenset[str]:
        return frozenset().union(*self.campaigns.values())


def generate(
    *,
    seed: int = 0,
    accounts: int = 100_000,
    shops: int = 1_500,
    sessions: int = 400_000,
    days: int = 30,
    campaigns: int = 60,
) -> BrushingStream:
    rng = random.Random(seed)
    span = days * DAY_MS
    shop_ids, weights = demo_shops(shops)
    log = EventLog("b")
    events, add = log.events, log.add

    def visit(account: str, shop: str, query: str, t: int, dwells: list[int], buy: bool, review: tuple | None):
        """Search → item views → (order → review); ``review`` is (delay ms, rating) or None."""
        add(t, "search", account, {"query": query})
        t += rng.randrange(3_000, 30_000)
        item = f"{shop}-i{rng.randrange(6)}"
        for dwell in dwells:
            add(t, "item_view", account, {"shop": shop, "item": item, "dwell_ms": dwell})
            t += dwell + rng.randrange(1_000, 10_000)
        if not buy:
            return
        order = f"o{log.n}"
        add(
            t,
            "order_placed",
            account,
            {"shop": shop, "item": item, "order": order, "amount": rng.randrange(500, 300_000)},
        )
        if review is not None:
            add(t + review[0], "review", account, {"shop": shop, "item": item, "order": order, "rating": review[1]})

    def honest_dwells() -> list[int]:
        return [int(math.exp(rng.gauss(math.log(45_000), 1.0))) for _ in range(rng.randrange(1, 6))]

    def honest_review() -> tuple | None:
        if rng.random() >= 0.35:
            return None
        delay = rng.randrange(DAY_MS, 4 * DAY_MS) + int(math.exp(rng.gauss(math.log(6 * HOUR_MS), 1.2)))
        return delay, rng.choice((1, 2, 3, 4, 4, 5, 5, 5, 5, 5))

    # Honest sessions. Accounts are Zipf-active (some shop a lot); a third of the big shops' visits are regulars.
    account_weights = [1 / (i + 1) ** 0.6 for i in range(accounts)]
    shoppers = rng.choices(range(accounts), account_weights, k=sessions)
    visited = rng.choices(shop_ids, weights, k=sessions)
    for who, shop in zip(shoppers, visited, strict=True):
        regular = int(shop[1:]) < 20 and rng.random() < 0.35
        query = f"{shop} 旗舰店" if regular else rng.choice(CATEGORY_QUERIES)
        visit(f"u{who:06d}", shop, query, rng.randrange(span), honest_dwells(), rng.random() < 0.33, honest_review())
    # Flash sales: 100 buyers through one keyword within an hour, buying fast.
    for k, shop in enumerate(rng.sample(shop_ids[20:200], 5)):
        t0 = rng.randrange(span - 5 * DAY_MS)
        for _ in range(100):
            dwells = [rng.randrange(5_000, 40_000) for _ in range(rng.randrange(1, 3))]
            who = f"u{rng.randrange(accounts):06d}"
            visit(who, shop, f"秒杀 {k}", t0 + rng.randrange(HOUR_MS), dwells, True, honest_review())
    # Video items: one keyword leads to an item whose three-minute video everyone watches.
    for k, shop in enumerate(rng.sample(shop_ids[20:300], 5)):
        for _ in range(80):
            dwells = [rng.randrange(180_000, 200_000)]
            who = f"u{rng.randrange(accounts):06d}"
            visit(who, shop, f"锁 视频 {k}", rng.randrange(span), dwells, rng.random() < 0.5, honest_review())

    planted: dict[tuple[str, str], frozenset[str]] = {}
    workers = [f"u{i:06d}" for i in rng.sample(range(accounts), min(accounts, 3_000))]
    for c in range(campaigns):
        shop = rng.choice(shop_ids[50:])
        keyword = f"{rng.choice(('K', 'X', 'M', 'Z'))}{rng.randrange(1, 99)} {rng.choice(CATEGORY_QUERIES)} {c}"
        crew = rng.sample(workers, rng.randrange(8, 61))
        low = rng.uniform(4, 8) * MINUTE_MS
        praise_delay = rng.randrange(2, 5) * DAY_MS
        disobey, silent = rng.uniform(0, 0.2), rng.uniform(0, 0.3)
        t0 = rng.randrange(span - 10 * DAY_MS)
        for who in crew:
            total = rng.uniform(low, low * 1.2) if rng.random() >= disobey else honest_dwells()[0]
            views = rng.randrange(2, 5)
            dwells = [int(total / views)] * views
            review = None if rng.random() < silent else (praise_delay + rng.randrange(-HOUR_MS, HOUR_MS), 5)
            visit(who, shop, keyword, t0 + rng.randrange(3 * DAY_MS), dwells, True, review)
        planted[(shop, keyword)] = frozenset(crew)
    events.sort(key=lambda e: e.time_ms)
    return BrushingStream(events, planted)
