"""A seeded order stream with bought sales spikes at several strengths among genuine promotions.

Problem: the spike detector must tell bought spikes from real ones, so the
stream carries both. Honest: accounts registered long ago (and a trickle of
new sign-ups), each with its own phone and card, households sharing an IP
and address, a campus where a thousand students share one IP, orders
following the day's rhythm, 4 % refunded; neighbourhood shops whose buyers
all live in one network. Genuine spikes planted on purpose:

* **promotions**: a shop's flash sale or livestream, 60–300 orders in one to
  three hours at a discount, from existing accounts across the country;
* **a sale day**: one evening every shop sells three times its usual;
* **a neighbourhood shop's** group buy: its local customers, one network.

**Bought spikes**, each with one or two contexts, 30–200 orders in one to
three hours, with 0–30 % genuine orders mixed in:

* ``new_accounts``: registered minutes before ordering;
* ``linked_accounts``: cycling over 3–10 farm phones and 2–5 cards;
* ``one_region``: all behind one proxy network;
* ``discount_refund``: at 10–30 % of the price, refunded one to three days later.

>>> s = generate(seed=1, accounts=3_000, shops=40, days=6, orders_per_day=2_000, bought=4, promotions=3)
>>> len(s.bought), len(s.promotions), len(s.events) > 12_000
(4, 3, True)
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from anxin.demo.streams import EventLog
from anxin.demo.streams import shops as demo_shops
from anxin.integrity.events.schema import Event

MINUTE_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
_HOUR_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 3, 5, 6, 7, 8, 9, 7, 6, 6, 6, 7, 8, 10, 11, 10, 6, 3]
CONTEXTS = ("new_accounts", "linked_accounts", "one_region", "discount_refund")


@dataclass(frozen=True)
class SpikeStream:
    events: list[Event]
    bought: dict[str, frozenset[str]]
    """Shop → the accounts that bought its planted spike."""
    contexts: dict[str, tuple[str, ...]]
    """Shop → the contexts its planted spike was given."""
    promotions: frozenset[str]


def generate(
    *,
    seed: int = 0,
    accounts: int = 200_000,
    shops: int = 2_000,
    days: int = 14,
    orders_per_day: int = 60_000,
    bought: int = 40,
    promotions: int = 30,
) -> SpikeStream:
    rng = random.Random(seed)
    shop_ids, weights = demo_shops(shops, 0.9)
    cum = list(itertools.accumulate(weights))  # cumulative weights: O(log n) draws
    hour_cum = list(itertools.accumulate(_HOUR_WEIGHTS))
    price = {s: int(rng.lognormvariate(9, 0.8)) + 100 for s in shop_ids}
    regions = [f"10.{a}" for a in range(200)]
    region_weights = [1 / (i + 1) ** 0.7 for i in range(len(regions))]
    home = rng.choices(regions, region_weights, k=accounts)
    campus = set(rng.sample(range(accounts), min(1_000, accounts // 10)))
    households = {i: i - i % 3 for i in rng.sample(range(accounts), accounts // 5)}  # 3 per home
    planted_shops = rng.sample(shop_ids[30:], bought + promotions + 3)
    local_shops = set(shop_ids[100:120]) | set(planted_shops[bought + promotions :])
    local_region = {s: rng.choice(regions) for s in sorted(local_shops)}
    log = EventLog("k")
    events, add = log.events, log.add

    def honest_context(i: int) -> dict:
        if i in campus:
            return {"ip": "10.250.1.1", "device": f"d{i}", "payment": f"c{i}", "address": "campus"}
        h = households.get(i, i)
        return {
            "ip": f"{home[h]}.{h % 250}.{h // 250 % 250}",
            "device": f"d{i}",
            "payment": f"c{i}",
            "address": f"a{h}",
        }

    def order(t: int, who: str, shop: str, amount: int, ctx: dict, refund_after: int | None = None) -> None:
        oid = f"o{log.n}"
        add(t, "order_placed", who, {"shop": shop, "order": oid, "amount": amount, **ctx})
        if refund_after is not None:
            add(t + refund_after, "refund", who, {"shop": shop, "order": oid, "amount": amount})

    def honest_order(t: int, shop: str, discount: float = 1.0) -> None:
        i = rng.randrange(accounts)
        ctx = honest_context(i)
        if shop in local_shops:
            ctx["ip"] = f"{local_region[shop]}.{i % 250}.{i // 250 % 250}"
        refund = rng.randrange(DAY_MS, 5 * DAY_MS) if rng.random() < 0.04 else None
        order(t, f"u{i:06d}", shop, int(price[shop] * discount * rng.uniform(0.8, 1.2)), ctx, refund)

    # Sign-ups: most accounts long before the stream; a trickle during it.
    for i in rng.sample(range(accounts), accounts // 50):
        add(rng.randrange(days * DAY_MS), "account_created", f"u{i:06d}", honest_context(i))
    hours = list(range(24))
    for day in range(days):
        sale_day = day == days - 2
        for _ in range(orders_per_day):
            hour = rng.choices(hours, cum_weights=hour_cum)[0]
            honest_order(
                day * DAY_MS + hour * HOUR_MS + rng.randrange(HOUR_MS), rng.choices(shop_ids, cum_weights=cum)[0]
            )
        if sale_day:  # 双11-style evening: every shop sells three times its usual
            for _ in range(orders_per_day // 3):
                t = day * DAY_MS + 20 * HOUR_MS + rng.randrange(2 * HOUR_MS)
                honest_order(t, rng.choices(shop_ids, cum_weights=cum)[0], discount=0.7)

    for shop in planted_shops[bought : bought + promotions]:  # genuine promotions
        t0 = rng.randrange(2 * DAY_MS, (days - 1) * DAY_MS)
        for _ in range(rng.randrange(60, 301)):
            honest_order(t0 + rng.randrange(rng.randrange(1, 4) * HOUR_MS), shop, discount=rng.uniform(0.5, 0.9))
    for shop in planted_shops[bought + promotions :]:  # a neighbourhood shop's group buy: locals only
        t0 = rng.randrange(2 * DAY_MS, (days - 1) * DAY_MS)
        for _ in range(rng.randrange(60, 150)):
            honest_order(t0 + rng.randrange(HOUR_MS), shop)

    truth: dict[str, frozenset[str]] = {}
    contexts: dict[str, tuple[str, ...]] = {}
    for b, shop in enumerate(planted_shops[:bought]):
        kinds = tuple(rng.sample(CONTEXTS, rng.choice((1, 1, 2))))
        t0 = rng.randrange(2 * DAY_MS, (days - 1) * DAY_MS)
        span = rng.randrange(1, 4) * HOUR_MS
        size = rng.randrange(30, 201)
        phones, cards = rng.randrange(3, 11), rng.randrange(2, 6)
        proxy = f"172.{16 + b % 16}"
        buyers = set()
        for j in range(size):
            t = t0 + rng.randrange(span)
            if "new_accounts" in kinds:
                who = f"bought-{b}-{j}"
                add(t - rng.randrange(MINUTE_MS, 30 * MINUTE_MS), "account_created", who, {"device": f"bd-{b}-{j}"})
            else:
                who = f"u{rng.randrange(accounts):06d}"
            ctx = honest_context(int(who[1:]) if who.startswith("u") else j)
            if "linked_accounts" in kinds:
                ctx = {**ctx, "device": f"farm-{b}-{j % phones}", "payment": f"farm-card-{b}-{j % cards}"}
            if "one_region" in kinds:
                ctx = {**ctx, "ip": f"{proxy}.{j // 250}.{j % 250}"}
            amount = int(price[shop] * rng.uniform(0.8, 1.2))
            refund = None
            if "discount_refund" in kinds:
                amount, refund = int(price[shop] * rng.uniform(0.1, 0.3)), rng.randrange(DAY_MS, 3 * DAY_MS)
            order(t, who, shop, amount, ctx, refund)
            buyers.add(who)
        for _ in range(int(size * rng.uniform(0, 0.3))):  # genuine orders in the same hours
            honest_order(t0 + rng.randrange(span), shop)
        truth[shop] = frozenset(buyers)
        contexts[shop] = kinds
    events.sort(key=lambda e: e.time_ms)
    return SpikeStream(events, truth, contexts, frozenset(planted_shops[bought : bought + promotions]))
