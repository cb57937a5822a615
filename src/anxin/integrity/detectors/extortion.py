"""Professional negative reviewers (职业差评师): accounts whose complaints keep getting paid, shop after shop.

Problem: a 职业差评师 buys, posts a 1-star stock complaint, then messages the
shop demanding money to remove it; the shop pays — a refund beyond the
price, or a transfer from its own account — and the review is withdrawn.
They work across many shops, often in small crews sharing devices and
reusing one complaint text. Honest money after complaints is common too: a
fair complaint is refunded (once, by one shop), a heavy critic writes dozens
of negative reviews and is rarely paid, and a shop with a bad product
refunds nearly every complainer. The pattern is not one paid complaint but
*an account (or crew) paid by more shops than those shops' habits explain*.

Approach (issue 8):

1. **Complaints.** Reviews rated ≤ ``max_rating``. A complaint is *paid* when,
   within ``window_ms`` after it, the reviewed shop refunds the reviewer (the
   reviewed order, when both name one) or transfers money to the reviewer from
   one of the shop's accounts; a payment goes to the reviewer's latest such
   complaint at that shop. A paid complaint is *strong* when the money came as
   a transfer, the refunds exceed the order's price, or the review was
   withdrawn after the payment (``review_withdrawn`` naming the review, or
   the same order and shop).
2. **Shop accounts.** Transfers carry no shop, so the convention is: an
   account acts for shop ``S`` when it is the actor of ``order_shipped``
   events for ``S`` and for no other shop (a warehouse shipping for many is
   nobody's), or when its id is ``S`` itself; ``shop_accounts`` adds or
   overrides entries (account → shop).
3. **Chance.** Per shop, ``p_s`` is the share of its complaints that were paid
   (and ``q_s`` strong), leaving out the tested accounts' own complaints and
   shrunk towards the platform-wide share by ``prior_complaints``
   pseudo-complaints: a bad-product shop that refunds everybody explains its
   payments, a shop that never pays does not. An account with ``k``
   complaints at ``s`` is paid there by chance with probability ``1 − (1 −
   p_s)^k``; their sum over its shops is the expected number ``e`` of shops
   paying it. ``n`` shops actually paid; the chance is the Poisson tail
   ``P(X ≥ n | e)``, and the same for strong payments, the smaller of the two
   doubled (Bonferroni). Flagged when ``n ≥ min_shops`` and chance ≤ ``alpha``.
4. **Crews.** Complainers are linked when the rings detector's link
   strength between them, over the identifiers they complained with, reaches
   its threshold (shared device, payment card…, hubs suppressed; see
   :mod:`anxin.integrity.detectors.rings`), or when they wrote near-duplicate
   complaints (MinHash groups of :mod:`anxin.integrity.detectors.templates`,
   similarity ≥ ``text_threshold``) that are a *paid template*: at least
   ``min_template_shingles`` shingles long, and its copies paid by more shops
   than chance (step 3, ≤ ``text_alpha``) — honest look-alike texts are not.
   A linked group of at most ``max_crew`` accounts (larger ones keep only
   their identifier links) is tested as one: all its members' complaints
   pooled, shop rates leaving out the whole crew, so a crew splitting ten
   shops among five accounts is seen; members never paid are not named.
   Groups are formed without looking at who was paid, so pooling is fair.
   Accounts outside a flagged crew are tested one by one.
5. **Finding** per crew or lone account: its accounts and the shops that paid
   them, the payments (delay, amount against price, withdrawal), the shared
   complaint template and identifiers, and a graph. ``score = (1 − chance) ×
   (0.5 + 0.25 strong share + 0.25 withdrawn share)``.

Cost: O(E log E) for E events: one pass to collect, sorting complaints per
reviewer and shop, one bisect per payment, one more pass for the users of the
complainers' identifiers; MinHash over complaint texts only. The default
demo stream (730k events) takes about 15 s on one core.

>>> from anxin.integrity.events.schema import Event
>>> T, H = 1_767_225_600_000, 3_600_000
>>> text = "收到货发现严重质量问题，与描述完全不符，怀疑是假货，客服推脱责任，大家千万别买"
>>> ev = []
>>> for i in range(4):
...     shop, order = f"s{i}", f"o{i}"
...     ev += [Event(f"p{i}", T + i * H, "t", "order_placed", "pro-1", order, {"order": order, "shop": shop,
...                                                                            "amount": 2_000}),
...            Event(f"r{i}", T + (i + 5) * H, "t", "review", "pro-1", order, {"order": order, "shop": shop,
...                                                                          "rating": 1, "text": text}),
...            Event(f"f{i}", T + (i + 9) * H, "t", "refund", "pro-1", order, {"order": order, "shop": shop,
...                                                                          "amount": 6_000}),
...            Event(f"w{i}", T + (i + 20) * H, "t", "review_withdrawn", "pro-1", order, {"shop": shop,
...                                                                                     "review": f"r{i}"})]
>>> ev += [Event(f"h{i}", T + i, "t", "review", f"h{i}", attrs={"shop": f"s{i % 8}", "rating": 1, "text": "差"})
...        for i in range(300)]
>>> [f] = detect(ev)
>>> f.kind, f.member_ids(), f.member_ids("shop"), f.evidence["withdrawn"]
('extortion_reviewer', ['pro-1'], ['s0', 's1', 's2', 's3'], 4)
>>> f.reasons[0].render()
'1 account(s) were paid by 4 shops after negative reviews'
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import poisson

from anxin.integrity.detectors.finding import Finding, Member, Reason
from anxin.integrity.detectors.rings import LINK_KINDS, Links, RingDetector, components
from anxin.integrity.detectors.templates import TemplateDetector, shared_text, shingle_set
from anxin.integrity.events.schema import Event
from anxin.text import N_

DAY_MS = 86_400_000
_SHOWN = 50
_IDENTIFIERS = ("device", "ip", "address", "payment")


@dataclass(slots=True)
class Complaint:
    """A negative review, the identifiers it was posted with, and what followed: payments and the withdrawal."""

    id: str
    reviewer: str
    shop: str
    time_ms: int
    order: str | None
    text: str
    payments: list[tuple[str, int, int]] = field(default_factory=list)
    withdrawn_ms: int | None = None
    identifiers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def paid(self) -> bool:
        return bool(self.payments)

    def withdrawn_after_payment(self) -> bool:
        return self.withdrawn_ms is not None and bool(self.payments) and self.withdrawn_ms >= self.payments[0][2]

    def over_price(self, price: int | None) -> bool:
        """Paid by transfer (no refund is one), or refunded more than the order's price."""
        refunded = sum(amount for kind, amount, _ in self.payments if kind == "refund")
        transfer = any(kind == "transfer" for kind, _, _ in self.payments)
        return transfer or (price is not None and refunded > price)


