"""Cashback channels (好评返现): money sent to reviewers right after they praise a shop.

Problem: a shop that buys five-star reviews pays the reviewer back — the
price plus a commission, or a fixed red packet — after the review is up:
as a partial refund of the reviewed order, or as a transfer from an account
that acts for the shop (often a go-between that pays the praisers of many
shops). Honest money moves too: friends send each other red packets (some
land after the friend happened to review something), employers pay staff,
shops refund complaints (after a *bad* review) and sometimes refund a
price difference after a good one. The pattern is not one payment after one
review but a *payer whose payments keep following praise*, far more often
than how many praisers there are explains.

Approach (issue 8):

1. **Praise.** Reviews rated ≥ ``min_rating``: (reviewer, shop, order, time).
2. **Payments.** Transfers (payer → ``to_account``) and refunds (the refund's
   shop pays its buyer). A payment *follows praise* when the payee praised a
   shop within ``window_ms`` before it; for a refund, the praise must be of
   the refunded order.
3. **Channels.** For each payer and praised shop: ``n`` distinct reviewers
   paid after praising that shop. Under independence a payer with ``m``
   payees hits ``m × q`` of them, ``q`` being the share of all accounts that
   praised the shop; the pair is a channel when ``n ≥ min_reviewers``, the
   Poisson chance ``P(X ≥ n | m q) ≤ alpha``, and at least ``min_share`` of the
   payer's payments follow praise (a payroll or a family never gets there).
   A shop refunding its own praisers is compared instead with how often the
   *other* shops' refunds follow praise of the refunded order (price
   protection does, now and then); its complaint refunds do not hide it.
   Payments equal to the order's price up to ``max_markup`` above it (price
   plus commission) or repeating one amount (a red packet) are counted as
   evidence.
4. **Finding** per payer: the shops it serves, the reviewers paid, the
   transfers (time, amount, delay after the review) as evidence. The payer
   account carries the ``cashback_channel`` label (rules can block its
   transfers); a shop that refunds praise itself is named as the payer.
   ``score = (1 − p) × share``, p the smallest Poisson chance among its shops.

Cost: O(E log E) for E events (sorting praise per reviewer, one bisect per payment).

>>> from anxin.integrity.events.schema import Event
>>> T = 1_767_225_600_000
>>> ev = [Event(f"r{i}", T + i, "t", "review", f"u{i}", attrs={"shop": "s1", "rating": 5, "order": f"o{i}"})
...       for i in range(6)]
>>> ev += [Event(f"p{i}", T + 3_600_000 + i, "t", "transfer", "agent-7", attrs={"to_account": f"u{i}", "amount": 500})
...        for i in range(6)]
>>> ev += [Event(f"h{i}", T + i, "t", "review", f"h{i}", attrs={"shop": "s2", "rating": 5}) for i in range(200)]
>>> [f] = detect(ev)
>>> f.kind, f.member_ids(), f.member_ids("shop"), len(f.member_ids("reviewer"))
('cashback_channel', ['agent-7'], ['s1'], 6)
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from scipy.stats import poisson

from anxin.integrity.detectors.finding import Finding, Member, Reason
from anxin.integrity.events.schema import Event
from anxin.text import N_

DAY_MS = 86_400_000
_SHOWN = 50


class Payment(NamedTuple):
    payer: str
    payer_kind: str  # "account" (a transfer) or "shop" (a refund by the shop)
    payee: str
    amount: int
    time_ms: int
    order: str | None


class Praise(NamedTuple):
    time_ms: int
    shop: str
    order: str | None


@dataclass(frozen=True)
class CashbackDetector:
    """Finds payers whose payments keep following praise (see the module docstring)."""

    min_rating: int = 4
    window_ms: int = 7 * DAY_MS
    min_reviewers: int = 5
    min_share: float = 0.5
    alpha: float = 1e-4
    max_markup: float = 0.5

    def detect(self, events: Iterable[Event]) -> list[Finding]:
        praise: dict[str, list[Praise]] = defaultdict(list)
        order_amount: dict[str, int] = {}
        payments: list[Payment] = []
        accounts: set[str] = set()
        for e in events:
            accounts.add(e.actor)
            a = e.attrs
            if e.type in ("order_placed", "order_paid") and a.get("order") and a.get("amount") is not None:
                order_amount[a["order"]] = a["amount"]
            elif e.type == "review" and (a.get("rating") or 0) >= self.min_rating and a.get("shop"):
                praise[e.actor].append(Praise(e.time_ms, a["shop"], a.get("order")))
            elif e.type == "transfer" and a.get("to_account") and a.get("to_account") != e.actor:
                payments.append(Payment(e.actor, "account", a["to_account"], a.get("amount") or 0, e.time_ms, None))
            elif e.type == "refund" and a.get("shop"):
                payments.append(Payment(a["shop"], "shop", e.actor, a.get("amount") or 0, e.time_ms, a.get("order")))
        for reviews in praise.values():
            reviews.sort()
        praisers: dict[str, set[str]] = defaultdict(set)
        for reviewer, reviews in praise.items():
            for p in reviews:
                praisers[p.shop].add(reviewer)

        followed: dict[str, list[tuple[Payment, Praise]]] = defaultdict(list)
        payees: dict[str, set[str]] = defaultdict(set)
        paid: dict[str, int] = defaultdict(int)
        for pay in payments:
            payees[pay.payer].add(pay.payee)
            paid[pay.payer] += 1
            match = self._praise_before(praise.get(pay.payee, ()), pay)
            if match is not None:
                followed[pay.payer].append((pay, match))

        population = max(len(accounts), 1)
        refunds = sum(1 for pay in payments if pay.payer_kind == "shop")
        refunds_after_praise = sum(len(hits) for hits in followed.values() if hits[0][0].payer_kind == "shop")
        findings = []
        for payer, hits in followed.items():
            is_shop = hits[0][0].payer_kind == "shop"
            share = len(hits) / paid[payer]
            if not is_shop and share < self.min_share:
                continue
            by_shop: dict[str, dict[str, tuple[Payment, Praise]]] = defaultdict(dict)
            for pay, p in hits:
                by_shop[p.shop].setdefault(pay.payee, (pay, p))
            channels = {}
            for shop, paid_reviewers in by_shop.items():
                n = len(paid_reviewers)
                if is_shop:  # its refunds against how often other shops' refunds follow praise of the order
                    others = max(refunds - paid[payer], 1)
                    expected = paid[payer] * (refunds_after_praise - len(hits)) / others
                else:  # its payees against how many accounts praised the shop
                    expected = len(payees[payer]) * len(praisers[shop]) / population
                chance = float(poisson.sf(n - 1, expected)) if expected > 0 else 0.0
                if n >= self.min_reviewers and chance <= self.alpha:
                    channels[shop] = (paid_reviewers, chance)
            if channels:
                findings.append(self._finding(payer, hits, paid[payer], channels, order_amount))
        findings.sort(key=lambda f: (-f.score, -f.size, f.members[0].id))
        return findings

    def _praise_before(self, reviews, pay: Payment) -> Praise | None:
        """The latest praise by the payee within the window before the payment (of the order, for a refund)."""
        end = bisect.bisect_right(reviews, (pay.time_ms, "\uffff", "\uffff"))
        for p in reversed(reviews[:end]):
            if pay.time_ms - p.time_ms > self.window_ms:
                return None
            if pay.payer_kind == "account" or (p.shop == pay.payer and (pay.order is None or p.order == pay.order)):
                return p
        return None

    def _finding(self, payer, hits, payments, channels, order_amount) -> Finding:
        payer_kind = hits[0][0].payer_kind
        shops = sorted(channels)
        shop_of = {r: shop for shop in shops for r in channels[shop][0]}
        reviewers = sorted(shop_of)
        chance = min(c for _, c in channels.values())
        share = len(hits) / payments
        amounts = [pay.amount for pay, _ in hits]
        common_amount = max(set(amounts), key=amounts.count)
        repeated = amounts.count(common_amount)
        price_back = sum(
            1
            for pay, p in hits
            if p.order in order_amount
            and order_amount[p.order] <= pay.amount <= order_amount[p.order] * (1 + self.max_markup)
        )
        delays = sorted((pay.time_ms - p.time_ms) / 3_600_000 for pay, p in hits)
        reasons = [
            Reason(
                N_("{payer} paid {reviewers} reviewers within {days} days after they praised {shops}"),
                {"payer": payer, "reviewers": len(reviewers), "days": self.window_ms // DAY_MS,
                 "shops": "、".join(shops[:3])},
            ),
            Reason(
                N_("{share}% of its {payments} payments followed a positive review by the payee"),
                {"share": round(100 * share), "payments": payments},
            ),
        ]  # fmt: skip
        if price_back:
            reasons.append(
                Reason(N_("{n} payments equal the reviewed order's price or a little more"), {"n": price_back})
            )
        if repeated >= max(3, len(amounts) // 2):
            reasons.append(
                Reason(N_("{n} payments of the same amount {amount}"), {"n": repeated, "amount": common_amount})
            )
        shown = reviewers[:150]
        evidence: dict[str, Any] = {
            "payer": payer,
            "payer_kind": payer_kind,
            "shops": shops,
            "reviewers": len(reviewers),
            "share_after_praise": round(share, 3),
            "poisson_chance": chance,
            "median_delay_hours": round(delays[len(delays) // 2], 1),
            "payments": [
                {"to": pay.payee, "amount": pay.amount, "time_ms": pay.time_ms, "shop": p.shop,
                 "review_ms": p.time_ms, "order": p.order}
                for pay, p in sorted(hits, key=lambda h: h[0].time_ms)[:_SHOWN]
            ],
            "graph": {
                "nodes": [{"id": payer, "kind": payer_kind}]
                + [{"id": s, "kind": "shop", "members": len(channels[s][0])} for s in shops if s != payer]
                + [{"id": r, "kind": "reviewer"} for r in shown],
                "links": [{"source": payer, "target": r, "kind": "payment"} for r in shown]
                + [{"source": r, "target": shop_of[r], "kind": "review"} for r in shown if shop_of[r] != payer],
            },
        }  # fmt: skip
        members = (Member(payer_kind, payer),)
        members += tuple(Member("shop", s) for s in shops if s != payer)
        members += tuple(Member("reviewer", r) for r in reviewers)
        score = round((1 - chance) * share, 4)
        return Finding("cashback_channel", "cashback_channel", members, score, tuple(reasons), evidence)


def detect(events: Iterable[Event], **params: Any) -> list[Finding]:
    """Cashback channels in ``events``; ``params`` go to :class:`CashbackDetector`."""
    return CashbackDetector(**params).detect(events)
