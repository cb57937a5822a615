"""Insider collusion and subsidy farming (内外勾结): staff favours piling up on a linked merchant, fake subsidies.

Problem: an employee who knows the platform's rules can steer money to a
partner's company: override the engine's blocks for it, approve its subsidy
claims, and time fake subsidised orders to a rule change only insiders knew
was coming (the real case behind this detector farmed ¥1.5 million). Honest
work looks alike in parts: a key-account manager handles one big merchant's
cases all day; every member of staff logs in from the office IP that many
merchants also use; a promotion lifts every merchant's claims at once; a
merchant whose product is often returned has many refunds. No single event
shows the pattern; a *combination* that chance does not explain does. The
staff actions come from the engine's own audit trail (``staff_override``,
``subsidy_approved``), so an insider cannot switch this detector off unseen.

Approach:

1. **Concentration.** A favour is an override to ``allow`` or a subsidy
   approval, credited to the merchant it benefits (its ``shop``; without one,
   the beneficiary account). For staff member ``s`` with ``n`` favours, ``c``
   of them to merchant ``m``: under independence ``c ~ Poisson(n q)``, ``q``
   being ``m``'s share of the *other* staff's favours (leave-one-out, +1
   smoothing, so the insider's own favours do not make the partner look
   busy). Concentrated when ``c ≥ min_actions``, ``c / n ≥ min_share`` and the
   chance ``≤ alpha``.
2. **Links.** Concentration alone is what a key-account manager looks like;
   what the honest case lacks is a tie between the person and the merchant.
   The staff side is the staff id, accounts given in ``staff_accounts``, and
   accounts sharing a rare identifier with the staff events (their own
   phone). The merchant side is the accounts that file its subsidy claims and
   the beneficiaries of this staff member's overrides. Linked when both sides
   share a device / IP / address / payment identifier held by at most
   ``max_holders`` actors (an office IP held by all staff is a hub, not a
   link), or money moved from a merchant account to a staff-side account
   directly or through one intermediary (at most ``max_intermediary_degree``
   counterparties: a payment platform is no go-between) within ``window_ms``.
   Collusion = concentrated **and** linked.
3. **Subsidy farming** per shop: its subsidised orders (those with a claim)
   that were refunded or not delivered within ``delivery_ms`` (orders whose
   deadline lies past the batch are left out either way), tested twice, the
   larger chance counting: a binomial tail against the platform's rate on
   the other shops' subsidised orders, and — with ``min_own_orders``
   unsubsidised orders — a beta-binomial tail against the shop's *own* rate
   on them (a Beta posterior, ``own_prior`` orders' weight on the platform
   rate): a shop whose product is returned a lot returns subsidised orders
   no more often than the rest, and a few of its orders prove little.
   For each rule change (``rule_changes``, ms) its claims in ``spike_after_ms``
   after are compared with ``(claims before + 1) × the other shops' lift`` —
   a promotion that lifts everyone lifts the expectation too. Farming when
   the refund chance ``≤ alpha``, or both chances ``≤ loose_alpha`` and
   Fisher's combination of the two ``≤ alpha``.
4. **Findings.** ``insider_collusion`` per (staff, merchant): the staff
   member, the shop, the merchant's accounts; ``subsidy_farming`` per shop:
   the shop and its claiming accounts. When the colluding merchant also
   farms, both findings are kept and each names the other (figures in the
   reasons and evidence). Scores: ``(1 − chance) × link strength``
   (strengths of independent links combine as ``1 − Π(1 − w)``), raised by
   the farming score when both hold; ``(1 − chance) × share of bad orders``.

Cost: one pass over the events, then sorts of the claims and transfers:
O(E log E) time, memory linear in the events' distinct actors, identifiers,
orders and transfers.

>>> from anxin.integrity.events.schema import Event
>>> T, DAY = 1_767_225_600_000, 86_400_000
>>> ev = [Event(f"a{i}", T + i * DAY // 50, "t", "subsidy_approved", f"staff-{i % 4}",
...             attrs={"shop": f"s{i % 23}", "amount": 500, "ip": "office"}) for i in range(400)]
>>> ev += [Event(f"c{i}", T + i, "t", "subsidy_claim", "m-77", attrs={"shop": "s77", "amount": 900, "device": "ph-9"})
...        for i in range(8)]
>>> ev += [Event(f"x{i}", T + i, "t", "subsidy_approved", "staff-1",
...              attrs={"shop": "s77", "amount": 900, "claim": f"c{i}", "device": "ph-9"}) for i in range(8)]
>>> [f] = detect(ev)
>>> f.kind, f.member_ids("staff"), f.member_ids("shop"), f.member_ids(), f.evidence["identifiers"][0]["kind"]
('insider_collusion', ['staff-1'], ['s77'], ['m-77'], 'device')
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from scipy.stats import betabinom, binom, combine_pvalues, poisson

from anxin.integrity.detectors.finding import Finding, Member, Reason
from anxin.integrity.events.schema import STAFF_EVENT_TYPES, Event
from anxin.text import N_

HOUR_MS = 3_600_000
DAY_MS = 86_400_000
_SHOWN = 50
_CONTEXT = ("device", "ip", "address", "payment")
_NEW: Any = object()
_LINK_WEIGHT = {"device": 0.9, "payment": 0.9, "address": 0.7, "ip": 0.5, "transfer": 0.9, "transfer_via": 0.7}
"""How strongly each kind of link ties a person to a merchant (a home IP can be a neighbour's, a phone rarely is)."""


class Favour(NamedTuple):
    time_ms: int
    id: str
    type: str
    staff: str
    merchant: tuple[str, str]  # ("shop", id) or ("account", id)
    amount: int
    beneficiary: str | None
    claim: str | None


class Transfer(NamedTuple):
    time_ms: int
    id: str
    payer: str
    payee: str
    amount: int


class Claim(NamedTuple):
    time_ms: int
    id: str
    shop: str
    account: str
    order: str | None
    amount: int


class Farming(NamedTuple):
    """The subsidy figures of one shop, whether flagged or not."""

    orders: int
    bad: int
    refunded: int
    undelivered: int
    bad_amount: int
    claimed_amount: int
    expected_rate: float
    platform_rate: float
    own_rate: float | None
    platform_chance: float
    own_chance: float
    chance: float
    spike: dict[str, Any] | None
    combined: float
    bad_orders: list[dict[str, Any]]


@dataclass(frozen=True)
class InsiderDetector:
    """Finds staff whose favours concentrate on a linked merchant, and shops farming subsidies (module docstring)."""

    alpha: float = 1e-4
    min_actions: int = 5
    min_share: float = 0.02
    max_holders: int = 4
    window_ms: int = 7 * DAY_MS
    max_intermediary_degree: int = 10
    delivery_ms: int = 10 * DAY_MS
    min_bad_orders: int = 5
    min_bad_share: float = 0.3
    min_own_orders: int = 10
    own_prior: float = 10.0
    spike_before_ms: int = 14 * DAY_MS
    spike_after_ms: int = 7 * DAY_MS
    min_spike_claims: int = 5
    loose_alpha: float = 0.05

    def detect(
        self,
        events: Iterable[Event],
        rule_changes: Sequence[int] = (),
        staff_accounts: Mapping[str, Iterable[str]] | None = None,
    ) -> list[Finding]:
        """Findings in ``events``; ``rule_changes`` are times (ms), ``staff_accounts`` maps staff to known accounts."""
        s = _Batch(self.max_holders + 1)
        s.read(events)
        if s.t_end is None:
            return []
        explicit = {k: set(v) for k, v in (staff_accounts or {}).items()}
        farming = self._farming(s, sorted(set(rule_changes)))
        farmers = {shop for shop, f in farming.items() if self._farms(f)}
        collusions = self._collusion(s, explicit)
        colluding_shops: dict[str, list[str]] = defaultdict(list)
        for staff, merchant, *_ in collusions:
            if merchant[0] == "shop":
                colluding_shops[merchant[1]].append(staff)
        findings = [
            self._collusion_finding(s, *c, farming.get(c[1][1]) if c[1][0] == "shop" and c[1][1] in farmers else None)
            for c in collusions
        ]
        findings += [self._farming_finding(s, shop, farming[shop], colluding_shops.get(shop, [])) for shop in farmers]
        findings.sort(key=lambda f: (-f.score, f.kind, [(m.kind, m.id) for m in f.members]))
        return findings

    # -- collusion -----------------------------------------------------------------------------------------------

    def _collusion(self, s: _Batch, explicit: dict[str, set[str]]) -> list[tuple]:
        """(staff, merchant, favours, total, expected, chance, accounts, identifiers, paths) for each colluding pair."""
        by_pair: dict[tuple[str, tuple[str, str]], list[Favour]] = defaultdict(list)
        per_staff: dict[str, int] = defaultdict(int)
        per_merchant: dict[tuple[str, str], int] = defaultdict(int)
        for f in s.favours:
            by_pair[f.staff, f.merchant].append(f)
            per_staff[f.staff] += 1
            per_merchant[f.merchant] += 1
        total, merchants = len(s.favours), len(per_merchant)
        out = []
        for (staff, merchant), favours in sorted(by_pair.items()):
            c, n = len(favours), per_staff[staff]
            if c < self.min_actions or c / n < self.min_share:
                continue
            q = (per_merchant[merchant] - c + 1) / (total - n + merchants)
            expected = n * q
            chance = float(poisson.sf(c - 1, expected))
            if chance > self.alpha:
                continue
            accounts = self._merchant_accounts(s, merchant, staff, favours)
            staff_side = self._staff_side(s, staff, explicit.get(staff, set()), accounts)
            identifiers = self._shared_identifiers(s, staff_side, accounts)
            paths = self._payment_paths(s, accounts, staff_side)
            if identifiers or paths:
                out.append((staff, merchant, favours, n, per_merchant[merchant], expected, chance, accounts,
                            identifiers, paths))  # fmt: skip
        return out

    def _merchant_accounts(self, s: _Batch, merchant, staff: str, favours: list[Favour]) -> list[str]:
        """The accounts acting for the merchant: its claimants, and whom this staff member's favours benefited."""
        accounts = set(s.shop_accounts.get(merchant[1], ())) if merchant[0] == "shop" else {merchant[1]}
        for f in favours:
            if f.beneficiary:
                accounts.add(f.beneficiary)
            if f.claim and f.claim in s.claim_account:
                accounts.add(s.claim_account[f.claim])
        accounts.discard(staff)
        return sorted(accounts)

    def _staff_side(self, s: _Batch, staff: str, known: set[str], merchant_accounts: list[str]) -> dict[str, str]:
        """Actors standing for the staff member → how: itself, a known account, or one sharing its rare identifier."""
        side = {staff: "staff"}
        side.update({a: "known" for a in known if a != staff})
        for key in sorted(s.ids_of.get(staff, ())):
            holders = s.holders[key]
            if holders is not None and len(holders) <= self.max_holders:
                for h in sorted(holders):
                    if h not in side and h not in s.staff_ids:
                        side[h] = f"{key[0]} {key[1]}"
        for a in merchant_accounts:
            side.pop(a, None)
        return side

    def _shared_identifiers(self, s: _Batch, staff_side: dict[str, str], accounts: list[str]) -> list[dict[str, Any]]:
        """Rare identifiers held by a staff-side actor and a merchant account (hubs are skipped)."""
        mine: dict[tuple[str, str], str] = {}
        for actor in sorted(staff_side):
            for key in s.ids_of.get(actor, ()):
                holders = s.holders[key]
                if holders is not None and len(holders) <= self.max_holders:
                    mine.setdefault(key, actor)
        shared = []
        for account in accounts:
            for key in sorted(s.ids_of.get(account, ())):
                if key in mine:
                    holders = s.holders[key]
                    shared.append({"kind": key[0], "id": key[1], "staff_side": mine[key], "account": account,
                                   "holders": len(holders or ())})  # fmt: skip
        return shared

    def _payment_paths(self, s: _Batch, accounts: list[str], staff_side: dict[str, str]) -> list[list[Transfer]]:
        """Transfers from a merchant account to a staff-side account, directly or via one small go-between in time."""
        paths: list[list[Transfer]] = []
        merchant = set(accounts)
        for account in accounts:
            for t1 in s.paid_out.get(account, ()):
                if t1.payee in staff_side:
                    paths.append([t1])
                    continue
                via = t1.payee
                if (
                    via in merchant
                    or via in s.staff_ids
                    or len(s.counterparties.get(via, ())) > self.max_intermediary_degree
                ):
                    continue
                onward = s.paid_out.get(via, ())
                i = bisect.bisect_left(onward, (t1.time_ms,))
                for t2 in onward[i:]:
                    if t2.time_ms - t1.time_ms > self.window_ms:
                        break
                    if t2.payee in staff_side:
                        paths.append([t1, t2])
                        break
        paths.sort(key=lambda p: (p[0].time_ms, p[0].id))
        return paths

    def _collusion_finding(self, s, staff, merchant, favours, total, merchant_total, expected, chance, accounts,
                           identifiers, paths, farm: Farming | None) -> Finding:  # fmt: skip
        kind, mid = merchant
        weights = [_LINK_WEIGHT.get(i["kind"], 0.5) for i in identifiers]
        weights += [_LINK_WEIGHT["transfer" if len(p) == 1 else "transfer_via"] for p in paths]
        link = 1 - math.prod(1 - w for w in weights)
        score = (1 - chance) * link
        if farm is not None:
            score = 1 - (1 - score) * (1 - (1 - farm.combined) * farm.bad / farm.orders)
        c = len(favours)
        overrides = sum(1 for f in favours if f.type == "staff_override")
        reasons = [
            Reason(
                N_("{staff} granted {merchant} {favours} of their {total} overrides and subsidy approvals; "
                   "about {expected} expected from its share of the other staff's"),
                {"staff": staff, "merchant": mid, "favours": c, "total": total, "expected": round(expected, 2)},
            ),
            Reason(
                N_("{share}% of the favours {merchant} received came from {staff}"),
                {"share": round(100 * c / merchant_total), "merchant": mid, "staff": staff},
            ),
        ]  # fmt: skip
        for i in identifiers[:3]:
            reasons.append(
                Reason(
                    N_("{account} of {merchant} shares {kind} {value} with {holder}"),
                    {"account": i["account"], "merchant": mid, "kind": i["kind"], "value": i["id"],
                     "holder": i["staff_side"]},
                )
            )  # fmt: skip
        for p in paths[:3]:
            if len(p) == 1:
                reasons.append(
                    Reason(
                        N_("{account} of {merchant} paid {payee} ¥{yuan}"),
                        {"account": p[0].payer, "merchant": mid, "payee": p[0].payee, "yuan": _yuan(p[0].amount)},
                    )
                )
            else:
                reasons.append(
                    Reason(
                        N_("{account} of {merchant} paid ¥{yuan} to {via}, who paid {payee} ¥{onward} {hours} h later"),
                        {"account": p[0].payer, "merchant": mid, "yuan": _yuan(p[0].amount), "via": p[0].payee,
                         "payee": p[1].payee, "onward": _yuan(p[1].amount),
                         "hours": round((p[1].time_ms - p[0].time_ms) / HOUR_MS, 1)},
                    )
                )  # fmt: skip
        if farm is not None:
            reasons.append(
                Reason(
                    N_("{merchant} also farms subsidies: {bad} of its {orders} subsidised orders were refunded "
                       "or never delivered"),
                    {"merchant": mid, "bad": farm.bad, "orders": farm.orders},
                )
            )  # fmt: skip
        staff_side = sorted({i["staff_side"] for i in identifiers} | {p[-1].payee for p in paths})
        graph_nodes: list[dict[str, Any]] = [
            {"id": staff, "kind": "staff"},
            {"id": mid, "kind": kind, "favours": c},
        ]
        links: list[dict[str, Any]] = [{"source": staff, "target": mid, "kind": "favour", "count": c}]
        seen = {staff, mid}

        def node(node_id: str, node_kind: str) -> None:
            if node_id not in seen:
                seen.add(node_id)
                graph_nodes.append({"id": node_id, "kind": node_kind})

        for a in accounts[:_SHOWN]:
            if a != mid:
                node(a, "account")
                links.append({"source": a, "target": mid, "kind": "acts_for"})
        for a in staff_side:
            if a != staff:
                node(a, "account")
                if not any(i["staff_side"] == a for i in identifiers):
                    links.append({"source": staff, "target": a, "kind": "own_account"})
        for i in identifiers:
            ident = f"{i['kind']}:{i['id']}"
            node(ident, i["kind"])
            links.append({"source": i["staff_side"], "target": ident, "kind": "uses"})
            links.append({"source": i["account"], "target": ident, "kind": "uses"})
        for p in paths[:_SHOWN]:
            for t in p:
                node(t.payer, "account")
                node(t.payee, "account")
                links.append({"source": t.payer, "target": t.payee, "kind": "payment", "amount": t.amount})
        evidence: dict[str, Any] = {
            "staff": staff,
            "merchant": {"kind": kind, "id": mid},
            "favours": c,
            "overrides": overrides,
            "approvals": c - overrides,
            "approved_amount": sum(f.amount for f in favours if f.type == "subsidy_approved"),
            "staff_favours": total,
            "merchant_favours": merchant_total,
            "expected": round(expected, 3),
            "poisson_chance": chance,
            "identifiers": identifiers[:_SHOWN],
            "payment_paths": [
                [{"id": t.id, "from": t.payer, "to": t.payee, "amount": t.amount, "time_ms": t.time_ms} for t in p]
                for p in paths[:_SHOWN]
            ],
            "events": [
                {"id": f.id, "type": f.type, "time_ms": f.time_ms, "amount": f.amount} for f in favours[:_SHOWN]
            ],
            "graph": {"nodes": graph_nodes, "links": links},
        }
        if farm is not None:
            evidence["subsidy"] = _farm_figures(farm)
        members = (Member("staff", staff),)
        members += (Member("shop", mid),) if kind == "shop" else ()
        members += tuple(Member("account", a) for a in accounts)
        return Finding("insider_collusion", "insider_collusion", members, round(min(score, 1.0), 4), tuple(reasons),
                       evidence)  # fmt: skip

    # -- farming -------------------------------------------------------------------------------------------------

    def _farming(self, s: _Batch, changes: list[int]) -> dict[str, Farming]:
        """Subsidy figures of every shop that filed claims (refund test and spike test)."""
        claim_of: dict[str, Claim] = {}
        for c in sorted(s.claims, key=lambda c: (c.time_ms, c.id)):
            if c.order is not None:
                claim_of.setdefault(c.order, c)
        outcome: dict[str, dict[str, list]] = defaultdict(lambda: {"sub": [0, 0], "own": [0, 0]})
        refunded: dict[str, int] = defaultdict(int)
        undelivered: dict[str, int] = defaultdict(int)
        bad_orders: dict[str, list] = defaultdict(list)
        bad_amount: dict[str, int] = defaultdict(int)
        orders = set(s.order_start) | set(claim_of)
        for order in orders:
            claim = claim_of.get(order)
            shop = claim.shop if claim is not None else s.order_shop.get(order)
            if shop is None:
                continue
            start = s.order_start.get(order, claim.time_ms if claim is not None else None)
            if start is None:
                continue
            if start + self.delivery_ms > s.t_end:
                continue  # not due yet: judged neither way (counting only its refunds would bias recent orders)
            if order in s.refunded:
                bad = "refunded"
            elif order in s.delivered and s.delivered[order] <= start + self.delivery_ms:
                bad = ""
            else:
                bad = "undelivered"
            counts = outcome[shop]["sub" if claim is not None else "own"]
            counts[0] += 1
            counts[1] += bool(bad)
            if claim is not None and bad:
                (refunded if bad == "refunded" else undelivered)[shop] += 1
                bad_amount[shop] += claim.amount
                bad_orders[shop].append({"order": order, "claim": claim.id, "amount": claim.amount, "outcome": bad,
                                         "time_ms": start})  # fmt: skip
        sub_n = sum(o["sub"][0] for o in outcome.values())
        sub_bad = sum(o["sub"][1] for o in outcome.values())
        claimed: dict[str, int] = defaultdict(int)
        times: dict[str, list[int]] = defaultdict(list)
        for c in s.claims:
            claimed[c.shop] += c.amount
            times[c.shop].append(c.time_ms)
        all_times = sorted(c.time_ms for c in s.claims)
        for ts in times.values():
            ts.sort()
        out = {}
        for shop in sorted(times):
            n, bad = outcome[shop]["sub"] if shop in outcome else (0, 0)
            own_n, own_bad = outcome[shop]["own"] if shop in outcome else (0, 0)
            platform = (sub_bad - bad + 1) / (sub_n - n + 2)
            platform_chance = float(binom.sf(bad - 1, n, platform)) if n else 1.0
            own, own_chance = None, 0.0
            if own_n >= self.min_own_orders:  # its own rate, uncertain: a Beta posterior, so a beta-binomial tail
                a = own_bad + self.own_prior * platform
                b = own_n - own_bad + self.own_prior * (1 - platform)
                own, own_chance = a / (a + b), float(betabinom.sf(bad - 1, n, a, b)) if n else 1.0
            rate, chance = max(platform, own or 0.0), max(platform_chance, own_chance)
            spike = self._spike(s, times[shop], all_times, changes)
            combined = chance
            if spike is not None and chance <= self.loose_alpha and spike["chance"] <= self.loose_alpha:
                combined = min(chance, float(combine_pvalues([chance, spike["chance"]], method="fisher").pvalue))
            out[shop] = Farming(
                n, bad, refunded[shop], undelivered[shop], bad_amount[shop], claimed[shop], rate, platform, own,
                platform_chance, own_chance, chance, spike, combined,
                sorted(bad_orders[shop], key=lambda o: (o["time_ms"], o["order"])),
            )  # fmt: skip
        return out

    def _spike(self, s: _Batch, mine: list[int], everyone: list[int], changes: list[int]) -> dict[str, Any] | None:
        """The rule change after which the shop's claims rose most beyond its own baseline times everyone's lift."""
        best = None
        for change in changes:
            lo, hi = max(change - self.spike_before_ms, s.t_start), min(change + self.spike_after_ms, s.t_end + 1)
            if not lo < change < hi:
                continue
            before = bisect.bisect_left(mine, change) - bisect.bisect_left(mine, lo)
            after = bisect.bisect_left(mine, hi) - bisect.bisect_left(mine, change)
            if after < self.min_spike_claims:
                continue
            all_before = bisect.bisect_left(everyone, change) - bisect.bisect_left(everyone, lo)
            all_after = bisect.bisect_left(everyone, hi) - bisect.bisect_left(everyone, change)
            lift = (all_after - after + 1) / (all_before - before + 1)
            expected = (before + 1) * lift
            chance = min(1.0, float(poisson.sf(after - 1, expected)) * len(changes))  # Bonferroni over the changes
            if best is None or chance < best["chance"]:
                best = {"change_ms": change, "before": before, "after": after, "before_days": (change - lo) / DAY_MS,
                        "after_days": (hi - change) / DAY_MS, "lift": round(lift, 3), "expected": round(expected, 2),
                        "chance": chance}  # fmt: skip
        return best

    def _farms(self, f: Farming) -> bool:
        if f.bad < self.min_bad_orders or f.bad / f.orders < self.min_bad_share:
            return False
        return f.chance <= self.alpha or f.combined <= self.alpha

    def _farming_finding(self, s: _Batch, shop: str, f: Farming, staff: list[str]) -> Finding:
        accounts = sorted(s.shop_accounts.get(shop, ()))
        share = f.bad / f.orders
        reasons = [
            Reason(
                N_("{bad} of {shop}'s {orders} subsidised orders were refunded or not delivered within {days} days "
                   "({rate}%, against {expected}% expected)"),
                {"bad": f.bad, "shop": shop, "orders": f.orders, "days": round(self.delivery_ms / DAY_MS),
                 "rate": round(100 * share), "expected": round(100 * f.expected_rate, 1)},
            ),
            Reason(
                N_("{refunded} refunded and {undelivered} never delivered, carrying ¥{yuan} of subsidy claims"),
                {"refunded": f.refunded, "undelivered": f.undelivered, "yuan": _yuan(f.bad_amount)},
            ),
        ]  # fmt: skip
        if f.own_rate is not None and f.own_rate > f.platform_rate:
            reasons.append(
                Reason(
                    N_("its unsubsidised orders go wrong at {own}%, so the subsidised ones are compared with that"),
                    {"own": round(100 * f.own_rate, 1)},
                )
            )
        if f.spike is not None and f.spike["chance"] <= self.loose_alpha:
            reasons.append(_spike_reason(f.spike))
        for person in staff:
            reasons.append(Reason(N_("{staff}, who is linked to {shop}, favoured it"), {"staff": person, "shop": shop}))
        approvers: dict[str, int] = defaultdict(int)
        for fav in s.favours:
            if fav.merchant == ("shop", shop) and fav.type == "subsidy_approved":
                approvers[fav.staff] += 1
        top = sorted(approvers.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        nodes: list[dict[str, Any]] = [{"id": shop, "kind": "shop", "orders": f.orders, "bad": f.bad}]
        nodes += [{"id": a, "kind": "account"} for a in accounts[:_SHOWN] if a != shop]
        nodes += [{"id": p, "kind": "staff", "approvals": n, "linked": p in staff} for p, n in top]
        nodes += [{"id": o["order"], "kind": "order", "outcome": o["outcome"]} for o in f.bad_orders[:_SHOWN]]
        links = [{"source": a, "target": shop, "kind": "acts_for"} for a in accounts[:_SHOWN] if a != shop]
        links += [{"source": p, "target": shop, "kind": "approval", "count": n} for p, n in top]
        links += [{"source": shop, "target": o["order"], "kind": o["outcome"]} for o in f.bad_orders[:_SHOWN]]
        evidence = {
            "shop": shop,
            **_farm_figures(f),
            "approvers": [{"staff": p, "approvals": n} for p, n in top],
            "colluding_staff": staff,
            "orders": f.bad_orders[:_SHOWN],
            "graph": {"nodes": nodes, "links": links},
        }
        members = (Member("shop", shop), *(Member("account", a) for a in accounts))
        score = round((1 - f.combined) * share, 4)
        return Finding("subsidy_farming", "subsidy_farming", members, score, tuple(reasons), evidence)


class _Batch:
    """What one pass over the events keeps: favours, claims, orders' fates, transfers, identifier holders."""

    def __init__(self, hub_at: int):
        self.hub_at = hub_at
        self.t_start: int | None = None
        self.t_end: int | None = None
        self.favours: list[Favour] = []
        self.claims: list[Claim] = []
        self.claim_account: dict[str, str] = {}
        self.shop_accounts: dict[str, set[str]] = defaultdict(set)
        self.staff_ids: set[str] = set()
        self.holders: dict[tuple[str, str], set[str] | None] = {}  # None: a hub, held by hub_at or more actors
        self.ids_of: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.order_start: dict[str, int] = {}
        self.order_shop: dict[str, str] = {}
        self.delivered: dict[str, int] = {}
        self.refunded: dict[str, int] = {}
        self.paid_out: dict[str, list[Transfer]] = defaultdict(list)
        self.counterparties: dict[str, set[str]] = defaultdict(set)

    def read(self, events: Iterable[Event]) -> None:
        holders, ids_of, hub_at = self.holders, self.ids_of, self.hub_at
        t_start, t_end = math.inf, -math.inf
        for e in events:
            a, t, actor = e.attrs, e.time_ms, e.actor
            if t < t_start:
                t_start = t
            if t > t_end:
                t_end = t
            mine = None
            for kind in _CONTEXT:
                value = a.get(kind)
                if value is None:
                    continue
                key = (kind, value)
                if mine is None:
                    mine = ids_of[actor]
                if key in mine:  # already a holder: the common case (one device, many events)
                    continue
                mine.add(key)
                h = holders.get(key, _NEW)
                if h is _NEW:
                    holders[key] = {actor}
                elif h is not None:
                    h.add(actor)
                    if len(h) >= hub_at:
                        holders[key] = None
            etype = e.type
            if etype in STAFF_EVENT_TYPES:
                self.staff_ids.add(actor)
                self._favour(e)
            elif etype == "subsidy_claim" and a.get("shop"):
                c = Claim(t, e.id, a["shop"], actor, a.get("order"), a.get("amount") or 0)
                self.claims.append(c)
                self.claim_account[e.id] = actor
                self.shop_accounts[c.shop].add(actor)
            elif etype in ("order_placed", "order_paid") and a.get("order"):
                order = a["order"]
                if order not in self.order_start or t < self.order_start[order]:
                    self.order_start[order] = t
                if a.get("shop"):
                    self.order_shop[order] = a["shop"]
            elif etype == "order_delivered" and a.get("order"):
                self.delivered[a["order"]] = min(t, self.delivered.get(a["order"], t))
            elif etype == "refund" and a.get("order"):
                self.refunded[a["order"]] = min(t, self.refunded.get(a["order"], t))
            elif etype == "transfer" and a.get("to_account") and a["to_account"] != actor:
                to = a["to_account"]
                self.paid_out[actor].append(Transfer(t, e.id, actor, to, a.get("amount") or 0))
                for x, y in ((actor, to), (to, actor)):
                    cp = self.counterparties[x]
                    if len(cp) < 64:  # enough to tell a go-between from a hub
                        cp.add(y)
        if t_end != -math.inf:
            self.t_start, self.t_end = int(t_start), int(t_end)
        for out in self.paid_out.values():
            out.sort()
        self.favours.sort(key=lambda f: (f.time_ms, f.id))

    def _favour(self, e: Event) -> None:
        a = e.attrs
        if e.type == "staff_override" and a.get("new_action") != "allow":
            return
        shop, beneficiary = a.get("shop"), a.get("beneficiary")
        if shop:
            merchant = ("shop", shop)  # its beneficiaries join per staff member, see _merchant_accounts
        elif beneficiary:
            merchant = ("account", beneficiary)
        else:
            return
        amount = a.get("amount") or 0 if e.type == "subsidy_approved" else 0
        self.favours.append(Favour(e.time_ms, e.id, e.type, e.actor, merchant, amount, beneficiary, a.get("claim")))


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def _day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).date().isoformat()


def _spike_reason(spike: dict[str, Any]) -> Reason:
    return Reason(
        N_("its claims rose to {after} in the {days} days after the rule change of {date}, from {before} in the "
           "{before_days} days before; about {expected} expected with the other shops' lift"),
        {"after": spike["after"], "days": round(spike["after_days"], 1), "date": _day(spike["change_ms"]),
         "before": spike["before"], "before_days": round(spike["before_days"], 1), "expected": spike["expected"]},
    )  # fmt: skip


def _farm_figures(f: Farming) -> dict[str, Any]:
    return {
        "subsidised_orders": f.orders,
        "bad_orders": f.bad,
        "refunded": f.refunded,
        "undelivered": f.undelivered,
        "bad_amount": f.bad_amount,
        "claimed_amount": f.claimed_amount,
        "expected_rate": round(f.expected_rate, 4),
        "platform_rate": round(f.platform_rate, 4),
        "own_rate": None if f.own_rate is None else round(f.own_rate, 4),
        "binomial_chance": f.platform_chance,
        "own_rate_chance": f.own_chance,
        "chance": f.chance,
        "combined_chance": f.combined,
        "spike": f.spike,
    }


def detect(
    events: Iterable[Event],
    rule_changes: Sequence[int] = (),
    staff_accounts: Mapping[str, Iterable[str]] | None = None,
    **params: Any,
) -> list[Finding]:
    """Insider collusion and subsidy farming in ``events``; ``params`` go to :class:`InsiderDetector`."""
    return InsiderDetector(**params).detect(events, rule_changes, staff_accounts)
