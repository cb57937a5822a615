"""Demo integrity data: the 高频下单 / 短期销量暴增 rules live, a few list entries, and a marketplace decided.

The marketplace carries one planted case per batch detector (a 群控 ring, a
template-review campaign, a 刷单 gang, a lockstep group, a 好评返现 channel, a
真实购买式刷单 keyword campaign, a bought sales spike, a 内外勾结 insider, a
职业差评师 crew) so the demo's findings page opens on each kind.

The rules are saved and activated by the demo risk analyst through the same
service an analyst uses; the seeded marketplace (with planted high-frequency
farms and a sales spike) then streams through the decision runtime, so the
risk console opens on real decisions.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable

from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.demo.marketplace import DEMO_RULES, Marketplace, generate
from anxin.integrity.events.schema import Event
from anxin.integrity.journal import DecisionRuntime
from anxin.integrity.rules import service as rules

DEMO_TENANT = "demo-mall"


def create_demo_rules(session: Session) -> None:
    """Version 1 of the rules, live; a VPN exit and a known farm device on the lists."""
    user = auth.get_user_by_username(session, username="risk")
    assert user is not None, "create the demo accounts first"
    analyst = auth.principal_of(user)
    version = rules.save_version(session, source=DEMO_RULES, reason="演示: 高频下单与短期销量暴增", author=analyst)
    rules.activate(session, version.id, actor=analyst)
    rules.add_entries(
        session, list_name="vpn_exits", values=["10.250.0.1", "10.250.0.2"], reason="演示: 已知代理出口", actor=analyst
    )


RING_SIZE = 12


def ring_events(start_ms: int, tenant: str = DEMO_TENANT) -> list[Event]:
    """A planted 群控 ring: 12 accounts registered in a burst from two farm phones, paying with one card.

    They log in and order from one shop over two days, spread out so no
    high-frequency rule fires: only the ring detector sees them.
    """
    events = []
    order = {"payment": "card-ring-1", "shop": "shop-007", "amount": 2990, "ip": "10.77.0.9"}
    for i in range(RING_SIZE):
        account, device = f"ring-{i:02d}", f"farm-phone-{i % 2}"
        t = start_ms + i * 40_000
        events.append(Event(f"{account}-created", t, tenant, "account_created", account, attrs={"device": device}))
        for day in range(2):
            t_order = start_ms + (day * 24 + 9 + i % 8) * 3_600_000 + i * 60_000
            events.append(
                Event(
                    f"{account}-order-{day}", t_order, tenant, "order_placed", account,
                    attrs={"device": device, **order},
                )
            )  # fmt: skip
    return events


TEMPLATE_ACCOUNTS = 40
_TEMPLATE_VARIANTS = (
    "宝贝收到了，质量很好，物流很快，五星好评！",
    "宝贝收到了 质量很好 物流很快 五星好评",
    "宝贝收到啦，质量很好，物流超快，五星好评！！",
    "宝贝收到了，质量很好，物流很快，五星好评~",
    "收到了，宝贝质量很好，物流很快，五星好评！",
)


def template_review_events(start_ms: int, tenant: str = DEMO_TENANT) -> list[Event]:
    """A planted 模板化好评 campaign: 40 accounts post variants of one stock 5-star text on one shop in 6 hours."""
    events = []
    for i in range(TEMPLATE_ACCOUNTS):
        account = f"tpl-{i:02d}"
        t = start_ms + i * 540_000
        text = _TEMPLATE_VARIANTS[i % len(_TEMPLATE_VARIANTS)]
        attrs = {"shop": "shop-012", "item": "shop-012-item-1", "rating": 5, "text": text, "order": f"{account}-o"}
        events.append(Event(f"{account}-review", t, tenant, "review", account, f"{account}-o", attrs))
    return events


GANG_SIZE = 25
GANG_SHOPS = tuple(f"shop-{i:03d}" for i in range(34, 40))


def gang_events(start_ms: int, tenant: str = DEMO_TENANT) -> list[Event]:
    """A planted 刷单 gang (dense block): 25 puppets each buy at 4–6 of six small shops over three days.

    Each puppet also buys once at one of the two biggest shops (camouflage),
    on its own device and card, one order at a time: no rule fires, only the
    account × shop block shows.
    """
    rng = random.Random(34)
    events = []
    for i in range(GANG_SIZE):
        account = f"gang-{i:02d}"
        shops = [*rng.sample(GANG_SHOPS, rng.randint(4, 6)), f"shop-00{rng.randint(0, 1)}"]
        for n, shop in enumerate(shops):
            t = start_ms + rng.randrange(3 * 86_400_000 - 3_600_000)
            attrs = {"order": f"{account}-o{n}", "shop": shop, "amount": rng.randrange(3_000, 9_000),
                     "device": f"gang-dev-{i:02d}", "payment": f"gang-card-{i:02d}"}  # fmt: skip
            events.append(Event(f"{account}-order-{n}", t, tenant, "order_placed", account, attrs=attrs))
    return events


LOCKSTEP_SIZE = 20


def lockstep_events(start_ms: int, tenant: str = DEMO_TENANT) -> list[Event]:
    """A planted lockstep group: 20 accounts order at the day's task shop within the same 30 minutes, three days."""
    rng = random.Random(20)
    events = []
    for day in range(3):
        shop, t0 = f"shop-{20 + day:03d}", start_ms + day * 86_400_000 + 21 * 3_600_000
        for i in range(LOCKSTEP_SIZE):
            account = f"task-{i:02d}"
            attrs = {"order": f"{account}-d{day}", "shop": shop, "amount": 5_900, "device": f"task-dev-{i:02d}"}
            t = t0 + rng.randrange(30 * 60_000)
            events.append(Event(f"{account}-order-d{day}", t, tenant, "order_placed", account, attrs=attrs))
    return events


