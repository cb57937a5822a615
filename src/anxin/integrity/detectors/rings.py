"""Sock-puppet rings (群控软件, 小号): accounts one operator controls, found through what they share.

Problem: a 刷单 ring registers dozens to hundreds of accounts from a few
phones (群控 device farms host many accounts per device), pays with a few
cards, ships to a few drop addresses and logs in through a pool of proxy IPs.
No single event shows it; the account–identifier graph does. But honest
accounts share identifiers too: a household shares its broadband IP, address
and sometimes a tablet; a campus or a carrier's NAT puts hundreds behind one
IP; a parcel locker receives for a neighbourhood; an internet café's PCs serve
strangers. Those must not glue honest people into "rings".

Approach (issue 7):

1. **Bipartite graph.** Links ``(account, kind, value, time, registration)``
   from events (:func:`anxin.integrity.events.schema.entities`, plus
   ``account_created``'s ``phone_hash`` and ``referrer``) or plain records.
   Registrations from one device or IP with gaps ≤ ``burst_gap_ms`` form a
   **burst**; a burst of ≥ ``min_burst`` accounts is one more shared
   identifier (kind ``burst``). ``phone_hash`` is a keyed HMAC
   (:mod:`anxin.privacy.blind_index`), so only equal digests mean anything,
   not prefixes; account ids carry no name pattern to trust.
2. **Identifier weights, hubs suppressed.** An identifier shared by ``d``
   accounts weighs ``kind_weight × idf(d)`` with ``idf(d) = √(log(max_degree
   / d) / log(max_degree / 2))``: 1 for two accounts, ⅔ for fifty, 0 at
   ``max_degree`` (above it: ignored, never expanded — carrier NAT,
   fingerprint collisions). It falls slowly at first on purpose: the hubs
   that matter are handled by corroboration, and 30 accounts on one farm
   phone must still count. Above ``hub_degree`` an identifier is a *hub*
   and keeps its weight only in proportion to its **corroboration**: the
   share of its accounts that, through non-hub identifiers alone, are linked
   into a group holding ≥ ``min_size`` of its accounts. A ring's drop address
   is corroborated by the ring's phones and cards; students behind a campus
   IP, or neighbours at a parcel locker, otherwise behave independently, so
   the hub weighs 0 (corroboration below ``min_corroboration``).
3. **Link strength.** Per clue, the strongest identifier a pair shares;
   clues combine as independent evidence: ``1 - Π_clue (1 - w)``. Each kind
   is its own clue except IP and address, which both only say where an
   account is and form one ``location`` clue (a household shares both; that
   is one fact, living together). So five shared proxy IPs are still one
   clue, while a shared device + card + burst is far stronger than any one.
   A shared identifier weighs ``own_factor`` as much when both accounts also
   have one of its kind to themselves: their own phone beside the family
   tablet or the café PC, whereas 群控 accounts live on the farm's phones.
   Location alone never links two accounts (0.3 < ``link_threshold``); one
   control kind (phone, payment, device, burst) shared by a few does.
4. **Rings.** Connected components of the links with strength ≥
   ``link_threshold``; a component of ≥ ``min_size`` accounts is a ring (a
   family is a few accounts, so a linked household is not a ring). Score =
   ring strength, the mean strength of the links holding it together.

Cost: O(L log L) for L links plus O(P log P) for the P = Σ d(d-1)/2 account
pairs of the expanded identifiers (d ≤ ``hub_degree``, and corroborated hubs);
memory O(L + P). ``anxin bench rings`` measures it at scale.

>>> records = [(f"a{i}", "device", "farm-phone-1") for i in range(6)]
>>> records += [(f"a{i}", "payment", "card-9") for i in range(6)]
>>> records += [(person, kind, "home") for person in ("mum", "dad") for kind in ("ip", "address", "device")]
>>> [ring] = detect(records)
>>> ring.kind, ring.label, ring.member_ids(), round(ring.score, 2)
('ring', 'ring_member', ['a0', 'a1', 'a2', 'a3', 'a4', 'a5'], 0.83)
>>> [r.render() for r in ring.reasons]
['6 accounts pay with payment instrument card-9', '6 accounts share device farm-phone-1']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

from anxin.integrity.detectors.finding import Finding, Member, Reason
from anxin.integrity.events.schema import Event, entities
from anxin.text import N_

LINK_KINDS = ("device", "ip", "address", "payment", "phone", "referrer")
"""Kinds of identifier a link can carry, in the order :attr:`Links.identifier_kind` codes them."""
BURST = len(LINK_KINDS)
KINDS = (*LINK_KINDS, "burst")
"""All identifier kinds the detector weighs: the link kinds plus derived registration bursts."""

DEFAULT_KIND_WEIGHTS = {
    "phone": 0.9,
    "payment": 0.7,
    "device": 0.6,
    "burst": 0.5,
    "referrer": 0.3,
    "address": 0.3,
    "ip": 0.3,
}
"""How strongly two accounts sharing one identifier of a kind (and nobody else) are one operator's."""

