"""A seeded stream of orders, reviews and money with planted 职业差评师 crews among honest look-alikes.

Problem: the extortion detector must be measured where honest behaviour looks
like extortion: about a tenth of reviews are negative and many of those are
refunded by the shop (a few withdrawn afterwards, a few compensated above the
price); heavy critics write dozens of negative reviews; shops with a bad
product refund nearly every complainer and pay some of them extra; a
household shares one broadband IP and address and its members complain and
get refunded too. Honest friends also send each other red packets.

Shop accounts: each shop ships some of its orders from ``staff-<shop>``
(``order_shipped`` actor), so the detector can tell that account's transfers
are the shop's money; the extortion transfers come from it.

Planted, at varied strength: ``crews`` crews of 1–5 accounts (most of one or
two), sometimes sharing a device or an IP, each using one of
:data:`EXTORTION_TEMPLATES` with small variations (separators, a synonym,
emoji, a filler). A crew hits 3–30 shops (spread over its members, each member
at least one paid shop): buy, post a 1-star stock complaint, and the shop pays
with probability 0.6–1 — a refund above the price or a transfer from its
staff account — and the review is withdrawn after 50–100 % of the payments.
Crew members also buy and praise like anyone else.

Pure and seeded: the same arguments give the same stream. Cost: O(reviews).

>>> s = generate(seed=1, accounts=3_000, shops=200, reviews=8_000, crews=4)
>>> len(s.extortionists) >= 4, len(s.events) > 16_000, s.events == generate(seed=1, accounts=3_000, shops=200,
...                                                                          reviews=8_000, crews=4).events
(True, True, True)
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from anxin.demo.streams import EventLog
from anxin.demo.streams import shops as demo_shops
from anxin.integrity.events.schema import Event

HOUR_MS = 3_600_000
DAY_MS = 86_400_000

POSITIVE = ("好评", "不错", "质量很好", "物流很快", "很满意", "值得购买", "性价比高", "包装严实", "五星", "挺好的")
NEGATIVE = (
    "质量一般", "有点失望", "和图片不一样", "客服不理人", "退货了", "用了{n}天就坏了", "味道很大", "发错货了",
    "尺码偏小", "颜色有色差", "做工粗糙", "包装破了", "物流太慢", "少发了一件", "不值这个价", "线头很多",
    "充电{n}次就充不进去", "穿了{n}次就起球", "声音很吵", "说明书看不懂", "配件缺失", "有划痕", "不好用",
    "跟描述不符", "等了{n}天才到", "掉色严重", "差评", "失望", "bad", "not as described",
)  # fmt: skip
EXTORTION_TEMPLATES = (
    "收到货发现严重质量问题，与描述完全不符，怀疑是假货，客服推脱责任，已经向平台投诉，大家千万别买",
    "商品有明显使用痕迹和异味，疑似二手翻新，商家欺骗消费者，态度恶劣拒不处理，必须给个说法",
    "买回来用了一次就出现问题，存在安全隐患，差点伤到孩子，商家毫无诚信，我会一直追究到底",
    "标注的成分和实际不一致，属于虚假宣传，吃了以后身体不适，已保留证据，不给说法就找市场监管",
)
"""Stock complaints the planted crews use, each copy lightly varied."""
_SYNONYMS = {
    "严重": ("很严重", "非常严重"), "千万别买": ("不要买", "别上当"), "商家": ("店家", "卖家"),
    "态度恶劣": ("态度极差", "态度很差"), "一直追究到底": ("追究到底", "维权到底"), "身体不适": ("身体不舒服",),
}  # fmt: skip
_EMOJI = ("😡", "👎", "💢", "")
_SEPARATORS = ("，", ",", "。", "！", " ")


@dataclass(frozen=True)
class ExtortionStream:
    events: list[Event]
    extortionists: frozenset[str]


def generate(
    *,
    seed: int = 0,
    accounts: int = 60_000,
    shops: int = 2_000,
    reviews: int = 300_000,
    days: int = 60,
    crews: int = 40,
) -> ExtortionStream:
    """The stream; ``reviews`` honest reviews (each with its order) plus the look-alikes and the crews."""
    rng = random.Random(seed)
    span = days * DAY_MS
    shop_ids, weights = demo_shops(shops)
    log = EventLog("x")
    events, add = log.events, log.add

    def context(buyer: str) -> dict:
        return {"device": f"dev-{buyer}", "ip": f"ip-{buyer}"}

    def buy(buyer: str, shop: str, t: int, ctx: dict) -> tuple[str, int]:
        order, amount = f"o{log.n}", rng.randrange(1_000, 30_000)
        add(t, "order_placed", buyer, {**ctx, "order": order, "shop": shop, "amount": amount}, order)
        if rng.random() < 0.3:
            add(t + rng.randrange(HOUR_MS, DAY_MS), "order_shipped", f"staff-{shop}", {"order": order, "shop": shop})
        return order, amount

    def review(buyer: str, shop: str, order: str, t: int, rating: int, text: str, ctx: dict) -> str:
        attrs = {**ctx, "order": order, "shop": shop, "item": f"{shop}-i{rng.randrange(5)}", "rating": rating}
        return add(t, "review", buyer, {**attrs, "text": text}, order)

    def withdraw(buyer: str, shop: str, order: str, review_id: str, t: int, ctx: dict) -> None:
        add(t, "review_withdrawn", buyer, {**ctx, "order": order, "shop": shop, "review": review_id}, order)

    def complaint() -> str:
        parts = rng.sample(NEGATIVE, rng.randrange(1, 4))
        return rng.choice(_SEPARATORS).join(p.format(n=rng.randrange(2, 30)) for p in parts)

    def honest_review(buyer: str, shop: str, t: int, ctx: dict, *, negative: float = 0.1, paid: float = 0.3,
                      extra: float = 0.03) -> None:  # fmt: skip
        """An order and its review; a complaint is refunded with chance ``paid`` (sometimes more than the price)."""
        order, amount = buy(buyer, shop, t, ctx)
        t_review = t + rng.randrange(HOUR_MS, 5 * DAY_MS)
        if rng.random() >= negative:
            review(buyer, shop, order, t_review, rng.choice((3, 4, 5, 5, 5)), rng.choice(POSITIVE), ctx)
            return
        rid = review(buyer, shop, order, t_review, rng.choice((1, 2)), complaint(), ctx)
        if rng.random() >= paid:
            return
        t_pay = t_review + rng.randrange(HOUR_MS, 3 * DAY_MS)
        roll = rng.random()
        if roll < extra:  # a goodwill compensation from the shop's account
            add(t_pay, "transfer", f"staff-{shop}", {"to_account": buyer, "amount": rng.randrange(500, 3_000)})
        else:  # a refund, now and then with the shipping fee on top
            refund = amount + 800 if roll < 2 * extra else rng.choice((amount, amount // 2, amount // 5))
            add(t_pay, "refund", buyer, {**ctx, "order": order, "shop": shop, "amount": refund}, order)
        if rng.random() < 0.15:  # satisfied, the buyer withdraws the complaint
            withdraw(buyer, shop, order, rid, t_pay + rng.randrange(HOUR_MS, 2 * DAY_MS), ctx)

    # Honest buyers: ~10 % negative reviews, ~30 % of those refunded.
    for shop in rng.choices(shop_ids, weights, k=reviews):
        buyer = f"u{rng.randrange(accounts):06d}"
        honest_review(buyer, shop, rng.randrange(span), context(buyer))
    # Heavy critics: 20–60 complaints each, rarely paid.
    for c in range(max(1, accounts // 1_000)):
        critic = f"critic{c:04d}"
        for shop in rng.choices(shop_ids, weights, k=rng.randrange(20, 61)):
            honest_review(critic, shop, rng.randrange(span), context(critic), negative=0.9, paid=0.15)
    # Bad-product shops: 30–150 complainers each, nearly all refunded, some paid extra.
    for shop in rng.sample(shop_ids, max(1, shops // 100)):
        for _ in range(rng.randrange(30, 151)):
            buyer = f"u{rng.randrange(accounts):06d}"
            honest_review(buyer, shop, rng.randrange(span), context(buyer), negative=1.0, paid=0.85, extra=0.1)
    # Households: 2–4 people behind one IP and address, complaining and refunded like anyone.
    for h in range(max(1, accounts // 2_000)):
        home = {"ip": f"home-ip-{h}", "address": f"home-addr-{h}"}
        for p in range(rng.randrange(2, 5)):
            person = f"home{h:04d}-{p}"
            for shop in rng.choices(shop_ids, weights, k=rng.randrange(3, 12)):
                honest_review(person, shop, rng.randrange(span), {**home, "device": f"dev-{person}"}, negative=0.5)
    # Red packets between friends.
    for _ in range(reviews // 20):
        sender, receiver = f"u{rng.randrange(accounts):06d}", f"u{rng.randrange(accounts):06d}"
        add(rng.randrange(span), "transfer", sender, {"to_account": receiver, "amount": rng.choice((520, 888, 6_600))})

    extortionists: set[str] = set()
    for c in range(crews):
        size = rng.choice((1, 1, 1, 2, 2, 3, 4, 5))
        members = [f"crew{c:03d}-{m}" for m in range(size)]
        extortionists.update(members)
        shared = {}
        if rng.random() < 0.4:
            shared["device"] = f"crew-dev-{c}"
        if rng.random() < 0.4:
            shared["ip"] = f"crew-ip-{c}"
        template = rng.choice(EXTORTION_TEMPLATES)
        pay_rate, withdraw_rate = rng.uniform(0.6, 1.0), rng.uniform(0.5, 1.0)
        targets = rng.sample(shop_ids, max(rng.randrange(3, 31), size))
        rng.shuffle(members)
        for k, shop in enumerate(targets):
            member = members[k % size]
            ctx = {**context(member), **shared}  # a shared farm phone or proxy IP is used for everything
            t = rng.randrange(span - 10 * DAY_MS)
            order, amount = buy(member, shop, t, ctx)
            t_review = t + rng.randrange(DAY_MS, 4 * DAY_MS)
            rid = review(member, shop, order, t_review, 1, _vary(rng, template), ctx)
            if k >= max(3, size) and rng.random() >= pay_rate:  # this shop refuses; the first ones paid
                continue
            t_pay = t_review + rng.randrange(HOUR_MS, 4 * DAY_MS)
            if rng.random() < 0.5:
                refund = amount + rng.randrange(amount // 3 + 100, 2 * amount + 200)
                add(t_pay, "refund", member, {**ctx, "order": order, "shop": shop, "amount": refund}, order)
            else:
                add(t_pay, "transfer", f"staff-{shop}", {"to_account": member, "amount": rng.randrange(5_000, 50_000)})
                # the shop ships from its staff account now and then, so it is known as the shop's
                add(t - DAY_MS, "order_shipped", f"staff-{shop}", {"order": f"o-ship-{c}-{k}", "shop": shop})
            if rng.random() < withdraw_rate:
                withdraw(member, shop, order, rid, t_pay + rng.randrange(HOUR_MS, 2 * DAY_MS), ctx)
        for member in members:  # ordinary shopping besides
            for shop in rng.choices(shop_ids, weights, k=rng.randrange(2, 10)):
                honest_review(member, shop, rng.randrange(span), {**context(member), **shared}, negative=0.05)
    events.sort(key=lambda e: e.time_ms)
    return ExtortionStream(events, frozenset(extortionists))


def _vary(rng: random.Random, template: str) -> str:
    """A copy of a stock complaint with the small changes copy-paste workers make."""
    text = template
    for word, alternatives in _SYNONYMS.items():
        if word in text and rng.random() < 0.3:
            text = text.replace(word, rng.choice(alternatives), 1)
    separator = rng.choice(_SEPARATORS)
    if separator != "，":
        text = text.replace("，", separator)
    if rng.random() < 0.3:
        text = rng.choice(("真的", "气死了", "说实话")) + separator + text
    return text + rng.choice(_EMOJI)
