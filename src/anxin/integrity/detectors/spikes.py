"""Sales spikes with context (短期销量暴增): which spikes are bought, and which are a real promotion.

Problem: the engine's ``spike(...)`` feature says *that* a shop's orders
this hour are far above its usual; a person deciding what to do needs to
know *who* bought. A bought spike comes from fresh accounts (registered
minutes before ordering), from accounts linked by the phones, cards,
addresses or IPs they share, from one region (a studio's proxy pool), or from
deep-discount orders that are refunded once the sales count has been
recorded. A genuine promotion brings the shop's usual kind of buyers:
accounts with a history, from everywhere, who keep what they bought.

Approach (issue 8):

1. **Spikes.** Orders per shop per hour (China time). A shop's expected
   count for an hour is its daily rate outside that hour times the platform's
   share of orders in that hour of the day. An hour is a spike when ``x ≥
   min_orders``, ``x ≥ min_lift × expected`` and the Poisson chance
   ``P(X ≥ x)`` ≤ ``alpha``; adjacent spike hours merge into one spike.
2. **Context.** The spike's orders are compared with the shop's other
   orders (the platform's when the shop has fewer than ``min_reference``):

   * *new accounts*: the share of buyers registered within ``new_account_ms``
     before their order (binomial tail against the reference share);
   * *linked accounts*: buyers sharing a device, card, address or IP with at
     least two other spike buyers, where few accounts outside the spike use
     that identifier (a campus IP is used by many, a farm's phones are not),
     against the same share among the reference's buyers;
   * *one region*: the share of orders from the spike's commonest region
     (the IP's /16 network, or a ``region`` attribute when sent), against
     that region's share of the reference (a neighbourhood shop's buyers are
     all local, so only a shift counts);
   * *discount then refund*: orders at ≤ ``discount`` × the shop's median
     price that were later refunded, against the reference rate.

   A test holds when its chance ≤ ``context_alpha`` and at least
   ``min_context_share`` of the spike's orders show it.
3. **Finding** per spike with at least one context: the shop, the buyers who
   show a holding context (label ``spike_buyer``), the hourly series with its
   expected line (a chart), each context's share against its reference.
   A spike with no context is a promotion and yields no finding.
   ``score = 1 − Π (1 − share)`` over the holding contexts.

Cost: O(E log E) for E events; memory O(orders).

>>> from anxin.integrity.events.schema import Event
>>> T = 1_767_196_800_000
>>> ev = [Event(f"h{d}-{i}", T + d * 86_400_000 + i * 720_000, "t", "order_placed", f"u{i % 50}",
...             attrs={"shop": "s1", "order": f"h{d}-{i}", "amount": 5_000, "ip": f"10.{i}.0.1"})
...       for d in range(4) for i in range(120)]
>>> for j in range(60):  # day 4, 20:00: 60 orders from accounts made minutes before, behind one network
...     t = T + 4 * 86_400_000 + 12 * 3_600_000 + j * 50_000
...     ev.append(Event(f"n{j}", t - 300_000, "t", "account_created", f"new{j}", attrs={"ip": f"172.16.0.{j}"}))
...     ev.append(Event(f"s{j}", t, "t", "order_placed", f"new{j}",
...                     attrs={"shop": "s1", "order": f"s{j}", "amount": 5_000, "ip": f"172.16.0.{j}"}))
>>> [f] = detect(ev)
>>> f.kind, f.member_ids("shop"), len(f.member_ids()), sorted(f.evidence["contexts"])
('sales_spike', ['s1'], 60, ['new_accounts', 'one_region'])
"""

from __future__ import annotations

import functools
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from scipy.stats import binom, poisson

from anxin.integrity.detectors.finding import Finding, Member, Reason
from anxin.integrity.events.schema import Event
from anxin.text import N_

HOUR_MS = 3_600_000
DAY_MS = 86_400_000
CHINA_OFFSET_MS = 8 * HOUR_MS
LINK_KINDS = ("device", "payment", "address", "ip")