CLUES = ("device", "location", "location", "payment", "phone", "referrer", "burst")
"""Per kind in :data:`KINDS`, the clue it gives: a pair's strongest identifier per clue counts."""
_CLUE_CODE = np.unique(CLUES, return_inverse=True)[1].reshape(-1)
# Member kinds in findings: the schema's entity kinds where they exist.
_MEMBER_KIND = {"phone": "phone_hash"}
_SOURCE_KINDS = (LINK_KINDS.index("device"), LINK_KINDS.index("ip"))
_REASONS_PER_KIND = 2

_REASON_TEMPLATES = {
    "device": N_("{n} accounts share device {device}"),
    "ip": N_("{n} accounts use IP {ip}"),
    "address": N_("{n} accounts ship to address {address}"),
    "payment": N_("{n} accounts pay with payment instrument {payment}"),
    "phone": N_("{n} accounts registered with the same phone number {phone}"),
    "referrer": N_("{n} accounts were referred by {referrer}"),
    "burst": N_("{n} accounts registered from {source_kind} {source} within {minutes} minutes"),
}


class LinkRecord(NamedTuple):
    """One observation: ``account`` used identifier ``kind``/``value`` at ``time_ms`` (at registration or not)."""

    account: str
    kind: str
    value: str
    time_ms: int = 0
    registration: bool = False