CASHBACK_SHOP = "shop-015"
CASHBACK_REVIEWERS = 15


def cashback_events(start_ms: int, tenant: str = DEMO_TENANT) -> list[Event]:
    """A planted 好评返现 channel among honest money that looks alike.

    Planted: 15 buyers order at one shop, post five stars a day or two later,
    and a go-between account (``cb-agent``) pays each the price plus ¥3 within
    hours. Look-alikes: 150 red packets between honest buyers at random times,
    a payroll account paying 20 of them, and another shop refunding a price
    difference to three buyers after their five-star reviews (价保).
    """
    rng = random.Random(15)
    day = 86_400_000
    events = []
    for i in range(CASHBACK_REVIEWERS):
        buyer, order = f"cb-{i:02d}", f"cb-order-{i:02d}"
        amount = rng.randrange(2_000, 9_000)
        t = start_ms + rng.randrange(day)
        base = {"order": order, "shop": CASHBACK_SHOP, "device": f"cb-dev-{i:02d}"}
        events.append(Event(f"{order}-placed", t, tenant, "order_placed", buyer, order, {**base, "amount": amount}))
        t += rng.randrange(day, 2 * day)
        events.append(Event(f"{order}-review", t, tenant, "review", buyer, order, {**base, "rating": 5}))
        t += rng.randrange(3_600_000, 12 * 3_600_000)
        paid = {"to_account": buyer, "amount": amount + 300, "device": "cb-agent-phone"}
        events.append(Event(f"{order}-cashback", t, tenant, "transfer", "cb-agent", attrs=paid))
    for n in range(150):
        sender, receiver = f"acct-{rng.randrange(3_000):05d}", f"acct-{rng.randrange(3_000):05d}"
        t = start_ms + rng.randrange(3 * day)
        gift = {"to_account": receiver, "amount": rng.choice([520, 888, 1_314, 6_600])}
        events.append(Event(f"gift-{n}", t, tenant, "transfer", sender, attrs=gift))
    for n in range(20):
        salary = {"to_account": f"acct-{rng.randrange(3_000):05d}", "amount": 500_000}
        events.append(
            Event(f"salary-{n}", start_ms + 2 * day + n * 1_000, tenant, "transfer", "payroll-01", attrs=salary)
        )
    for i in range(3):
        buyer, order = f"pp-{i}", f"pp-order-{i}"
        t = start_ms + rng.randrange(day)
        base = {"order": order, "shop": "shop-003"}
        events.append(Event(f"{order}-placed", t, tenant, "order_placed", buyer, order, {**base, "amount": 19_900}))
        events.append(Event(f"{order}-review", t + day, tenant, "review", buyer, order, {**base, "rating": 5}))
        refund = {**base, "amount": 2_000, "reason": "价保"}
        events.append(Event(f"{order}-refund", t + day + 7_200_000, tenant, "refund", buyer, order, refund))
    return events