class Order(NamedTuple):
    order: str
    shop: str
    account: str
    time_ms: int
    amount: int | None
    region: str | None
    identifiers: tuple[tuple[str, str], ...]


def region_of(attrs: dict[str, Any]) -> str | None:
    """Where an order came from: its ``region`` attribute, else the IP's /16 network (IPv6: its /48)."""
    if attrs.get("region"):
        return str(attrs["region"])
    return _network(attrs["ip"]) if attrs.get("ip") else None


@functools.lru_cache(maxsize=65_536)
def _network(ip: str) -> str:
    if ":" in ip:
        return ":".join(ip.split(":")[:3]) + "::/48"
    return ".".join(ip.split(".")[:2]) + ".0.0/16"


@dataclass(frozen=True)
class SpikeDetector:
    """Finds shops' order spikes and says which come from bought traffic (see the module docstring)."""

    min_orders: int = 10
    min_lift: float = 5.0
    alpha: float = 1e-6
    min_reference: int = 50
    new_account_ms: int = 7 * DAY_MS
    discount: float = 0.5
    context_alpha: float = 1e-4
    min_context_share: float = 0.3
    max_outside_users: int = 3

    def detect(self, events: Iterable[Event]) -> list[Finding]:
        orders: list[Order] = []
        created: dict[str, int] = {}
        refunded: set[str] = set()
        for e in events:
            a = e.attrs
            if e.type == "order_placed" and a.get("shop"):
                ids = tuple((k, a[k]) for k in LINK_KINDS if a.get(k))
                orders.append(Order(a.get("order") or e.id, a["shop"], e.actor, e.time_ms, a.get("amount"),
                                    region_of(a), ids))  # fmt: skip
            elif e.type == "account_created":
                created[e.actor] = min(e.time_ms, created.get(e.actor, e.time_ms))
            elif e.type == "refund" and a.get("order"):
                refunded.add(a["order"])
        if not orders:
            return []
        hours: dict[str, Counter[int]] = defaultdict(Counter)
        by_hour_of_day: Counter[int] = Counter()
        for o in orders:
            bucket = (o.time_ms + CHINA_OFFSET_MS) // HOUR_MS
            hours[o.shop][bucket] += 1
            by_hour_of_day[bucket % 24] += 1
        spikes = self._spikes(hours, by_hour_of_day)
        if not spikes:
            return []
        context = _Context(self, orders, created, refunded, spikes)
        findings = []
        for case in context.cases:
            finding = context.finding(case, hours[case.shop])
            if finding is not None:
                findings.append(finding)
        findings.sort(key=lambda f: (-f.score, -f.size, f.members[0].id))
        return findings

    def _spikes(self, hours, by_hour_of_day) -> list[tuple[str, list[int], dict[int, float]]]:
        """(shop, consecutive spike hours, expected count per hour) for every spike.

        The hour-of-day profile comes from the *other* shops' orders (flat
        when they are too few), so a shop's own spike does not raise its bar;
        its daily rate is over the days it has been trading in the batch
        (at least one), so a shop that joined late is not judged by days it
        did not exist.
        """
        out = []
        everyone = sum(by_hour_of_day.values())
        for shop, counts in sorted(hours.items()):
            total = sum(counts.values())
            days = max(1.0, (max(counts) - min(counts) + 1) / 24)
            own = Counter()
            for bucket, x in counts.items():
                own[bucket % 24] += x
            rest = everyone - total
            diurnal = {h: (by_hour_of_day[h] - own[h] + 1) / (rest + 24) if rest >= 240 else 1 / 24 for h in range(24)}
            spiking, expected = [], {}
            for bucket in sorted(counts):
                x = counts[bucket]
                lam = max((total - x) / days * diurnal[bucket % 24], 1e-3)
                if x >= self.min_orders and x >= self.min_lift * lam and poisson.sf(x - 1, lam) <= self.alpha:
                    spiking.append(bucket)
                    expected[bucket] = lam
            runs: list[list[int]] = []
            for bucket in spiking:
                if runs and bucket == runs[-1][-1] + 1:
                    runs[-1].append(bucket)
                else:
                    runs.append([bucket])
            out += [(shop, run, {b: expected[b] for b in run}) for run in runs]
        return out


