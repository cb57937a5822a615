"""A seeded marketplace with staff, subsidies and planted insiders (内外勾结) among honest look-alikes.

Problem: the insider detector must be measured where honest work looks like
collusion: key-account managers whose favours pile up on one big merchant,
an office IP every member of staff (and many merchants) uses, a promotion
after which every merchant claims more subsidies, and shops whose product
is returned a lot. It must still find weak insiders (five favours) and
small farming shops.

Honest activity: orders (placed, paid, delivered, sometimes refunded) from
buyers at Zipf-popular shops; a share of them subsidised, each claim filed
by one of the shop's merchant accounts, one in ten approved by hand; staff
overrides of blocked orders; red packets between buyers (staff members'
own accounts among them, on the phone they also work from); merchants
paying suppliers and a few buyers. A promotion (the first rule change)
doubles every shop's claims; a second rule change opens a new programme.

Planted, at varied strength:

* **insiders**: a member of staff granting a small partner shop 5–40
  overrides and subsidy approvals, linked to it by their work phone, their
  home IP, or money from the partner's account to their own account
  directly or through one go-between; half of the partners farm subsidies;
* **farming shops**: 15–60 subsidised orders by a handful of accomplices,
  70–100 % of them refunded or never delivered, most of them in the week
  after the second rule change.

>>> s = generate(seed=1, staff=40, shops=200, buyers=5_000, orders=20_000, insiders=3, farming_shops=2)
>>> len(s.colluding_staff), len(s.colluding_shops), len(s.farming_shops) >= 2, len(s.rule_changes)
(3, 3, True, 2)
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from anxin.demo.streams import START_MS, EventLog
from anxin.demo.streams import shops as demo_shops
from anxin.integrity.events.schema import Event

MINUTE_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
OFFICE_IP = "10.8.0.1"


@dataclass(frozen=True)
class SubsidyStream:
    events: list[Event]
    colluding_staff: frozenset[str]
    colluding_shops: frozenset[str]
    farming_shops: frozenset[str]
    rule_changes: tuple[int, ...] = ()
    key_account_managers: frozenset[str] = frozenset()
    high_refund_shops: frozenset[str] = frozenset()


def generate(
    *,
    seed: int = 0,
    staff: int = 120,
    shops: int = 1_500,
    buyers: int = 60_000,
    orders: int = 250_000,
    days: int = 60,
    key_accounts: int = 6,
    high_refund_shops: int = 10,
    insiders: int = 12,
    farming_shops: int = 10,
) -> SubsidyStream:
    rng = random.Random(seed)
    span = days * DAY_MS
    promotion, new_programme = round(days / 3) * DAY_MS, round(days * 0.63) * DAY_MS
    shop_ids, weights = demo_shops(shops, 0.9)
    merchants = {s: [f"m{i:05d}-{k}" for k in range(rng.choice((1, 1, 2)))] for i, s in enumerate(shop_ids)}
    staff_ids = [f"staff-{i:03d}" for i in range(staff)]
    workload = [rng.uniform(0.5, 1.5) for _ in staff_ids]
    own_account = {p: f"u{rng.randrange(buyers):06d}" for p in staff_ids}  # their own shopping account
    kams = dict(zip(shop_ids[:key_accounts], rng.sample(staff_ids, key_accounts), strict=True))
    refunders = set(rng.sample(shop_ids[key_accounts:], high_refund_shops))
    log = EventLog("e")
    events, add = log.events, log.add

    def merchant_ctx(shop: str, account: str) -> dict:
        ip = OFFICE_IP if rng.random() < 0.05 else f"mip-{shop}"  # merchants visit the platform's service centre
        return {"device": f"md-{account}", "ip": ip}

    def staff_ctx(person: str) -> dict:
        ip = f"hip-{person}" if rng.random() < 0.1 else OFFICE_IP
        return {"device": f"wd-{person}", "ip": ip}

    def handler(shop: str) -> str:
        if shop in kams and rng.random() < 0.7:
            return kams[shop]
        return rng.choices(staff_ids, workload)[0]

    def claim(t: int, shop: str, order: str, amount: int, approver: str | None = None) -> None:
        account = rng.choice(merchants[shop])
        program = "p-new" if t >= new_programme else "p-base"
        attrs = {"shop": shop, "order": order, "amount": amount, "program": program, **merchant_ctx(shop, account)}
        cid = add(t, "subsidy_claim", account, attrs, order)
        if approver is None and rng.random() < 0.1:
            approver = handler(shop)
        if approver is not None:
            approved = {"shop": shop, "order": order, "amount": amount, "program": program, "claim": cid}
            add(
                t + rng.randrange(HOUR_MS, 2 * DAY_MS),
                "subsidy_approved",
                approver,
                {**approved, **staff_ctx(approver)},
            )

    def order(buyer: str, shop: str, t: int, *, refund: float, deliver: float = 0.97) -> tuple[str, int]:
        oid, amount = f"o{log.n}", rng.randrange(1_000, 50_000)
        ctx = {"device": f"ud-{buyer}", "ip": f"uip-{int(buyer[1:]) % (buyers // 3 + 1)}"}
        add(t, "order_placed", buyer, {"order": oid, "shop": shop, "amount": amount, **ctx}, oid)
        add(t + rng.randrange(MINUTE_MS, 30 * MINUTE_MS), "order_paid", buyer, {"order": oid, "shop": shop,
            "amount": amount, **ctx}, oid)  # fmt: skip
        if rng.random() < deliver:
            add(t + rng.randrange(DAY_MS, 5 * DAY_MS), "order_delivered", buyer, {"order": oid, "shop": shop}, oid)
        if rng.random() < refund:
            refund_attrs = {"order": oid, "shop": shop, "amount": amount, **ctx}
            add(t + rng.randrange(2 * DAY_MS, 8 * DAY_MS), "refund", buyer, refund_attrs, oid)
        return oid, amount

    # Honest orders; a share subsidised (twice as many after the promotion), some overridden by staff.
    for shop in rng.choices(shop_ids, weights, k=orders):
        t = rng.randrange(span)
        buyer = f"u{rng.randrange(buyers):06d}"
        oid, amount = order(buyer, shop, t, refund=0.35 if shop in refunders else 0.05)
        if rng.random() < (0.2 if t < promotion else 0.4 if t < new_programme else 0.45):
            claim(t + rng.randrange(HOUR_MS, DAY_MS), shop, oid, amount * rng.randrange(5, 20) // 100)
        if rng.random() < 0.02:
            person = handler(shop)
            action = rng.choice(("allow", "allow", "allow", "review", "block"))
            attrs = {"decision": f"d-{oid}", "new_action": action, "beneficiary": buyer, "shop": shop,
                     "reason": "人工复核", **staff_ctx(person)}  # fmt: skip
            add(t + rng.randrange(MINUTE_MS, HOUR_MS), "staff_override", person, attrs, oid)
    # Staff members shop too, logging in to their own account on their work phone now and then.
    for person, account in own_account.items():
        for _ in range(rng.randrange(1, 4)):
            add(rng.randrange(span), "login", account, {"device": f"wd-{person}", "ip": f"hip-{person}"})
    # Red packets between buyers (a staff member's own account gets some), merchants paying suppliers and buyers.
    for _ in range(orders // 6):
        sender, receiver = f"u{rng.randrange(buyers):06d}", f"u{rng.randrange(buyers):06d}"
        add(rng.randrange(span), "transfer", sender, {"to_account": receiver, "amount": rng.randrange(100, 50_000)})
    for account in rng.choices([a for accts in merchants.values() for a in accts], k=orders // 10):
        payee = f"v{rng.randrange(max(buyers // 20, 1)):05d}" if rng.random() < 0.8 else f"u{rng.randrange(buyers):06d}"
        add(rng.randrange(span), "transfer", account, {"to_account": payee, "amount": rng.randrange(1_000, 500_000)})

    def farm(shop: str, approver: str | None, count: int) -> None:
        """Subsidised orders by a few accomplices, mostly refunded or never delivered, most after the new rule."""
        accomplices = [f"u{rng.randrange(buyers):06d}" for _ in range(rng.randrange(3, 11))]
        bad = rng.uniform(0.7, 1.0)
        for _ in range(count):
            after = rng.random() < 0.7
            t = new_programme + rng.randrange(7 * DAY_MS - DAY_MS) if after else rng.randrange(new_programme - DAY_MS)
            is_bad = rng.random() < bad
            refunded = is_bad and rng.random() < 0.5
            oid, amount = order(
                rng.choice(accomplices), shop, t, refund=float(refunded), deliver=0.0 if is_bad else 1.0
            )
            helper = approver if approver is not None and rng.random() < 0.5 else None
            claim(t + rng.randrange(HOUR_MS, DAY_MS), shop, oid, amount * rng.randrange(20, 50) // 100, helper)

    tail = shop_ids[shops // 3 :]
    partners = rng.sample([s for s in tail if s not in refunders], insiders + farming_shops)
    colluders = rng.sample([p for p in staff_ids if p not in kams.values()], insiders)
    farmers = set(partners[insiders:])
    for person, shop in zip(colluders, partners[:insiders], strict=False):
        favours = rng.randrange(5, 41)
        approvals = rng.randrange(0, favours + 1)
        partner_account = merchants[shop][0]
        if rng.random() < 0.5:
            farmers.add(shop)
            farm(shop, person, rng.randrange(15, 61))
        for _ in range(approvals):  # inflated claims on the partner's ordinary orders, waved through
            t = rng.randrange(span - 5 * DAY_MS)
            oid, amount = order(f"u{rng.randrange(buyers):06d}", shop, t, refund=0.05)
            claim(t + rng.randrange(HOUR_MS, DAY_MS), shop, oid, amount * rng.randrange(20, 60) // 100, person)
        for _ in range(favours - approvals):  # the partner's blocked payouts and orders, overridden to allow
            attrs = {"decision": f"d-x{log.n}", "new_action": "allow", "beneficiary": partner_account, "shop": shop,
                     "reason": "商家申诉", **staff_ctx(person)}  # fmt: skip
            add(rng.randrange(span), "staff_override", person, attrs)
        link = rng.choice(("device", "ip", "transfer", "transfer_via"))
        if link == "device":  # the partner's shop is run from the insider's phone now and then
            for _ in range(rng.randrange(1, 4)):
                add(rng.randrange(span), "login", partner_account, {"device": f"wd-{person}", "ip": f"mip-{shop}"})
        elif link == "ip":  # from the insider's home
            for _ in range(rng.randrange(1, 4)):
                add(rng.randrange(span), "login", partner_account, {"device": f"md-{partner_account}",
                    "ip": f"hip-{person}"})  # fmt: skip
        else:
            for _ in range(rng.randrange(1, 4)):
                t, amount = rng.randrange(span - 4 * DAY_MS), rng.randrange(500_000, 5_000_000)
                if link == "transfer":
                    add(t, "transfer", partner_account, {"to_account": own_account[person], "amount": amount})
                else:
                    via = f"u{rng.randrange(buyers):06d}"
                    add(t, "transfer", partner_account, {"to_account": via, "amount": amount})
                    onward = {"to_account": own_account[person], "amount": amount * rng.randrange(80, 100) // 100}
                    add(t + rng.randrange(HOUR_MS, 72 * HOUR_MS), "transfer", via, onward)
    for shop in partners[insiders:]:
        farm(shop, None, rng.randrange(15, 61))
    events.sort(key=lambda e: e.time_ms)
    return SubsidyStream(
        events,
        frozenset(colluders),
        frozenset(partners[:insiders]),
        frozenset(farmers),
        (START_MS + promotion, START_MS + new_programme),
        frozenset(kams.values()),
        frozenset(refunders),
    )
