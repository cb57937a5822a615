"""A seeded stream of reviews and money with planted 好评返现 channels at several strengths among honest look-alikes.

Problem: the cashback detector must be measured where honest money looks
like cashback: friends' red packets (some land after the friend praised a
shop), payrolls paying many accounts, refunds after complaints, and shops
refunding a price difference to a few buyers after a good review (价保).

Planted, at varied strength:

Honest payers include three gig platforms paying 1,000–3,000 riders every
week: with that many payees, dozens of them praised the biggest shops in
the week before any payday.

* **go-betweens** serving 1–4 shops each, paying 5–40 of each shop's praisers
  within 1–72 hours of the review, price plus commission or a fixed red
  packet, with 0–40 % of their payments going elsewhere (noise);
* **refunding shops** that pay back 5–30 praisers themselves as a partial
  refund of the praised order.

>>> s = generate(seed=1, accounts=2_000, shops=100, reviews=5_000, channels=3, refunding_shops=2)
>>> len(s.channel_payers), len(s.refunding_shops), len(s.events) > 5_000
(3, 2, True)
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from anxin.demo.streams import EventLog
from anxin.demo.streams import shops as demo_shops
from anxin.integrity.events.schema import Event

HOUR_MS = 3_600_000
DAY_MS = 86_400_000


@dataclass(frozen=True)
class MoneyStream:
    events: list[Event]
    channel_payers: frozenset[str]
    refunding_shops: frozenset[str]


def generate(
    *,
    seed: int = 0,
    accounts: int = 100_000,
    shops: int = 2_000,
    reviews: int = 300_000,
    days: int = 60,
    channels: int = 40,
    refunding_shops: int = 15,
) -> MoneyStream:
    rng = random.Random(seed)
    span = days * DAY_MS
    shop_ids, weights = demo_shops(shops)
    log = EventLog("m")
    events, add = log.events, log.add

    def buy_and_praise(buyer: str, shop: str, t: int, rating: int = 5) -> tuple[str, int, int]:
        order, amount = f"o{log.n}", rng.randrange(1_000, 30_000)
        add(t, "order_placed", buyer, {"order": order, "shop": shop, "amount": amount}, order)
        t_review = t + rng.randrange(HOUR_MS, 3 * DAY_MS)
        add(t_review, "review", buyer, {"order": order, "shop": shop, "rating": rating}, order)
        return order, amount, t_review

    # Honest praise (and some complaints followed by refunds).
    picks = rng.choices(shop_ids, weights, k=reviews)
    for shop in picks:
        buyer = f"u{rng.randrange(accounts):06d}"
        rating = rng.choice((1, 2, 3, 4, 5, 5, 5, 5))
        order, amount, t_review = buy_and_praise(buyer, shop, rng.randrange(span), rating)
        if rating <= 2 and rng.random() < 0.5:
            add(
                t_review + rng.randrange(HOUR_MS, DAY_MS),
                "refund",
                buyer,
                {"order": order, "shop": shop, "amount": amount},
                order,
            )
    # Red packets between friends, at random times.
    for _ in range(reviews // 2):
        sender, receiver = f"u{rng.randrange(accounts):06d}", f"u{rng.randrange(accounts):06d}"
        add(
            rng.randrange(span),
            "transfer",
            sender,
            {"to_account": receiver, "amount": rng.choice((520, 888, 1_314, 6_600, rng.randrange(100, 50_000)))},
        )
    # Payrolls: monthly salaries to 20–200 staff, and three gig platforms paying 1,000–3,000 riders weekly.
    sizes = [rng.randrange(20, 200) for _ in range(max(1, accounts // 5_000))] + [
        rng.randrange(1_000, 3_000) for _ in range(3)
    ]
    for p, size in enumerate(sizes):
        staff = [f"u{rng.randrange(accounts):06d}" for _ in range(size)]
        every = 30 if size < 1_000 else 7
        for start in range(0, days, every):
            for person in staff:
                t = start * DAY_MS + rng.randrange(HOUR_MS)
                add(t, "transfer", f"payroll-{p}", {"to_account": person, "amount": 800_000})
    # 价保: shops refunding a price difference to 1–4 praisers.
    for shop in rng.sample(shop_ids, max(1, shops // 10)):
        for _ in range(rng.randrange(1, 5)):
            buyer = f"u{rng.randrange(accounts):06d}"
            order, amount, t_review = buy_and_praise(buyer, shop, rng.randrange(span))
            add(
                t_review + rng.randrange(HOUR_MS, 2 * DAY_MS),
                "refund",
                buyer,
                {"order": order, "shop": shop, "amount": amount // 10},
                order,
            )

    payers = set()
    for c in range(channels):
        payer = f"go-between-{c:03d}"
        payers.add(payer)
        packet = rng.choice((None, 300, 500, 1_000))  # None: the price plus a commission
        paid = 0
        for shop in rng.sample(shop_ids, rng.randrange(1, 5)):
            for _ in range(rng.randrange(5, 41)):
                buyer = f"u{rng.randrange(accounts):06d}"
                _, amount, t_review = buy_and_praise(buyer, shop, rng.randrange(span - 5 * DAY_MS))
                cashback = amount + rng.randrange(200, 800) if packet is None else packet
                add(
                    t_review + rng.randrange(HOUR_MS, 72 * HOUR_MS),
                    "transfer",
                    payer,
                    {"to_account": buyer, "amount": cashback},
                )
                paid += 1
        for _ in range(int(paid * rng.uniform(0, 0.6))):  # payments elsewhere: up to 40 % of all
            add(
                rng.randrange(span),
                "transfer",
                payer,
                {"to_account": f"u{rng.randrange(accounts):06d}", "amount": rng.randrange(100, 5_000)},
            )
    refunders = set()
    for shop in rng.sample(shop_ids, refunding_shops):
        refunders.add(shop)
        for _ in range(rng.randrange(5, 31)):
            buyer = f"u{rng.randrange(accounts):06d}"
            order, amount, t_review = buy_and_praise(buyer, shop, rng.randrange(span - 5 * DAY_MS))
            add(
                t_review + rng.randrange(HOUR_MS, 48 * HOUR_MS),
                "refund",
                buyer,
                {"order": order, "shop": shop, "amount": amount // 2},
                order,
            )
    events.sort(key=lambda e: e.time_ms)
    return MoneyStream(events, frozenset(payers), frozenset(refunders))
