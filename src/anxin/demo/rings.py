"""A seeded world of accounts and the identifiers they use, with planted sock-puppet rings (群控, 小号).

Problem: the ring detector's precision means something only among realistic
honest sharing, so most of this world is honest and shares a lot:

- **households** of 1–6 accounts share their broadband IPs (1–3 over time) and
  home address; some share a family tablet or a payment card;
- **mobile carrier NAT**: most accounts also appear on 1–4 carrier IPs, each
  shared by hundreds to thousands of strangers;
- **campuses**: students share a few campus IPs and the campus parcel locker,
  hundreds per campus; **offices** share a Wi-Fi IP (5–300 people);
- **parcel lockers / courier stations** receive for 10–250 neighbouring homes;
- **internet cafés**: a few public PCs and one IP, used by 10–60 strangers;
- **referrals**: some accounts were invited by another, a few honest
  "influencers" invite many; a few phone numbers are recycled (号码回收) and
  register a second account years later.

Planted rings (sizes log-uniform in 5–200) are run by one operator each: a
device farm hosting 5–40 accounts per phone (some accounts hop between two of
the farm's phones) or, for one ring in ten, a 手机墙 of one phone per account;
registrations in scripted bursts (one ring in five drips them hours apart),
a rotating pool of proxy IPs (or, for a third of rings, carrier NAT IPs shared
with honest users), a few payment cards (or, for one ring in five, a virtual
card per account), and a few drop addresses (or, for a quarter of rings,
public parcel lockers). A third of rings have every account
invited by the operator's account (拉新 fraud).

Pure and seeded: the same arguments give the same arrays. Cost: O(links), all
numpy; a million accounts (~10M links) in a few seconds.

>>> world = generate(seed=1, accounts=5_000)
>>> world.links.n_accounts, len(world.rings) > 0, world.ring_of.shape
(5000, True, (5000,))
>>> bool((world.ring_of[world.rings[0]] == 0).all())
True
>>> world.links.account_names[7], world.links.identifier_names[0]
('u0000007', 'dv0')
>>> generate(seed=1, accounts=5_000).links.identifier.tolist() == world.links.identifier.tolist()
True
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from anxin.integrity.detectors.rings import LINK_KINDS, Links

DAY_MS = 86_400_000
START_MS = 1_672_502_400_000  # 2023-01-01 00:00 China time: three years of registrations
SPAN_MS = 3 * 365 * DAY_MS
_PREFIX = {"device": "dv", "ip": "ip", "address": "addr", "payment": "pay", "phone": "ph", "referrer": "ref"}


@dataclass(frozen=True)
class RingWorld:
    """The links, and the truth: planted rings as arrays of account indices, ``ring_of`` per account (-1 honest)."""

    links: Links
    rings: list[np.ndarray]
    ring_of: np.ndarray


class NumberedNames(Sequence[str]):
    """Names made on demand: ``prefix + number`` per block, so a million names cost no memory until read."""

    def __init__(self, starts: Sequence[int], prefixes: Sequence[str], firsts: Sequence[int], length: int, width=0):
        self.starts, self.prefixes, self.firsts = list(starts), list(prefixes), list(firsts)
        self.length, self.width = length, width

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.length))]
        index = int(index)
        if not -self.length <= index < self.length:
            raise IndexError(index)
        index %= self.length
        block = bisect.bisect_right(self.starts, index) - 1
        return f"{self.prefixes[block]}{self.firsts[block] + index - self.starts[block]:0{self.width}d}"


class _World:
    """Collects links and numbers identifiers per kind (``dv0``, ``dv1``… whatever their role)."""

    def __init__(self, rng: np.random.Generator, accounts: int):
        self.rng = rng
        self.accounts = accounts
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self.next_identifier = 0
        self.per_kind = dict.fromkeys(LINK_KINDS, 0)
        self.blocks: list[tuple[int, str, int, int]] = []  # (first global id, kind, first number in kind, count)

    def identifiers(self, kind: str, count: int) -> np.ndarray:
        first = self.next_identifier
        self.blocks.append((first, kind, self.per_kind[kind], count))
        self.per_kind[kind] += count
        self.next_identifier += count
        return np.arange(first, first + count, dtype=np.int64)

    def link(self, account, identifier, time_ms=None, registration: bool = False) -> None:
        account = np.asarray(account, dtype=np.int64)
        identifier = np.broadcast_to(np.asarray(identifier, dtype=np.int64), account.shape)
        if time_ms is None:
            time_ms = START_MS + self.rng.integers(0, SPAN_MS, len(account))
        time_ms = np.broadcast_to(np.asarray(time_ms, dtype=np.int64), account.shape)
        flags = np.full(len(account), registration)
        self.parts.append((account, identifier.copy(), time_ms.copy(), flags))

    def links(self) -> Links:
        account, identifier, time_ms, registration = (
            np.concatenate(column) for column in zip(*self.parts, strict=True)
        )
        kind_code = np.repeat(
            np.array([LINK_KINDS.index(b[1]) for b in self.blocks], dtype=np.int8), [b[3] for b in self.blocks]
        )
        return Links(
            account=account,
            identifier=identifier,
            time_ms=time_ms,
            registration=registration,
            account_names=NumberedNames([0], ["u"], [0], self.accounts, width=7),
            identifier_names=NumberedNames(
                [b[0] for b in self.blocks],
                [_PREFIX[b[1]] for b in self.blocks],
                [b[2] for b in self.blocks],
                len(kind_code),
            ),
            identifier_kind=kind_code,
        )


def generate(*, seed: int = 0, accounts: int = 100_000, ring_share: float = 0.03) -> RingWorld:
    """A world of ``accounts`` accounts, about ``ring_share`` of them in planted rings."""
    if accounts < 1_000 or not 0 < ring_share < 0.5:
        raise ValueError("need accounts ≥ 1000 and 0 < ring_share < 0.5")
    rng = np.random.default_rng(seed)
    world = _World(rng, accounts)
    ring_sizes = _ring_sizes(rng, int(accounts * ring_share))
    permutation = rng.permutation(accounts)  # ring accounts are scattered among honest ones
    n_ring = int(ring_sizes.sum())
    rings = np.split(permutation[:n_ring], np.cumsum(ring_sizes)[:-1])
    honest = np.sort(permutation[n_ring:])
    ring_of = np.full(accounts, -1, dtype=np.int64)
    for number, members in enumerate(rings):
        ring_of[members] = number
    lockers, nat_ips = _honest(world, honest)
    for members in rings:
        _ring(world, members, lockers, nat_ips)
    return RingWorld(world.links(), [np.sort(r) for r in rings], ring_of)


def _ring_sizes(rng: np.random.Generator, budget: int) -> np.ndarray:
    sizes = []
    while budget >= 5:
        size = min(int(np.exp(rng.uniform(np.log(5), np.log(200)))), budget)
        sizes.append(size)
        budget -= size
    return np.array(sizes or [5], dtype=np.int64)


def _zipf_groups(rng: np.random.Generator, members: np.ndarray, low: int, high: int) -> list[np.ndarray]:
    """Splits ``members`` into groups with heavy-tailed sizes in [low, high] (offices, lockers, campuses)."""
    sizes = []
    remaining = len(members)
    while remaining > 0:
        size = min(int(low * (high / low) ** rng.random() ** 2), remaining)
        sizes.append(size)
        remaining -= size
    return np.split(rng.permutation(members), np.cumsum(sizes)[:-1])


def _pick(rng: np.random.Generator, accounts: np.ndarray, share: float) -> np.ndarray:
    return accounts[rng.random(len(accounts)) < share]


def _honest(world: _World, honest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Honest sharing; returns the parcel lockers and carrier NAT IPs rings can hide behind."""
    rng = world.rng
    n = len(honest)
    registered = START_MS + rng.integers(0, SPAN_MS, n)
    own_phone = world.identifiers("device", n)
    world.link(honest, own_phone, registered, registration=True)
    world.link(honest, own_phone)
    phones = world.identifiers("phone", n)
    recycled = rng.random(n) < 0.002  # 号码回收: a number registered again by a stranger
    phones[recycled] = rng.choice(phones, int(recycled.sum()))
    world.link(honest, phones, registered, registration=True)
    world.link(honest, world.identifiers("payment", n))

    # Households: sizes 1–6, sharing 1–3 broadband IPs over time and (mostly) the home address.
    sizes = rng.choice(np.arange(1, 7), p=[0.42, 0.30, 0.15, 0.08, 0.035, 0.015], size=n)
    household = np.repeat(np.arange(n), sizes)[:n]
    n_homes = int(household[-1]) + 1
    home_ips = world.identifiers("ip", 3 * n_homes).reshape(n_homes, 3)
    ips_used = rng.integers(1, 4, n)
    for k in range(3):
        users = ips_used > k
        world.link(honest[users], home_ips[household[users], k])
    at_home = rng.random(n) < 0.6  # registered on the home broadband, the rest on mobile data
    world.link(honest[at_home], home_ips[household[at_home], 0], registered[at_home], registration=True)
    home_address = world.identifiers("address", n_homes)
    ships_home = rng.random(n) < 0.8
    world.link(honest[ships_home], home_address[household[ships_home]])
    tablet_homes = rng.random(n_homes) < 0.25
    tablet = world.identifiers("device", n_homes)
    uses_tablet = tablet_homes[household] & (rng.random(n) < 0.6)
    world.link(honest[uses_tablet], tablet[household[uses_tablet]])
    card_homes = rng.random(n_homes) < 0.1
    family_card = world.identifiers("payment", n_homes)
    uses_card = card_homes[household] & (rng.random(n) < 0.5)
    world.link(honest[uses_card], family_card[household[uses_card]])

    # Mobile carrier NAT: heavy-tailed popularity, hundreds to thousands of accounts per IP.
    nat_ips = world.identifiers("ip", max(4, n // 400))
    popularity = 1.0 / np.arange(1, len(nat_ips) + 1) ** 0.6
    on_mobile = np.repeat(honest, rng.integers(0, 5, n))
    world.link(on_mobile, rng.choice(nat_ips, len(on_mobile), p=popularity / popularity.sum()))
    by_mobile = honest[~at_home]
    world.link(
        by_mobile,
        rng.choice(nat_ips, len(by_mobile), p=popularity / popularity.sum()),
        registered[~at_home],
        registration=True,
    )

    # Campuses (8 % of accounts): a few campus IPs and the campus locker, hundreds of students each.
    for students in _zipf_groups(rng, _pick(rng, honest, 0.08), 100, 800):
        campus_ips = world.identifiers("ip", 3)
        world.link(students, rng.choice(campus_ips, len(students)))
        world.link(students, rng.choice(campus_ips, len(students)))
        world.link(students, world.identifiers("address", 1))
    # Office Wi-Fi (30 %).
    for staff in _zipf_groups(rng, _pick(rng, honest, 0.3), 5, 300):
        world.link(staff, world.identifiers("ip", 1))
    # Parcel lockers and courier stations: a third of homes use their neighbourhood's, 10–250 homes each.
    locker_homes = _zipf_groups(rng, _pick(rng, np.arange(n_homes), 0.35), 10, 250)
    lockers = world.identifiers("address", len(locker_homes))
    locker_of_home = np.full(n_homes, -1)
    for locker, homes in zip(lockers, locker_homes, strict=True):
        locker_of_home[homes] = locker
    uses_locker = (locker_of_home[household] >= 0) & (rng.random(n) < 0.8)
    world.link(honest[uses_locker], locker_of_home[household[uses_locker]])
    # Internet cafés (0.5 %): 2–6 public PCs and one IP, 10–60 strangers.
    for guests in _zipf_groups(rng, _pick(rng, honest, 0.005), 10, 60):
        pcs = world.identifiers("device", int(rng.integers(2, 7)))
        world.link(guests, rng.choice(pcs, len(guests)))
        world.link(guests, rng.choice(pcs, len(guests)))
        world.link(guests, world.identifiers("ip", 1))
    # Referrals (10 %): most referrers invite one or two friends, a few influencers invite hundreds.
    invited = _pick(rng, honest, 0.1)
    influence = 1.0 / np.arange(1, n + 1) ** 1.1
    referrer = rng.choice(honest, len(invited), p=influence / influence.sum())
    _, referrer_number = np.unique(referrer, return_inverse=True)
    world.link(invited, world.identifiers("referrer", int(referrer_number.max()) + 1)[referrer_number])
    return lockers, nat_ips


def _ring(world: _World, members: np.ndarray, lockers: np.ndarray, nat_ips: np.ndarray) -> None:
    """One operator's accounts: device farm, scripted registration bursts, proxies, cards, drop addresses."""
    rng = world.rng
    size = len(members)
    # 群控: 5–40 accounts per farm phone, some hopping between two; or (one ring in ten) a 手机墙,
    # one phone per account, registered in batches of 10–30.
    wall = rng.random() < 0.1
    per_phone = 1 if wall else int(rng.integers(5, 41))
    farm = world.identifiers("device", -(-size // per_phone))
    phone = rng.permutation(np.arange(size) % len(farm))
    world.link(members, farm[phone])
    if not wall:
        hops = rng.random(size) < 0.3
        world.link(members[hops], rng.choice(farm, int(hops.sum())))

    # Scripted registration: batch by batch, 20 s – 4 min apart, except for careful operators (one
    # ring in five) who drip one registration every few hours.
    batch = phone // int(rng.integers(10, 31)) if wall else phone
    in_order = np.argsort(batch, kind="stable")
    batch_start = START_MS + rng.integers(0, SPAN_MS, int(batch.max()) + 1)
    drip = rng.random() < 0.2
    gaps = rng.integers(3_600_000, 12 * 3_600_000, size) if drip else rng.integers(20_000, 240_000, size)
    registered = np.empty(size, dtype=np.int64)
    registered[in_order] = batch_start[batch[in_order]] + _cumsum_within(gaps, batch[in_order])
    world.link(members, farm[phone], registered, registration=True)

    # Proxies: a private rotating pool, or (one ring in three) carrier NAT IPs shared with honest users.
    if rng.random() < 1 / 3:
        pool = rng.choice(nat_ips, max(2, size // 4))
    else:
        pool = world.identifiers("ip", max(2, size // int(rng.integers(3, 10))))
    world.link(members, rng.choice(pool, size), registered, registration=True)
    logins = np.repeat(members, rng.integers(2, 7, size))
    world.link(logins, rng.choice(pool, len(logins)))

    # Payment: a few shared cards, or (one ring in five) a virtual card per account.
    if rng.random() < 0.2:
        world.link(members, world.identifiers("payment", size))
    else:
        cards = world.identifiers("payment", max(1, size // int(rng.integers(5, 31))))
        world.link(members, rng.choice(cards, size))
        second = rng.random(size) < 0.2
        world.link(members[second], rng.choice(cards, int(second.sum())))
    # Drop addresses, or (one ring in four) public parcel lockers.
    drops = rng.choice(lockers, 2) if rng.random() < 0.25 else world.identifiers("address", int(rng.integers(1, 5)))
    world.link(members, rng.choice(drops, size))
    world.link(members, world.identifiers("phone", size), registered, registration=True)  # 接码平台: fresh numbers
    if rng.random() < 1 / 3:  # 拉新: the operator's account invites all the others
        world.link(members[1:], world.identifiers("referrer", 1), registered[1:], registration=True)


def _cumsum_within(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Running sums of ``values`` restarting at each new value of the sorted ``group``."""
    total = np.cumsum(values)
    first = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    offsets = np.repeat(total[first] - values[first], np.diff(np.r_[first, len(values)]))
    return total - offsets