class _Spike(NamedTuple):
    shop: str
    buckets: list[int]
    expected: dict[int, float]
    orders: list[Order]
    others: list[Order]
    reference: list[Order]


class _Context:
    """The spikes, the populations each is compared with, and who else uses their identifiers."""

    def __init__(self, params: SpikeDetector, orders: list[Order], created: dict[str, int], refunded: set[str], spikes):
        self.p = params
        self.created = created
        self.refunded = refunded
        by_shop: dict[str, list[Order]] = defaultdict(list)
        for o in orders:
            by_shop[o.shop].append(o)
        platform = orders[:: max(1, len(orders) // 20_000)]  # a fixed sample stands in for small shops' history
        self.cases = []
        for shop, buckets, expected in spikes:
            start = buckets[0] * HOUR_MS - CHINA_OFFSET_MS
            end = (buckets[-1] + 1) * HOUR_MS - CHINA_OFFSET_MS
            inside = [o for o in by_shop[shop] if start <= o.time_ms < end]
            others = [o for o in by_shop[shop] if not start <= o.time_ms < end]
            reference = others if len(others) >= params.min_reference else [o for o in platform if o.shop != shop]
            self.cases.append(_Spike(shop, buckets, expected, inside, others, reference))
        wanted = {i for case in self.cases for o in case.orders + case.reference for i in o.identifiers}
        self.users: dict[tuple[str, str], set[str]] = defaultdict(set)
        for o in orders:
            for ident in o.identifiers:
                if ident in wanted:
                    self.users[ident].add(o.account)

    def is_new(self, o: Order) -> bool:
        t = self.created.get(o.account)
        return t is not None and 0 <= o.time_ms - t <= self.p.new_account_ms

    def discounted_refund(self, o: Order, median: float | None) -> bool:
        """Refunded, at a deep discount to the shop's usual price (its median outside the spike)."""
        if o.order not in self.refunded or median is None or o.amount is None:
            return False
        return o.amount <= self.p.discount * median

    def finding(self, case: _Spike, counts: Counter[int]) -> Finding | None:
        shop, buckets, expected, spike, others, reference = case
        n = len(spike)
        held: dict[str, tuple[set[str], float, float, float]] = {}  # context → (accounts, share, reference, chance)

        def test(name: str, hits: list[Order], rate: float) -> None:
            share = len(hits) / n
            chance = float(binom.sf(len(hits) - 1, n, min(max(rate, 1e-6), 1.0)))
            if chance <= self.p.context_alpha and share >= self.p.min_context_share:
                held[name] = ({o.account for o in hits}, share, rate, chance)

        test("new_accounts", [o for o in spike if self.is_new(o)], _rate(reference, self.is_new))
        prices = [o.amount for o in others if o.amount is not None]
        median = statistics.median(prices) if prices else None
        test(
            "discount_refund",
            [o for o in spike if self.discounted_refund(o, median)],
            _rate(reference, lambda o: self.discounted_refund(o, median)),
        )
        regions = Counter(o.region for o in spike if o.region)
        if regions:
            region, _ = regions.most_common(1)[0]
            test("one_region", [o for o in spike if o.region == region], _rate(reference, lambda o: o.region == region))
        linked, shared = self._linked(spike)
        usually_linked, _ = self._linked(reference)
        test("linked_accounts", linked, (len(usually_linked) + 1) / (len(reference) + 2))
        if not held:
            return None
        accounts = sorted(set().union(*(h[0] for h in held.values())))
        score = 1.0
        for _, share, _, _ in held.values():
            score *= 1 - share
        return self._finding(shop, buckets, expected, counts, spike, held, accounts, shared, round(1 - score, 4),
                             region if "one_region" in held else None)  # fmt: skip

    def _linked(self, spike: list[Order]) -> tuple[list[Order], dict[str, list[str]]]:
        """Spike orders whose buyer shares an identifier with ≥ 2 other spike buyers and few outsiders."""
        buyers: dict[tuple[str, str], set[str]] = defaultdict(set)
        for o in spike:
            for ident in o.identifiers:
                buyers[ident].add(o.account)
        shared = {
            ident: accounts
            for ident, accounts in buyers.items()
            if len(accounts) >= 3 and len(self.users[ident] - accounts) <= self.p.max_outside_users
        }
        linked_accounts = set().union(*shared.values()) if shared else set()
        labels = {f"{kind}:{value}": sorted(accounts) for (kind, value), accounts in shared.items()}
        return [o for o in spike if o.account in linked_accounts], labels

    def _finding(self, shop, buckets, expected, counts, spike, held, accounts, shared, score, region) -> Finding:
        first, last = buckets[0], buckets[-1]
        peak_expected = sum(expected.values())
        reasons = [
            Reason(
                N_("{shop} took {n} orders in {hours} hour(s) where {expected} were expected"),
                {"shop": shop, "n": len(spike), "hours": len(buckets), "expected": round(peak_expected, 1)},
            )
        ]
        templates = {
            "new_accounts": N_(
                "{share}% of the orders came from accounts registered within {days} days ({ref}% usually)"
            ),
            "linked_accounts": N_("{share}% came from accounts sharing phones, cards, addresses or IPs ({n} shared)"),
            "one_region": N_("{share}% came from one network, {region} ({ref}% usually)"),
            "discount_refund": N_("{share}% were deep-discount orders refunded afterwards ({ref}% usually)"),
        }
        for name, (_, share, rate, _) in held.items():
            values = {"share": round(100 * share), "ref": round(100 * rate, 1), "days": self.p.new_account_ms // DAY_MS,
                      "n": len(shared), "region": region}  # fmt: skip
            reasons.append(Reason(templates[name], values))
        series = range(first - 24, last + 7)
        shown = accounts[:150]
        on_graph = set(shown)
        idents = list(shared)[:30]
        evidence: dict[str, Any] = {
            "shop": shop,
            "start_ms": first * HOUR_MS - CHINA_OFFSET_MS,
            "end_ms": (last + 1) * HOUR_MS - CHINA_OFFSET_MS,
            "orders": len(spike),
            "expected": round(peak_expected, 2),
            "contexts": {
                name: {"share": round(share, 3), "reference": round(rate, 4), "chance": chance, "accounts": len(accts)}
                for name, (accts, share, rate, chance) in held.items()
            },
            "region": region,
            "shared_identifiers": {k: shared[k] for k in idents},
            "series": {
                "hours_ms": [b * HOUR_MS - CHINA_OFFSET_MS for b in series],
                "orders": [counts.get(b, 0) for b in series],
            },
            "graph": {
                "nodes": [{"id": shop, "kind": "shop"}]
                + [{"id": a, "kind": "account"} for a in shown]
                + [{"id": k, "kind": k.split(":", 1)[0]} for k in idents],
                "links": [{"source": a, "target": shop, "kind": "order"} for a in shown]
                + [{"source": a, "target": k, "kind": "shares"} for k in idents for a in shared[k] if a in on_graph],
            },
        }  # fmt: skip
        members = (Member("shop", shop), *(Member("account", a) for a in accounts))
        return Finding("sales_spike", "spike_buyer", members, score, tuple(reasons), evidence)


def _rate(orders: list[Order], predicate) -> float:
    """Add-one smoothed share of ``orders`` meeting ``predicate``."""
    return (sum(1 for o in orders if predicate(o)) + 1) / (len(orders) + 2)


def detect(events: Iterable[Event], **params: Any) -> list[Finding]:
    """Spikes with a bought-traffic context in ``events``; ``params`` go to :class:`SpikeDetector`."""
    return SpikeDetector(**params).detect(events)