BRUSHING_SHOP = "shop-025"
BRUSHING_WORKERS = 16
BRUSHING_KEYWORD = "C9 指纹锁 旗舰款"


def brushing_events(start_ms: int, tenant: str = DEMO_TENANT) -> list[Event]:
    """A planted 真实购买式刷单 campaign, and a flash sale that looks alike in one way.

    Planted: 16 workers search "C9 指纹锁 旗舰款", browse shop-025's item for
    six to seven minutes over three views, buy, and post five stars 48 hours
    later. Look-alike: 60 ordinary accounts arrive at shop-001 through
    "秒杀 指纹锁" within one hour and buy within seconds, reviewing whenever.
    """
    rng = random.Random(25)
    events = []

    def visit(who: str, shop: str, query: str, t: int, dwells: list[int], review: tuple[int, int] | None) -> None:
        ctx = {"device": f"{who}-phone", "ip": f"10.{rng.randrange(256)}.{rng.randrange(256)}.7"}
        events.append(Event(f"{who}-search", t, tenant, "search", who, attrs={**ctx, "query": query, "shop": shop}))
        item = f"{shop}-item-3"
        for n, dwell in enumerate(dwells):
            t += 5_000
            attrs = {**ctx, "shop": shop, "item": item, "dwell_ms": dwell}
            events.append(Event(f"{who}-view-{n}", t, tenant, "item_view", who, item, attrs))
            t += dwell
        order = f"{who}-order"
        attrs = {**ctx, "order": order, "shop": shop, "item": item, "amount": 129_900}
        events.append(Event(f"{order}-placed", t + 20_000, tenant, "order_placed", who, order, attrs))
        if review is not None:
            attrs = {"order": order, "shop": shop, "item": item, "rating": review[1]}
            events.append(Event(f"{order}-review", t + 20_000 + review[0], tenant, "review", who, order, attrs))

    for i in range(BRUSHING_WORKERS):
        dwell = rng.randrange(120_000, 140_000)
        t = start_ms + 10 * 3_600_000 + i * 1_500_000
        visit(
            f"brush-{i:02d}",
            BRUSHING_SHOP,
            BRUSHING_KEYWORD,
            t,
            [dwell] * 3,
            (48 * 3_600_000 + rng.randrange(-3_600_000, 3_600_000), 5),
        )
    for _ in range(60):
        who = f"acct-{rng.randrange(3_000):05d}"
        review = (rng.randrange(86_400_000, 3 * 86_400_000), rng.choice((3, 4, 5))) if rng.random() < 0.4 else None
        t = start_ms + 44 * 3_600_000 + rng.randrange(3_600_000)
        visit(who, "shop-001", "秒杀 指纹锁", t, [rng.randrange(5_000, 40_000)], review)
    return events


INSIDER = "staff-07"
INSIDER_SHOP = "shop-031"


