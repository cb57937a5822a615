"""A seeded, deterministic marketplace event stream with planted 高频下单 and 短期销量暴增.

Problem: the engine's tests, the demo and the benchmarks need the same
realistic stream — diurnal sessions of login → search → views with dwell →
order → payment → logistics → review or refund — with fraud planted where we
know it is, so "do the rules fire on the planted cases?" has an answer:

- **high-frequency ordering**: a few farm accounts sharing one device place
  dozens of orders within an hour (``planted["hf_devices"]``, ``["hf_accounts"]``);
- **sales spike**: on the last day, one ordinary shop suddenly receives a burst
  of orders in one hour from freshly created accounts (``planted["spike_shops"]``),
  each on its own device so only a shop-level baseline catches it;
- **out-of-order arrival**: a small share of events arrive up to two minutes late.

Pure: no database, no clock; the same arguments give the same events.
Cost: O(events) time and memory.

>>> m = generate(seed=1, sessions_per_day=300, days=3)
>>> len(m.events) > 1000, sorted(m.planted)
(True, ['hf_accounts', 'hf_devices', 'hf_event_ids', 'spike_event_ids', 'spike_hour_ms', 'spike_shops'])
>>> generate(seed=1, sessions_per_day=300, days=3).events[:3] == m.events[:3]
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from anxin.integrity.events.schema import Event

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
DEFAULT_START_MS = 1_767_196_800_000  # 2026-01-01 00:00 China time (UTC+8)

# Share of sessions by hour of day (China time): quiet at night, peaks at lunch and evening.
_HOUR_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 3, 5, 6, 7, 8, 9, 7, 6, 6, 6, 7, 8, 10, 11, 10, 6, 3]

DEMO_RULES = """
# 高频下单: many orders from one device, account or payment instrument in a short time
rule hf_orders_device: when type == "order_placed" and count(order_placed, by=device, window=1h) > 20
  then block score 80 reason "more than 20 orders from one device within an hour"
rule hf_orders_account: when type == "order_placed" and count(order_placed, by=actor, window=1h) > 10
  then block score 70 reason "more than 10 orders from one account within an hour"
rule hf_orders_payment: when type == "order_placed" and count(order_placed, by=payment, window=10m) > 8
  then review score 40 reason "more than 8 orders paid with one instrument in 10 minutes"
# 短期销量暴增: this hour's orders for a shop far above its usual level at this hour
rule shop_sales_spike: when type == "order_placed" and spike(order_placed, by=shop, bucket=1h) > 8
    and count(order_placed, by=shop, window=1h) > 20
  then review score 40 reason "shop's orders this hour far above its usual for this hour"