@dataclass(frozen=True)
class Links:
    """Account–identifier links as columns: what :meth:`RingDetector.detect` works on.

    ``account`` and ``identifier`` index ``account_names`` and
    ``identifier_names``; ``identifier_kind`` codes each identifier's kind as an
    index into :data:`LINK_KINDS`. Names may be any sequence (the demo's are
    lazy); only the members of findings are read.
    """

    account: np.ndarray
    identifier: np.ndarray
    time_ms: np.ndarray
    registration: np.ndarray
    account_names: Sequence[str]
    identifier_names: Sequence[str]
    identifier_kind: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.account)
        for name in ("identifier", "time_ms", "registration"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"Links.{name} has {len(getattr(self, name))} entries, account has {n}; pass equal")
        if len(self.identifier_kind) != len(self.identifier_names):
            raise ValueError("Links.identifier_kind needs one kind code per identifier name")

    @property
    def n_accounts(self) -> int:
        return len(self.account_names)

    @classmethod
    def from_records(cls, records: Iterable[LinkRecord | tuple]) -> Links:
        """Links from ``(account, kind, value[, time_ms[, registration]])`` tuples; codes follow sorted names.

        Raises:
            ValueError: on a kind outside :data:`LINK_KINDS`, naming the record.
        """
        rows = [LinkRecord(*r) for r in records]
        for number, row in enumerate(rows):
            if row.kind not in LINK_KINDS:
                raise ValueError(f"link {number} {tuple(row)}: kind must be one of {LINK_KINDS}, got {row.kind!r}")
        account_names, account = np.unique(np.array([r.account for r in rows], dtype=str), return_inverse=True)
        # One identifier per (kind, value): the same string as a device and as an IP is two identifiers.
        keys = np.array([f"{LINK_KINDS.index(r.kind)}\x00{r.value}" for r in rows], dtype=str)
        identifier_keys, identifier = np.unique(keys, return_inverse=True)
        kind_and_value = [key.split("\x00", 1) for key in identifier_keys.tolist()]
        return cls(
            account=account.astype(np.int64).reshape(-1),
            identifier=identifier.astype(np.int64).reshape(-1),
            time_ms=np.array([r.time_ms for r in rows], dtype=np.int64),
            registration=np.array([bool(r.registration) for r in rows], dtype=bool),
            account_names=account_names.tolist(),
            identifier_names=[value for _, value in kind_and_value],
            identifier_kind=np.array([int(kind) for kind, _ in kind_and_value], dtype=np.int8),
        )

    @classmethod
    def from_events(cls, events: Iterable[Event]) -> Links:
        """Links from integrity events: each account actor × the device, IP, address and payment it used.

        ``account_created`` events mark their device and IP links as
        registrations and add ``phone_hash`` and ``referrer`` links; events by
        staff are skipped (the collusion detector reads those).
        """
        records = []
        for event in events:
            refs = entities(event)
            if refs[0].kind != "account":
                continue
            registration = event.type == "account_created"
            records += [
                LinkRecord(event.actor, ref.kind, ref.id, event.time_ms, registration)
                for ref in refs[1:]
                if ref.kind in LINK_KINDS
            ]
            if registration:
                for attribute, kind in (("phone_hash", "phone"), ("referrer", "referrer")):
                    if event.attrs.get(attribute):
                        records.append(LinkRecord(event.actor, kind, event.attrs[attribute], event.time_ms, True))
        return cls.from_records(records)


@dataclass(frozen=True)
class LinkGraph:
    """The weighted account–identifier graph and the account pairs it links.

    ``members`` is the deduplicated incidence matrix (accounts × identifiers,
    registration bursts numbered after the link identifiers); ``pair_a <
    pair_b`` are the account pairs sharing a weighted identifier, with their
    link ``strength``.
    """

    members: sparse.csr_matrix
    identifier_kind: np.ndarray
    degree: np.ndarray
    weight: np.ndarray
    corroboration: np.ndarray
    bursts: list[dict[str, Any]]
    pair_a: np.ndarray
    pair_b: np.ndarray
    strength: np.ndarray