def insider_events(start_ms: int, tenant: str = DEMO_TENANT) -> list[Event]:
    """A planted 内外勾结 insider among staff who look alike in parts.

    Eight staff approve subsidy claims and override decisions across the
    shops over three days, all from the office IP (a hub, not a link);
    ``staff-02`` is shop-000's key-account manager and handles most of its
    cases (concentrated, but tied to nobody). Planted: ``staff-07`` approves
    14 claims of shop-031 and releases its blocked orders, and the shop's
    merchant account files its claims from the phone staff-07 uses at work.
    """
    rng = random.Random(31)
    day = 86_400_000
    shops = [f"shop-{i:03d}" for i in range(40)]
    weights = [1 / (i + 1) ** 0.8 for i in range(40)]
    events = []

    def favour(n: int, staff: str, shop: str, t: int, device: str) -> None:
        claim, order = f"claim-{n}", f"sub-order-{n}"
        merchant = f"merchant-{shop}"
        claimed = {"shop": shop, "order": order, "amount": 1_500, "program": "以旧换新", "device": f"{merchant}-pc"}
        if shop == INSIDER_SHOP and staff == INSIDER:
            claimed["device"] = "insider-phone"
        events.append(Event(claim, t, tenant, "subsidy_claim", merchant, order, claimed))
        approved = {"shop": shop, "order": order, "amount": 1_500, "program": "以旧换新", "claim": claim,
                    "ip": "10.200.0.1", "device": device}  # fmt: skip
        events.append(Event(f"approve-{n}", t + rng.randrange(600_000, 7_200_000), tenant, "subsidy_approved",
                            staff, order, approved))  # fmt: skip

    n = 0
    for k in range(8):
        staff = f"staff-{k:02d}"
        device = "insider-phone" if staff == INSIDER else f"{staff}-pc"
        for _ in range(40):
            shop = "shop-000" if staff == "staff-02" and rng.random() < 0.7 else rng.choices(shops, weights)[0]
            favour(n, staff, shop, start_ms + rng.randrange(3 * day - 8 * 3_600_000), device)
            n += 1
    for _ in range(14):
        favour(n, INSIDER, INSIDER_SHOP, start_ms + rng.randrange(3 * day - 8 * 3_600_000), "insider-phone")
        n += 1
    return events


EXTORTION_CREW = ("crew-0", "crew-1", "crew-2")
_COMPLAINT = "收到货发现严重质量问题，与描述完全不符，怀疑是假货，客服推脱责任，已经向平台投诉，大家千万别买"


def extortion_events(start_ms: int, tenant: str = DEMO_TENANT) -> list[Event]:
    """A planted 职业差评师 crew among honest complainers.

    Planted: three accounts on one phone post the same stock 1-star complaint
    at nine shops; each shop pays — a refund above the price, or a transfer
    from its shipping account — and the review is withdrawn after. Honest:
    80 complaints in varied words, a third refunded at the price, and a
    heavy critic with twelve negative reviews nobody paid.
    """
    rng = random.Random(9)
    hour = 3_600_000
    events = []

    def complain(who: str, shop: str, t: int, text: str, device: str) -> tuple[str, int]:
        order, amount = f"{who}-{shop}-order-{len(events)}", rng.randrange(2_000, 20_000)
        events.append(Event(f"{order}-placed", t, tenant, "order_placed", who, order,
                            {"order": order, "shop": shop, "amount": amount, "device": device}))  # fmt: skip
        shipped = {"order": order, "shop": shop, "carrier": "SF", "tracking": f"SF-{order}"}
        events.append(Event(f"{order}-shipped", t + 2 * hour, tenant, "order_shipped", f"staff-{shop}", order, shipped))
        review = {"order": order, "shop": shop, "rating": 1, "text": text, "device": device}
        events.append(Event(f"{order}-review", t + 20 * hour, tenant, "review", who, order, review))
        return order, amount

    for k, shop in enumerate(f"shop-{i:03d}" for i in range(2, 11)):
        who = EXTORTION_CREW[k % 3]
        t = start_ms + k * 5 * hour
        order, amount = complain(who, shop, t, _COMPLAINT.replace("，", "," if k % 2 else "，"), "crew-phone")
        paid_at = t + 30 * hour
        if k % 2:
            refund = {"order": order, "shop": shop, "amount": amount + 5_000, "reason": "协商"}
            events.append(Event(f"{order}-refund", paid_at, tenant, "refund", who, order, refund))
        else:
            events.append(Event(f"{order}-paid", paid_at, tenant, "transfer", f"staff-{shop}",
                                attrs={"to_account": who, "amount": 20_000}))  # fmt: skip
        withdrawn = {"order": order, "shop": shop, "review": f"{order}-review"}
        events.append(
            Event(f"{order}-withdrawn", paid_at + 2 * hour, tenant, "review_withdrawn", who, order, withdrawn)
        )
    gripes = ("物流太慢了", "和图片不一样", "用了两天就坏了", "客服不理人", "包装破了", "颜色有色差", "少发了配件")
    shops, weights = [f"shop-{i:03d}" for i in range(40)], [1 / (i + 1) ** 0.8 for i in range(40)]
    for _ in range(80):  # complaints follow sales: the big shops get most
        who, shop = f"acct-{rng.randrange(3_000):05d}", rng.choices(shops, weights)[0]
        order, amount = complain(who, shop, start_ms + rng.randrange(50 * hour), rng.choice(gripes), f"{who}-phone")
        if rng.random() < 0.35:
            events.append(Event(f"{order}-refund", start_ms + 60 * hour, tenant, "refund", who, order,
                                {"order": order, "shop": shop, "amount": amount}))  # fmt: skip
    for i in range(12):
        complain("acct-critic", f"shop-{i + 12:03d}", start_ms + i * 4 * hour, rng.choice(gripes), "critic-phone")
    return events