@dataclass(frozen=True)
class ExtortionDetector:
    """Finds accounts and crews paid after negative reviews by more shops than chance (see the module docstring)."""

    max_rating: int = 2
    window_ms: int = 14 * DAY_MS
    min_shops: int = 3
    alpha: float = 1e-4
    prior_complaints: float = 20.0
    max_crew: int = 200
    min_template_shingles: int = 20
    text_threshold: float = 0.7
    text_alpha: float = 1e-3
    shop_accounts: Mapping[str, str] | None = None

    def detect(self, events: Iterable[Event]) -> list[Finding]:
        events = list(events)
        complaints, price = self._complaints(events)
        if not complaints:
            return []
        by_shop: dict[str, list[Complaint]] = defaultdict(list)
        by_account: dict[str, list[Complaint]] = defaultdict(list)
        for c in complaints:
            by_shop[c.shop].append(c)
            by_account[c.reviewer].append(c)
        strong = {
            id(c): c.paid and (c.withdrawn_after_payment() or c.over_price(price.get(c.order))) for c in complaints
        }
        totals = {
            shop: (len(cs), sum(c.paid for c in cs), sum(strong[id(c)] for c in cs)) for shop, cs in by_shop.items()
        }
        n_all = len(complaints)
        base = (sum(t[1] for t in totals.values()) / n_all, sum(t[2] for t in totals.values()) / n_all)
        paid_accounts = sorted(a for a, cs in by_account.items() if any(c.paid for c in cs))

        def test(accounts: list[str]) -> tuple[float, dict[str, Any]]:
            own = [c for a in accounts for c in by_account[a]]
            return self._chance(own, totals, strong, base)

        findings = []
        tested: set[str] = set()
        for crew, links in self._crews(
            events, sorted(by_account), by_account, lambda cs: self._chance(cs, totals, strong, base)[0]
        ):
            chance, stats = test(crew)
            if stats["paid_shops"] >= self.min_shops and chance <= self.alpha:
                paid = [a for a in crew if any(c.paid for c in by_account[a])]  # the others show no payment
                crew_complaints = [c for a in paid for c in by_account[a]]
                findings.append(self._finding(paid, crew_complaints, chance, stats, strong, price, links))
                tested.update(crew)
        for account in paid_accounts:
            if account in tested:
                continue
            chance, stats = test([account])
            if stats["paid_shops"] >= self.min_shops and chance <= self.alpha:
                findings.append(self._finding([account], by_account[account], chance, stats, strong, price, {}))
        findings.sort(key=lambda f: (-f.score, -f.size, f.members[0].id))
        return findings

    def _complaints(self, events: list[Event]) -> tuple[list[Complaint], dict[str, int]]:
        """Complaints with the payments and withdrawals that followed them, and order prices."""
        price: dict[str, int] = {}
        shipped_for: dict[str, set[str]] = defaultdict(set)
        complaints: list[Complaint] = []
        refunds, transfers, withdrawals = [], [], []
        for e in events:
            a = e.attrs
            if e.type in ("order_placed", "order_paid") and a.get("order") and a.get("amount") is not None:
                price[a["order"]] = a["amount"]
            elif e.type == "order_shipped" and a.get("shop"):
                shipped_for[e.actor].add(a["shop"])
            elif e.type == "review" and a.get("shop") and 1 <= (a.get("rating") or 0) <= self.max_rating:
                complaints.append(Complaint(e.id, e.actor, a["shop"], e.time_ms, a.get("order"), a.get("text") or ""))
                for kind in _IDENTIFIERS:
                    if a.get(kind):
                        complaints[-1].identifiers.append((kind, a[kind]))
            elif e.type == "refund" and a.get("shop"):
                refunds.append((e.time_ms, e.id, e.actor, a["shop"], a.get("order"), a.get("amount") or 0))
            elif e.type == "transfer" and a.get("to_account") and a["to_account"] != e.actor:
                transfers.append((e.time_ms, e.id, e.actor, a["to_account"], a.get("amount") or 0))
            elif e.type == "review_withdrawn":
                withdrawals.append((e.time_ms, e.id, e.actor, a.get("shop"), a.get("order"), a.get("review")))
        acts_for = {account: next(iter(s)) for account, s in shipped_for.items() if len(s) == 1}
        acts_for.update(self.shop_accounts or {})
        complaints.sort(key=lambda c: (c.reviewer, c.shop, c.time_ms, c.id))
        at: dict[tuple[str, str], list[Complaint]] = defaultdict(list)
        for c in complaints:
            at[c.reviewer, c.shop].append(c)
        times = {key: [c.time_ms for c in cs] for key, cs in at.items()}
        payments = [(t, i, buyer, shop, order, amount, "refund") for t, i, buyer, shop, order, amount in refunds]
        for t, i, payer, payee, amount in transfers:
            shop = acts_for.get(payer, payer)
            if (payee, shop) in at:
                payments.append((t, i, payee, shop, None, amount, "transfer"))
        for t, _, payee, shop, order, amount, kind in sorted(payments):
            cs = at.get((payee, shop))
            if not cs:
                continue
            end = bisect.bisect_right(times[payee, shop], t)
            for c in reversed(cs[:end]):
                if t - c.time_ms > self.window_ms:
                    break
                if order is None or c.order is None or c.order == order:
                    c.payments.append((kind, amount, t))
                    break
        by_id = {c.id: c for c in complaints}
        by_order = {(c.reviewer, c.shop, c.order): c for c in complaints if c.order}
        for t, _, actor, shop, order, review in sorted(withdrawals, key=lambda w: (w[0], w[1])):
            c = by_id.get(review) if review else by_order.get((actor, shop, order))
            if c is not None and c.reviewer == actor and c.withdrawn_ms is None:
                c.withdrawn_ms = t
        return complaints, price

    def _chance(self, own, totals, strong, base) -> tuple[float, dict[str, Any]]:
        """Poisson chance that the shops of ``own`` complaints paid this often; observed and expected counts.

        Returns chance 1 without computing it when fewer than ``min_shops`` shops paid.
        """
        per_shop: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for c in own:
            row = per_shop[c.shop]
            row[0] += 1
            row[1] += c.paid
            row[2] += strong[id(c)]
        observed, expected = [0, 0], [0.0, 0.0]
        for shop, (k, paid, firm) in per_shop.items():
            total = totals[shop]
            for j, (count, mine) in enumerate(((paid, total[1]), (firm, total[2]))):
                rate = (mine - count + self.prior_complaints * base[j]) / (total[0] - k + self.prior_complaints)
                expected[j] += 1 - (1 - min(max(rate, 0.0), 1.0)) ** k
                observed[j] += count > 0
        stats = {
            "complaints": len(own),
            "complained_shops": len(per_shop),
            "paid_shops": observed[0],
            "expected_paid_shops": round(expected[0], 3),
            "strong_shops": observed[1],
            "expected_strong_shops": round(expected[1], 3),
        }
        if observed[0] < self.min_shops:
            return 1.0, stats
        tails = [float(poisson.sf(n - 1, e)) if n else 1.0 for n, e in zip(observed, expected, strict=True)]
        return min(1.0, 2 * min(tails)), stats

    def _crews(self, events, candidates, by_account, chance) -> list[tuple[list[str], dict[str, list[str]]]]:
        """Groups of ≤ ``max_crew`` complainers linked by the rings detector or a shared complaint text.

        Returns each crew's accounts and the identifiers its members share
        (``"kind:value"`` → accounts).
        """
        if len(candidates) < 2:
            return []
        index = {a: i for i, a in enumerate(candidates)}
        pairs: list[tuple[int, int]] = []
        shared: dict[tuple[int, int], list[str]] = {}
        for a, b, identifiers in self._identifier_links(events, index, by_account):
            pairs.append((index[a], index[b]))
            shared[index[a], index[b]] = identifiers
        texts = [(c, index[a]) for a in candidates for c in by_account[a] if c.text]
        if texts:
            detector = TemplateDetector(threshold=self.text_threshold)
            group = detector.near_duplicate_groups([c.text for c, _ in texts], np.array([i for _, i in texts]))
            members: dict[int, set[int]] = defaultdict(set)
            copies: dict[int, list[Complaint]] = defaultdict(list)
            for g, (c, i) in zip(group.tolist(), texts, strict=True):
                members[g].add(i)
                copies[g].append(c)
            for g, accounts in members.items():
                if not 1 < len(accounts) <= self.max_crew:
                    continue
                example = max((c.text for c in copies[g]), key=lambda t: (len(t), t))
                # A template: long, and its copies paid by more shops than chance (honest look-alike texts are not).
                if len(shingle_set(example)) >= self.min_template_shingles and chance(copies[g]) <= self.text_alpha:
                    first, *rest = sorted(accounts)
                    pairs += [(first, other) for other in rest]
        if not pairs:
            return []
        n = len(candidates)
        label, size = _components(n, pairs)
        big = size[label] > self.max_crew
        if big.any():  # too many for one crew (a text many use): those accounts join by identifiers only
            sub, sub_size = _components(n, [(x, y) for x, y in shared if big[x]])
            label = np.where(big, sub + n, label)
            size = np.concatenate([size, sub_size])
        crews: dict[int, list[str]] = defaultdict(list)
        for i, account in enumerate(candidates):
            if 1 < size[label[i]] <= self.max_crew:
                crews[int(label[i])].append(account)
        out = []
        for crew in sorted(crews.values()):
            inside = {index[x] for x in crew}
            ids: dict[str, set[str]] = defaultdict(set)
            for (x, y), identifiers in shared.items():
                if x in inside:
                    for identifier in identifiers:
                        ids[identifier] |= {candidates[x], candidates[y]}
            out.append((crew, {key: sorted(accounts) for key, accounts in sorted(ids.items())}))
        return out

    def _identifier_links(self, events, candidates: Mapping[str, int], by_account) -> list[tuple[str, str, list[str]]]:
        """Pairs of candidates the rings detector links, with the identifiers (``"kind:value"``) they share.

        Only the identifiers candidates complained with are read (a crew posts
        from its farm phones), with every event that uses them, so each one's
        degree (and hub suppression) is exact; an
        identifier nobody else uses is kept once per account and kind, which is
        all the rings detector asks of it (the account "has its own").
        Registration bursts are not used.
        """
        used: dict[str, set[str]] = {kind: set() for kind in _IDENTIFIERS}
        for account in candidates:
            for c in by_account[account]:
                for kind, value in c.identifiers:
                    used[kind].add(value)
        kinds = [(kind, values) for kind, values in used.items() if values]
        users: dict[tuple[str, str], set[str]] = defaultdict(set)
        for e in events:
            attrs = e.attrs
            for kind, values in kinds:
                value = attrs.get(kind)
                if value in values:
                    users[kind, value].add(e.actor)
        records, own = [], set()
        for (kind, value), accounts in users.items():
            if len(accounts) > 1:
                records += [(a, kind, value) for a in accounts]
            elif (account := next(iter(accounts)), kind) not in own:
                own.add((account, kind))
                records.append((account, kind, value))
        if not records:
            return []
        links = Links.from_records(sorted(records))
        rings = RingDetector()
        graph = rings.link_graph(links)
        names = links.account_names
        keep = graph.strength >= rings.link_threshold
        incidence = graph.members.tocsr()
        out = []
        for x, y in zip(graph.pair_a[keep].tolist(), graph.pair_b[keep].tolist(), strict=True):
            a, b = names[x], names[y]
            if a in candidates and b in candidates:
                common = np.intersect1d(incidence[x].indices, incidence[y].indices)
                identifiers = [
                    f"{LINK_KINDS[links.identifier_kind[i]]}:{links.identifier_names[i]}"
                    for i in common.tolist()
                    if i < len(links.identifier_names) and graph.weight[i] > 0
                ]
                out.append((a, b, identifiers) if candidates[a] < candidates[b] else (b, a, identifiers))
        return out

    def _finding(self, accounts, complaints, chance, stats, strong, price, identifiers) -> Finding:
        accounts = sorted(accounts)
        paid = sorted((c for c in complaints if c.paid), key=lambda c: (c.payments[0][2], c.id))
        shops = sorted({c.shop for c in paid})
        strong_shops = {c.shop for c in paid if strong[id(c)]}
        withdrawn = sum(c.withdrawn_after_payment() for c in paid)
        above = sum(c.over_price(price.get(c.order)) for c in paid)
        texts = Counter(c.text for c in complaints if c.text)
        template = min(texts, key=lambda t: (-texts[t], len(t), t)) if texts else ""
        template_shingles = shingle_set(template) if template else frozenset()
        copies = Counter(
            {
                t: n
                for t, n in texts.items()
                if template_shingles and _jaccard(shingle_set(t), template_shingles) >= self.text_threshold
            }
        )
        with_template = {c.reviewer for c in complaints if c.text in copies}
        reasons = [
            Reason(
                N_("{accounts} account(s) were paid by {shops} shops after negative reviews"),
                {"accounts": len(accounts), "shops": len(shops)},
            ),
            Reason(
                N_("about {expected} shops would have paid by chance, given how often these shops pay complainers"),
                {"expected": round(stats["expected_paid_shops"], 1)},
            ),
        ]
        if withdrawn:
            reasons.append(
                Reason(
                    N_("{n} of {paid} paid reviews were withdrawn after the payment"),
                    {"n": withdrawn, "paid": len(paid)},
                )
            )
        if above:
            reasons.append(
                Reason(
                    N_("{n} paid reviews were paid above the order's price or from the shop's account"), {"n": above}
                )
            )
        if copies and sum(copies.values()) >= 2:
            reasons.append(
                Reason(
                    N_("{n} complaints by {accounts} account(s) repeat one text: {template}"),
                    {"n": sum(copies.values()), "accounts": len(with_template), "template": _short(template)},
                )
            )
        for key, members in list(identifiers.items())[:3]:
            kind, value = key.split(":", 1)
            reasons.append(
                Reason(
                    N_("{n} of the accounts share {kind} {value}"), {"n": len(members), "kind": kind, "value": value}
                )
            )
        share_strong = len(strong_shops) / len(shops)
        share_withdrawn = withdrawn / len(paid)
        score = round((1 - chance) * (0.5 + 0.25 * share_strong + 0.25 * share_withdrawn), 4)
        payments = [
            {
                "account": c.reviewer,
                "shop": c.shop,
                "review": c.id,
                "review_ms": c.time_ms,
                "order": c.order,
                "price": price.get(c.order),
                "kind": kind,
                "amount": amount,
                "time_ms": t,
                "delay_hours": round((t - c.time_ms) / 3_600_000, 1),
                "withdrawn_ms": c.withdrawn_ms,
            }
            for c in paid
            for kind, amount, t in c.payments
        ][:_SHOWN]
        shown = paid[:150]
        evidence: dict[str, Any] = {
            "accounts": accounts,
            "shops": shops,
            **stats,
            "poisson_chance": chance,
            "withdrawn": withdrawn,
            "above_price_or_transfer": above,
            "payments": payments,
            "template": template if copies else "",
            "shared_text": shared_text(template, copies) if copies else "",
            "shared_identifiers": identifiers,
            "graph": {
                "nodes": [{"id": a, "kind": "account"} for a in accounts]
                + [{"id": s, "kind": "shop", "paid": s in strong_shops} for s in shops]
                + [{"id": key, "kind": key.split(":", 1)[0]} for key in identifiers],
                "links": [{"source": c.reviewer, "target": c.shop, "kind": "complaint"} for c in shown]
                + [{"source": c.shop, "target": c.reviewer, "kind": "payment"} for c in shown]
                + [{"source": a, "target": key, "kind": key.split(":", 1)[0]} for key, ms in identifiers.items()
                   for a in ms],
            },
        }  # fmt: skip
        members = tuple(Member("account", a) for a in accounts) + tuple(Member("shop", s) for s in shops)
        return Finding("extortion_reviewer", "extortion_reviewer", members, score, tuple(reasons), evidence)


def detect(events: Iterable[Event], **params: Any) -> list[Finding]:
    """Professional negative reviewers in ``events``; ``params`` go to :class:`ExtortionDetector`."""
    return ExtortionDetector(**params).detect(events)


def _components(n: int, pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Component label of each of ``n`` nodes linked by ``pairs``, and each component's size."""
    a, b = np.array(pairs, dtype=np.int64).reshape(-1, 2).T
    label = components(n, a, b)
    return label, np.bincount(label, minlength=n)


def _jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