"""


@dataclass(frozen=True)
class Marketplace:
    """The generated stream in arrival order, and what was planted in it."""

    events: list[Event]
    planted: dict[str, object] = field(default_factory=dict)
    shops: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()


def generate(
    *,
    seed: int = 0,
    days: int = 4,
    sessions_per_day: int = 2_000,
    accounts: int = 2_000,
    shops: int = 40,
    items_per_shop: int = 8,
    tenant: str = "demo",
    start_ms: int = DEFAULT_START_MS,
    hf_accounts: int = 3,
    hf_orders_each: int = 25,
    spike_orders: int = 80,
    late_share: float = 0.01,
) -> Marketplace:
    """Generate the stream; ``spike_orders`` and ``hf_orders_each`` size the planted fraud.

    Raises:
        ValueError: on sizes that cannot hold the planted cases (e.g. fewer than 3 days,
            so the spike shop has no history to compare with).
    """
    if days < 3:
        raise ValueError(f"days must be ≥ 3 so the spike shop has two days of history, got {days}")
    if sessions_per_day < 1 or accounts < 10 or shops < 2 or items_per_shop < 1:
        raise ValueError("sessions_per_day ≥ 1, accounts ≥ 10, shops ≥ 2 and items_per_shop ≥ 1 are needed")
    if not 0 <= late_share < 0.5:
        raise ValueError(f"late_share must be in [0, 0.5), got {late_share}")
    rng = random.Random(seed)
    shop_ids = tuple(f"shop-{i:03d}" for i in range(shops))
    # Skewed popularity: a few big shops, a long tail (as on real platforms).
    shop_weights = [1.0 / (i + 1) ** 0.8 for i in range(shops)]
    account_ids = tuple(f"acct-{i:05d}" for i in range(accounts))
    profile = {
        a: (
            f"dev-{rng.randrange(accounts * 2):05d}",
            f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
            f"addr-{rng.randrange(accounts):05d}",
            f"pay-{i:05d}",
        )
        for i, a in enumerate(account_ids)
    }
    timed: list[tuple[int, int, str, str, str | None, dict]] = []  # (time, seq, type, actor, subject, attrs)
    seq = 0

    def emit(t: int, etype: str, actor: str, subject: str | None, attrs: dict) -> None:
        nonlocal seq
        timed.append((t, seq, etype, actor, subject, attrs))
        seq += 1

    order_no = 0
    hours = list(range(24))
    for day in range(days):
        for _ in range(sessions_per_day):
            hour = rng.choices(hours, _HOUR_WEIGHTS)[0]
            t = start_ms + day * DAY_MS + hour * HOUR_MS + rng.randrange(HOUR_MS)
            actor = rng.choice(account_ids)
            dev, ip, addr, pay = profile[actor]
            ctx = {"device": dev, "ip": ip}
            emit(t, "login", actor, None, {**ctx, "success": rng.random() > 0.03})
            shop = rng.choices(shop_ids, shop_weights)[0]
            item = f"{shop}-item-{rng.randrange(items_per_shop)}"
            t += rng.randrange(2_000, 20_000)
            emit(t, "search", actor, None, {**ctx, "query": f"锁 {rng.randrange(50)}", "shop": shop})
            for _ in range(rng.randrange(1, 4)):
                t += rng.randrange(3_000, 30_000)
                emit(
                    t,
                    "item_view",
                    actor,
                    item,
                    {**ctx, "item": item, "shop": shop, "dwell_ms": rng.randrange(2_000, 120_000)},
                )
            if rng.random() < 0.35:
                order_no += 1
                order = f"ord-{order_no:07d}"
                amount = rng.randrange(1_000, 300_000)
                base = {**ctx, "order": order, "shop": shop}
                t += rng.randrange(10_000, 120_000)
                emit(
                    t,
                    "order_placed",
                    actor,
                    order,
                    {**base, "item": item, "amount": amount, "quantity": 1, "address": addr, "payment": pay},
                )
                t += rng.randrange(5_000, 60_000)
                emit(t, "order_paid", actor, order, {**base, "item": item, "amount": amount, "payment": pay})
                if rng.random() < 0.8:
                    ship = t + rng.randrange(HOUR_MS, DAY_MS)
                    emit(
                        ship,
                        "order_shipped",
                        f"staff-{shop}",
                        order,
                        {"order": order, "shop": shop, "carrier": "SF", "tracking": f"SF{order_no}"},
                    )
                    emit(
                        ship + rng.randrange(DAY_MS // 2, 2 * DAY_MS),
                        "order_delivered",
                        "carrier-SF",
                        order,
                        {"order": order, "shop": shop, "tracking": f"SF{order_no}"},
                    )
                roll = rng.random()
                if roll < 0.3:
                    emit(
                        t + rng.randrange(DAY_MS, 3 * DAY_MS),
                        "review",
                        actor,
                        order,
                        {**base, "item": item, "rating": rng.choice([3, 4, 5, 5, 5]), "text": "还不错"},
                    )
                elif roll < 0.35:
                    emit(t + rng.randrange(HOUR_MS, DAY_MS), "refund", actor, order, {**base, "amount": amount})

    # Planted 高频下单: farm accounts sharing one device and IP, on day 2 at 14:00.
    hf_device, hf_ip = "dev-farm-0001", "10.250.0.1"
    hf_accts = tuple(f"farm-{i:03d}" for i in range(hf_accounts))
    hf_start = start_ms + 1 * DAY_MS + 14 * HOUR_MS
    hf_seqs = []
    for k, actor in enumerate(hf_accts):
        for j in range(hf_orders_each):
            order_no += 1
            order = f"ord-{order_no:07d}"
            t = hf_start + k * 7_000 + j * rng.randrange(60_000, 120_000)
            hf_seqs.append(seq)
            emit(
                t,
                "order_placed",
                actor,
                order,
                {
                    "device": hf_device,
                    "ip": hf_ip,
                    "order": order,
                    "shop": rng.choice(shop_ids),
                    "amount": rng.randrange(100, 2_000),
                    "quantity": 1,
                    "payment": f"pay-farm-{k}",
                },
            )
    # Planted 短期销量暴增: a mid-sized shop, last day 20:00-21:00, fresh accounts each on its own device.
    spike_shop = shop_ids[shops // 2]
    spike_hour = start_ms + (days - 1) * DAY_MS + 20 * HOUR_MS
    spike_seqs = []
    for j in range(spike_orders):
        actor = f"new-{j:04d}"
        t = spike_hour + rng.randrange(HOUR_MS - 60_000)
        ctx = {"device": f"dev-new-{j:04d}", "ip": f"172.16.{j // 200}.{j % 200 + 1}"}
        emit(t - rng.randrange(60_000, 600_000), "account_created", actor, actor, dict(ctx))
        order_no += 1
        order = f"ord-{order_no:07d}"
        spike_seqs.append(seq)
        emit(
            t,
            "order_placed",
            actor,
            order,
            {
                **ctx,
                "order": order,
                "shop": spike_shop,
                "item": f"{spike_shop}-item-0",
                "amount": 990,
                "quantity": 1,
                "payment": f"pay-new-{j:04d}",
            },
        )

    timed.sort(key=lambda e: (e[0], e[1]))
    # Out-of-order arrival: some events are delivered up to two minutes after later ones.
    arrival = [
        (t + (rng.randrange(1, 120_000) if rng.random() < late_share else 0), i) for i, (t, *_rest) in enumerate(timed)
    ]
    arrival.sort()
    id_of_seq: dict[int, str] = {}
    events: list[Event] = []
    for n, (_, i) in enumerate(arrival):
        t, s, etype, actor, subject, attrs = timed[i]
        eid = f"{tenant}-{n:08d}"
        id_of_seq[s] = eid
        events.append(Event(eid, t, tenant, etype, actor, subject, attrs))
    planted = {
        "hf_devices": {hf_device},
        "hf_accounts": set(hf_accts),
        "hf_event_ids": {id_of_seq[s] for s in hf_seqs},
        "spike_shops": {spike_shop},
        "spike_hour_ms": spike_hour,
        "spike_event_ids": {id_of_seq[s] for s in spike_seqs},
    }
    return Marketplace(events, planted, shop_ids, account_ids + hf_accts)


def synthetic_rules(n: int, *, seed: int = 0) -> str:
    """``n`` plausible rules over a shared pool of features, as a ruleset text.

    Real rulesets reuse a modest set of features with many thresholds and
    combinations, so the pool grows slowly (about 11 features at 50 rules,
    40 at 500). Used by the engine benchmark and the parity tests.
    """
    if n < 1:
        raise ValueError(f"n must be ≥ 1 rule, got {n}")
    rng = random.Random(seed)
    keys = ["actor", "device", "ip", "address", "payment", "shop", "item"]
    windows = ["1m", "10m", "1h", "1d", "7d"]
    types = ["order_placed", "order_paid", "login", "item_view", "refund", "review"]
    pool: list[tuple[str, str, int]] = []  # (feature text, event type it counts, typical threshold)
    # Thresholds scale with the window and the key, so rules fire on a few % of events, as real ones do.
    per_window = {"1m": 2, "10m": 2, "1h": 3, "1d": 5, "7d": 12}
    per_key = {"shop": 25, "item": 4}
    seen: set[str] = set()
    size = min(40, 8 + n // 15)
    while len(pool) < size:
        kind = rng.choice(["count", "count", "sum", "distinct"])
        et = rng.choice(types)
        key = rng.choice(keys)
        win = rng.choice(windows)
        typical = per_window[win] * per_key.get(key, 1)
        if kind == "sum":
            et = rng.choice(["order_placed", "order_paid", "refund"])
            text = f"sum({et}, amount, by={key}, window={win})"
            typical *= 150_000
        elif kind == "distinct":
            other = rng.choice([k for k in keys if k != key])
            text = f"distinct({et}, {other}, by={key}, window={win})"
            typical = max(2, typical // 2)
        else:
            text = f"count({et}, by={key}, window={win})"
        if text not in seen:
            seen.add(text)
            pool.append((text, et, typical))
    lines = []
    for i in range(n):
        feat, et, typical = rng.choice(pool)
        threshold = max(1, round(typical * rng.uniform(0.5, 2)))
        parts = [f'type == "{rng.choice([et, et, "order_placed"])}"', f"{feat} > {threshold}"]
        extra = rng.random()
        if extra < 0.3:
            parts.append(f"amount > {rng.randrange(1_000, 200_000)}")
        elif extra < 0.45:
            parts.append('not (ip in list("ip_allow"))')
        elif extra < 0.55:
            parts.append('label(actor, "ring_member")')
        elif extra < 0.65:
            feat2, _, typical2 = rng.choice(pool)
            parts.append(f"{feat2} >= {max(2, round(typical2 * rng.uniform(0.3, 1)))}")
        action = rng.choice(["review", "review", "block"])
        lines.append(f"rule r{i:04d}: when {' and '.join(parts)} then {action} score {rng.randrange(5, 60)}")
    return "\n".join(lines) + "\n"