def demo_marketplace() -> Marketplace:
    """The seeded marketplace with the planted ring, template campaign, gang and lockstep group merged in by time."""
    market = generate(seed=7, days=3, sessions_per_day=1_500, accounts=3_000, shops=40, tenant=DEMO_TENANT)
    start = market.events[0].time_ms
    planted_events = sorted(
        ring_events(start)
        + template_review_events(start + 30 * 3_600_000)
        + gang_events(start)
        + lockstep_events(start)
        + cashback_events(start)
        + brushing_events(start)
        + insider_events(start)
        + extortion_events(start),
        key=lambda e: e.time_ms,
    )
    merged = list(heapq.merge(market.events, planted_events, key=lambda e: e.time_ms))
    planted = {
        **market.planted,
        "ring_accounts": [f"ring-{i:02d}" for i in range(RING_SIZE)],
        "template_accounts": [f"tpl-{i:02d}" for i in range(TEMPLATE_ACCOUNTS)],
        "gang_accounts": [f"gang-{i:02d}" for i in range(GANG_SIZE)],
        "lockstep_accounts": [f"task-{i:02d}" for i in range(LOCKSTEP_SIZE)],
        "cashback_payers": ["cb-agent"],
        "cashback_reviewers": [f"cb-{i:02d}" for i in range(CASHBACK_REVIEWERS)],
        "brushing_accounts": [f"brush-{i:02d}" for i in range(BRUSHING_WORKERS)],
        "insider_staff": [INSIDER],
        "insider_merchants": [f"merchant-{INSIDER_SHOP}"],
        "extortion_accounts": list(EXTORTION_CREW),
        "spike_accounts": sorted({e.actor for e in market.events if e.id in market.planted["spike_event_ids"]}),
    }
    return Marketplace(merged, planted, market.shops, market.accounts)


def stream_marketplace(
    runtime: DecisionRuntime, market: Marketplace, *, batch: int = 2_000, progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Decide the marketplace's events through ``runtime``; returns counts per action."""
    counts = {"allow": 0, "review": 0, "block": 0}
    for start in range(0, len(market.events), batch):
        for outcome in runtime.decide(market.events[start : start + batch], "demo"):
            counts[outcome.action] += 1
        if progress is not None:
            progress(min(batch, len(market.events) - start))
    return counts