class RingDetector:
    """Finds sock-puppet rings in account–identifier links; every threshold is a constructor parameter.

    Args:
        kind_weights: per kind in :data:`KINDS`, the weight of an identifier of
            that kind shared by exactly two accounts, in (0, 1).
        hub_degree: identifiers shared by more accounts are hubs, weighted only
            as far as they are corroborated.
        max_degree: identifiers shared by more accounts weigh nothing.
        min_corroboration: hubs whose corroborated share is below this weigh nothing.
        own_factor: scales an identifier two accounts share when both have one of its kind to themselves.
        link_threshold: link strength at which two accounts count as one operator's.
        min_size: fewest accounts reported as a ring.
        burst_gap_ms: registrations from one device or IP this close in time form a burst.
        min_burst: fewest accounts in a burst that counts as a shared identifier.
    """

    def __init__(
        self,
        *,
        kind_weights: dict[str, float] | None = None,
        hub_degree: int = 50,
        max_degree: int = 1000,
        min_corroboration: float = 0.5,
        own_factor: float = 0.3,
        link_threshold: float = 0.5,
        min_size: int = 5,
        burst_gap_ms: int = 5 * 60_000,
        min_burst: int = 3,
    ):
        weights = {**DEFAULT_KIND_WEIGHTS, **(kind_weights or {})}
        unknown = set(weights) - set(KINDS)
        if unknown:
            raise ValueError(f"kind_weights: unknown kinds {sorted(unknown)}; use some of {KINDS}")
        if not all(0 < w < 1 for w in weights.values()):
            raise ValueError(f"kind_weights must be in (0, 1) exclusive, got {weights}")
        if not 2 <= hub_degree <= max_degree:
            raise ValueError(f"need 2 ≤ hub_degree ≤ max_degree, got {hub_degree} and {max_degree}")
        if not (0 <= min_corroboration <= 1 and 0 <= own_factor <= 1 and 0 < link_threshold < 1):
            raise ValueError("min_corroboration and own_factor must be in [0, 1], link_threshold in (0, 1)")
        if min_size < 2 or min_burst < 2 or burst_gap_ms < 0:
            raise ValueError("min_size and min_burst must be ≥ 2, burst_gap_ms ≥ 0")
        self.kind_weights = weights
        self.hub_degree = hub_degree
        self.max_degree = max_degree
        self.min_corroboration = min_corroboration
        self.own_factor = own_factor
        self.link_threshold = link_threshold
        self.min_size = min_size
        self.burst_gap_ms = burst_gap_ms
        self.min_burst = min_burst

    def detect(self, batch: Links | Iterable[Event] | Iterable[LinkRecord | tuple]) -> list[Finding]:
        """Rings in ``batch``, strongest first; each names its accounts and the identifiers they share."""
        links = as_links(batch)
        graph = self.link_graph(links)
        strong = graph.strength >= self.link_threshold
        a, b, strength = graph.pair_a[strong], graph.pair_b[strong], graph.strength[strong]
        component = components(links.n_accounts, a, b)
        rings = np.flatnonzero(np.bincount(component, minlength=links.n_accounts) >= self.min_size)
        findings = [
            self._finding(links, graph, accounts, a[edges], b[edges], strength[edges])
            for accounts, edges in zip(_group(component, rings), _group(component[a], rings), strict=True)
        ]
        findings.sort(key=lambda f: (-f.score, -f.size, f.members[0].id))
        return findings

    def link_graph(self, links: Links) -> LinkGraph:
        """Weights every identifier and the link strength of every pair of accounts that shares a weighted one."""
        n = links.n_accounts
        kind = links.identifier_kind.astype(np.int64)
        account, identifier = links.account, links.identifier
        bursts, burst_accounts, burst_sizes = self._bursts(links)
        if bursts:
            identifier = np.concatenate([identifier, len(kind) + np.repeat(np.arange(len(bursts)), burst_sizes)])
            account = np.concatenate([account, burst_accounts])
            kind = np.concatenate([kind, np.full(len(bursts), BURST)])
        by_identifier = sparse.csc_matrix(
            (np.ones(len(account), dtype=np.int8), (account, identifier)), shape=(n, len(kind))
        )
        by_identifier.sum_duplicates()
        by_identifier.data[:] = 1  # an account uses an identifier once, however often it was seen
        degree = np.diff(by_identifier.indptr)
        weight = np.array([self.kind_weights[k] for k in KINDS])[kind] * _idf(degree, self.max_degree)
        hub = (degree > self.hub_degree) & (weight > 0)
        expanded = np.flatnonzero((weight > 0) & ~hub)
        # own[k, account]: the account has an identifier of kind k nobody else uses.
        own = np.zeros((len(KINDS), n), dtype=bool)
        unshared = np.flatnonzero(degree == 1)
        own[kind[unshared], by_identifier.indices[by_identifier.indptr[unshared]]] = True
        by_clue = _strongest_per_clue(by_identifier, expanded, weight, kind, own, self.own_factor)
        a, b, strength = _combine_clues(*by_clue, n)
        corroboration = np.ones(len(kind))
        corroboration[hub] = self._corroboration(by_identifier, np.flatnonzero(hub), a, b, strength)
        weight[hub] *= corroboration[hub]
        weight[hub & (corroboration < self.min_corroboration)] = 0.0
        kept_hubs = np.flatnonzero(hub & (weight > 0))
        if len(kept_hubs):
            hub_clues = _strongest_per_clue(by_identifier, kept_hubs, weight, kind, own, self.own_factor)
            merged = _max_by_key(*(np.concatenate(parts) for parts in zip(by_clue, hub_clues, strict=True)))
            a, b, strength = _combine_clues(*merged, n)
        return LinkGraph(by_identifier.tocsr(), kind, degree, weight, corroboration, bursts, a, b, strength)

    def _corroboration(self, by_identifier, hubs, a, b, strength) -> np.ndarray:
        """Per hub, the share of its accounts linked via non-hub identifiers into a group of ≥ min_size of them."""
        strong = strength >= self.link_threshold
        component = components(by_identifier.shape[0], a[strong], b[strong])
        columns = by_identifier[:, hubs]
        hub_of_entry = np.repeat(np.arange(len(hubs)), np.diff(columns.indptr))
        _, group_of_entry, group_size = np.unique(
            hub_of_entry * len(component) + component[columns.indices], return_inverse=True, return_counts=True
        )
        corroborated = group_size[group_of_entry.reshape(-1)] >= self.min_size
        return np.bincount(hub_of_entry, weights=corroborated, minlength=len(hubs)) / np.diff(columns.indptr)

    def _bursts(self, links: Links) -> tuple[list[dict[str, Any]], np.ndarray, np.ndarray]:
        """Registration bursts per device or IP: runs with gaps ≤ ``burst_gap_ms`` and ≥ ``min_burst`` accounts.

        Returns the bursts (source, first and last registration), and for the
        links they add, the accounts burst by burst and the number per burst.
        """
        source = np.flatnonzero(links.registration & np.isin(links.identifier_kind[links.identifier], _SOURCE_KINDS))
        source = source[np.argsort(links.time_ms[source], kind="stable")]  # then by source: two stable sorts
        source = source[np.argsort(links.identifier[source], kind="stable")]
        identifier, time = links.identifier[source], links.time_ms[source]
        new_run = np.ones(len(source), dtype=bool)
        new_run[1:] = (identifier[1:] != identifier[:-1]) | (np.diff(time) > self.burst_gap_ms)
        run_start = np.flatnonzero(new_run)
        run_end = np.append(run_start[1:], len(source)) - 1
        run_account = np.sort((np.cumsum(new_run) - 1) * links.n_accounts + links.account[source])
        run_account = run_account[np.r_[True, run_account[1:] != run_account[:-1]]] if len(source) else run_account
        run_account = np.stack([run_account // links.n_accounts, run_account % links.n_accounts])
        accounts_per_run = np.bincount(run_account[0], minlength=len(run_start))
        big = np.flatnonzero(accounts_per_run >= self.min_burst)
        bursts = [
            {
                "source_kind": LINK_KINDS[links.identifier_kind[identifier[run_start[r]]]],
                "source": links.identifier_names[identifier[run_start[r]]],
                "start_ms": int(time[run_start[r]]),
                "end_ms": int(time[run_end[r]]),
            }
            for r in big.tolist()
        ]
        in_big = np.isin(run_account[0], big)
        return bursts, run_account[1][in_big], accounts_per_run[big]

    def _finding(self, links, graph, accounts, a, b, strength) -> Finding:
        """One ring: its accounts, the weighted identifiers ≥ 2 of them share, reasons, and the graph to draw."""
        names = links.account_names
        incidence = graph.members[accounts].tocoo()
        identifiers, counts = np.unique(incidence.col, return_counts=True)
        keep = (counts >= 2) & (graph.weight[identifiers] > 0)
        identifiers, counts = identifiers[keep], counts[keep]
        label = {i: self._identifier_name(links, graph, i) for i in identifiers.tolist()}
        by_kind: dict[str, list[dict[str, Any]]] = {}
        for i, count in zip(identifiers.tolist(), counts.tolist(), strict=True):
            entry = {
                "id": label[i],
                "members": count,
                "accounts_in_total": int(graph.degree[i]),
                "weight": round(float(graph.weight[i]), 6),
            }
            if i >= len(links.identifier_names):
                entry.update(graph.bursts[i - len(links.identifier_names)])
            by_kind.setdefault(KINDS[graph.identifier_kind[i]], []).append(entry)
        for entries in by_kind.values():
            entries.sort(key=lambda e: (-e["members"], -e["weight"], e["id"]))
        shared = {kind: by_kind[kind] for kind in KINDS if kind in by_kind}
        drawn = np.isin(incidence.col, identifiers)
        graph_links = sorted(
            (
                {"source": names[accounts[r]], "target": label[i], "kind": KINDS[graph.identifier_kind[i]]}
                for r, i in zip(incidence.row[drawn].tolist(), incidence.col[drawn].tolist(), strict=True)
            ),
            key=lambda link: (link["kind"], link["target"], link["source"]),
        )
        account_ids = sorted(names[x] for x in accounts.tolist())
        score = round(float(strength.mean()), 6)
        evidence = {
            "size": len(accounts),
            "strength": score,
            "links": len(strength),
            "density": round(2 * len(strength) / (len(accounts) * (len(accounts) - 1)), 6),
            "shared": shared,
            "spanning_links": _spanning_links(names, accounts, a, b, strength),
            "graph": {
                "nodes": [{"id": x, "kind": "account"} for x in account_ids]
                + [{"id": e["id"], "kind": kind, "members": e["members"]} for kind, es in shared.items() for e in es],
                "links": graph_links,
            },
        }
        identifier_members = tuple(
            Member(_MEMBER_KIND.get(kind, kind), e["id"]) for kind, es in shared.items() if kind != "burst" for e in es
        )
        accounts_members = tuple(Member("account", x) for x in account_ids)
        return Finding(
            "ring", "ring_member", accounts_members + identifier_members, score, self._reasons(shared), evidence
        )

    def _reasons(self, shared: dict[str, list[dict[str, Any]]]) -> tuple[Reason, ...]:
        """Up to two reasons per kind, weightiest kinds first, naming the identifiers most members share."""
        reasons = []
        for kind in sorted(shared, key=lambda k: -self.kind_weights[k]):
            for entry in shared[kind][:_REASONS_PER_KIND]:
                values: dict[str, Any] = {"n": entry["members"]}
                if kind == "burst":
                    minutes = max(1, math.ceil((entry["end_ms"] - entry["start_ms"]) / 60_000))
                    values.update(source_kind=entry["source_kind"], source=entry["source"], minutes=minutes)
                else:
                    values[kind] = entry["id"]
                reasons.append(Reason(_REASON_TEMPLATES[kind], values))
        return tuple(reasons)

    @staticmethod
    def _identifier_name(links: Links, graph: LinkGraph, i: int) -> str:
        if i < len(links.identifier_names):
            return links.identifier_names[i]
        burst = graph.bursts[i - len(links.identifier_names)]
        return f"{burst['source_kind']} {burst['source']} @{burst['start_ms']}"


def detect(batch: Links | Iterable[Event] | Iterable[LinkRecord | tuple], **params: Any) -> list[Finding]:
    """Rings in ``batch`` (links, events or link records); ``params`` go to :class:`RingDetector`."""
    return RingDetector(**params).detect(batch)


def as_links(batch: Links | Iterable[Event] | Iterable[LinkRecord | tuple]) -> Links:
    """``batch`` as :class:`Links`: as is, or built from events or from link records."""
    if isinstance(batch, Links):
        return batch
    items = list(batch)
    if items and isinstance(items[0], Event):
        return Links.from_events(items)
    return Links.from_records(items)


def idf(degree: int, max_degree: int) -> float:
    """``√(log(max_degree / degree) / log(max_degree / 2))``: 1 for two accounts, 0 from ``max_degree`` on.

    >>> [round(idf(d, 1000), 2) for d in (1, 2, 5, 50, 500, 1000, 5000)]
    [0.0, 1.0, 0.92, 0.69, 0.33, 0.0, 0.0]
    """
    return float(_idf(np.array([degree]), max_degree)[0])


def _idf(degree: np.ndarray, max_degree: int) -> np.ndarray:
    out = np.zeros(len(degree))
    shared = (degree >= 2) & (degree < max_degree)
    out[shared] = np.sqrt(np.log(max_degree / degree[shared]) / math.log(max_degree / 2))
    return out


def _strongest_per_clue(by_identifier, columns, weight, kind, own, own_factor) -> tuple[np.ndarray, np.ndarray]:
    """For account pairs ``a < b`` sharing identifiers in ``columns``: the strongest weight per (pair, clue).

    Enumerates the d(d-1)/2 pairs of each identifier and scales a weight by
    ``own_factor`` where both accounts have an identifier of its kind to
    themselves. Returns keys ``(a·n + b)·len(CLUES) + clue`` and weights.
    """
    n = by_identifier.shape[0]
    starts, ends = by_identifier.indptr[columns], by_identifier.indptr[columns + 1]
    degree = ends - starts
    position = np.repeat(starts - np.cumsum(degree) + degree, degree) + np.arange(int(degree.sum()))
    later = np.repeat(ends, degree) - position - 1  # partners after each position in its identifier
    first = np.repeat(position, later)
    second = first + 1 + np.arange(len(first)) - np.repeat(np.cumsum(later) - later, later)
    accounts = by_identifier.indices.astype(np.int64)
    first, second = accounts[first], accounts[second]
    column = np.repeat(np.repeat(columns, degree), later)
    kind_of = kind[column]
    value = np.where(own[kind_of, first] & own[kind_of, second], own_factor, 1.0) * weight[column]
    return _max_by_key((first * n + second) * len(CLUES) + _CLUE_CODE[kind_of], value)


def _max_by_key(key: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys, sorted, each with its largest value."""
    order = np.argsort(key)
    key, value = key[order], value[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
    return key[starts], np.maximum.reduceat(value, starts) if len(key) else value


def _combine_clues(key: np.ndarray, value: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``a < b`` and their strength ``1 - Π_clue (1 - w)`` from sorted (pair, clue) keys."""
    pair = key // len(CLUES)
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]]) if len(pair) else np.zeros(0, dtype=np.int64)
    strength = -np.expm1(np.add.reduceat(np.log1p(-value), starts)) if len(pair) else value
    pair = pair[starts]
    return pair // n, pair % n, strength


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected-component label of each of ``n`` nodes joined by the edges ``a[i]``–``b[i]``."""
    adjacency = sparse.coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    return connected_components(adjacency, directed=False)[1]


def _group(labels: np.ndarray, wanted: np.ndarray) -> list[np.ndarray]:
    """For each label in ``wanted``, the positions where ``labels`` has it (one sort, no scan per label)."""
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.stack([wanted, wanted + 1]))
    return [order[start:end] for start, end in zip(bounds[0].tolist(), bounds[1].tolist(), strict=True)]


def _spanning_links(names, accounts, a, b, strength) -> list[dict[str, Any]]:
    """The strongest links holding the ring together (a maximum spanning tree): why each account is in it."""
    local = np.searchsorted(accounts, np.stack([a, b]))
    n = len(accounts)
    cost = sparse.coo_matrix((np.maximum(1.0 - strength, 1e-12), (local[0], local[1])), shape=(n, n))
    tree = minimum_spanning_tree(cost.tocsr()).tocoo()
    pairs = sorted(
        (*sorted((names[accounts[i]], names[accounts[j]])), 1.0 - c)
        for i, j, c in zip(tree.row.tolist(), tree.col.tolist(), tree.data.tolist(), strict=True)
    )
    return [{"source": x, "target": y, "strength": round(s, 6)} for x, y, s in pairs]
