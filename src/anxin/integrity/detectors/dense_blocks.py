"""Dense blocks and lockstep (刷单团伙): many accounts acting on the same few shops, or at the same moments.

Problem: the 云创助手 gang ran 20 million fake orders for 5,000 shops from
batches of sock-puppet accounts. Each puppet's orders look ordinary; together
they form a block of the account × shop matrix far denser than honest
buying, even when each puppet also buys at popular shops to look normal
(camouflage). When the gang works to a schedule (a task is pushed, every
puppet buys within the hour) the block shows in account × (shop, hour) too:
*lockstep*. Honest activity has dense corners as well — heavy buyers at the
biggest shops, a flash sale that a thousand people join at 20:00, a hobby
community sharing a few niche shops — so density alone is not a finding.

Approach (issue 7):

1. **Graph.** Orders, payments and reviews (:data:`ACTION_TYPES`) link the
   account to the shop (or item): one edge per pair, however many events. For
   lockstep, the columns are (target, time window) cells on two grids offset
   by half a window, so a burst straddling a boundary still shares a cell.
2. **Peel.** :func:`anxin.integrity.detectors.peeling.densest_block` with the
   camouflage-resistant ``1 / log(degree + 5)`` column weights; then the
   block's edges are removed and the next block is peeled, up to
   ``max_blocks`` times (stopping after ``patience`` blocks in a row that are
   not findings).
3. **Is the block surprising?** Its *lift* is its edge count over what the
   members' overall activity predicts if accounts chose targets independently
   of each other: ``Σ deg(rows) · Σ deg(cols) / E``. Heavy buyers at popular
   shops are dense because both are busy — lift near 1; a gang's puppets
   concentrate on shops nobody else links them to — lift in the hundreds. A
   block is a finding when it has ≥ ``min_accounts`` accounts, ≥
   ``min_targets`` targets (lockstep: ≥ ``min_occasions`` separate moments;
   one flash sale is one moment), ``fill ≥ min_fill`` and ``lift ≥ min_lift``.
   Before that the block is trimmed, twice over: a target (account) stays
   when it links to ≥ ``min_member_share`` of the block's accounts (targets)
   and to ≥ ``min_member_lift`` times as many as its own activity predicts —
   popular shops reached by camouflage and honest passers-by at one of the
   gang's shops leave.
4. **Score** ``(1 − 1/lift) · (0.5 + 0.5 · fill)``: how far from chance, how
   complete the block is.

Cost: as :mod:`~anxin.integrity.detectors.peeling`, times the number of
blocks peeled; ``anxin bench dense-blocks`` measures it.

>>> shops = [f"s{k}" for k in range(6)]
>>> records = [(f"gang{i}", s, 0) for i in range(8) for s in shops]            # 8 puppets × 6 small shops
>>> records += [(f"user{i}", f"big{i % 5}", 0) for i in range(400)]            # honest buyers elsewhere
>>> records += [(f"user{i}", f"big{(i + 1) % 5}", 0) for i in range(400)]
>>> [block] = detect(records, min_lift=5)
>>> block.kind, block.label, len(block.member_ids()), block.member_ids("shop")
('dense_block', 'dense_block', 8, ['s0', 's1', 's2', 's3', 's4', 's5'])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from anxin.integrity.detectors.finding import Finding, Member, Reason
from anxin.integrity.detectors.peeling import BipartiteGraph, Block, densest_block
from anxin.integrity.events.schema import Event
from anxin.text import N_

ACTION_TYPES = ("order_placed", "order_paid", "review")
"""Events that tie an account to a target (shop or item)."""

_SHOWN = 50  # members listed in a finding's evidence


class Action(NamedTuple):
    """One account acting on one target at one time (ms)."""

    account: str
    target: str
    time_ms: int


@dataclass(frozen=True)
class Actions:
    """Actions as index arrays: ``account[k]`` acted on ``target[k]`` at ``time_ms[k]``."""

    account: np.ndarray
    target: np.ndarray
    time_ms: np.ndarray
    account_ids: Sequence[str]
    target_ids: Sequence[str]
    target_kind: str = "shop"

    @classmethod
    def from_records(cls, records: Iterable[Action | tuple], target_kind: str = "shop") -> Actions:
        accounts: dict[str, int] = {}
        targets: dict[str, int] = {}
        a, t, ms = [], [], []
        for account, target, time_ms in records:
            a.append(accounts.setdefault(account, len(accounts)))
            t.append(targets.setdefault(target, len(targets)))
            ms.append(int(time_ms))
        return cls(
            np.array(a, dtype=np.int64),
            np.array(t, dtype=np.int64),
            np.array(ms, dtype=np.int64),
            list(accounts),
            list(targets),
            target_kind,
        )

    @classmethod
    def from_events(cls, events: Iterable[Event], target_kind: str = "shop") -> Actions:
        """Orders, payments and reviews that name a ``target_kind`` (``shop`` or ``item``)."""
        return cls.from_records(
            (
                (e.actor, e.attrs[target_kind], e.time_ms)
                for e in events
                if e.type in ACTION_TYPES and e.attrs.get(target_kind) is not None
            ),
            target_kind,
        )


@dataclass(frozen=True)
class ScoredBlock:
    """A peeled block with the figures that decide whether it is a finding."""

    block: Block
    edges: int
    fill: float
    lift: float
    score: float


@dataclass(frozen=True)
class DenseBlockDetector:
    """Peels account × target blocks and keeps the surprising ones (see the module docstring)."""

    weighting: str = "log"
    max_blocks: int = 10
    patience: int = 3
    min_accounts: int = 5
    min_targets: int = 5
    min_links_per_account: float = 3.0
    min_fill: float = 0.2
    min_lift: float = 5.0
    min_member_share: float = 0.2
    min_member_lift: float = 3.0

    def blocks(self, graph: BipartiteGraph, min_columns: int | None = None) -> list[ScoredBlock]:
        """The blocks that pass, densest first; ``min_columns`` overrides ``min_targets``."""
        row_degree = graph.row_degrees().astype(np.float64)
        col_degree = graph.column_degrees().astype(np.float64)
        total = max(graph.edges, 1)
        found, misses = [], 0
        for _ in range(self.max_blocks):
            if graph.edges == 0 or misses >= self.patience:
                break
            block = densest_block(graph, self.weighting)
            if block.edges == 0:
                break
            inside = graph.inside(block.rows, block.cols)
            per_col = np.bincount(graph.row_idx[inside], minlength=graph.n_cols)[block.cols]
            expected_col = row_degree[block.rows].sum() * col_degree[block.cols] / total
            surprising = per_col >= self.min_member_lift * expected_col
            # Dense here only because popular: the column leaves the graph, so honest cores drain quickly.
            removed = graph.touching(block.cols[per_col <= expected_col])
            passing = []
            for part_rows, part_cols in _components(graph, block.rows, block.cols[surprising], self.min_member_share):
                removed |= graph.inside(part_rows, part_cols)
                scored = self._score(graph, block, part_rows, part_cols, row_degree, col_degree, total)
                if self._passes(scored, min_columns):
                    passing.append(scored)
            found.extend(passing)
            misses = 0 if passing else misses + 1
            graph = graph.without(removed)
        return found

    def _score(self, graph, block, rows, cols, row_degree, col_degree, total) -> ScoredBlock:
        # Peeling sheds a gang's least active puppets (their degree is below the block's density); every
        # account linked to the part's targets is a candidate again, and trimming decides.
        rows = np.union1d(rows, graph.edge_row[graph.touching(cols)])
        rows, cols = self._trim(graph, rows, cols, row_degree, col_degree, total)
        edges = int(graph.inside(rows, cols).sum())
        expected = row_degree[rows].sum() * col_degree[cols].sum() / total
        lift = edges / expected if expected > 0 else float("inf")
        fill = edges / max(len(rows) * len(cols), 1)
        score = (1 - 1 / lift) * (0.5 + 0.5 * fill) if lift > 1 else 0.0
        return ScoredBlock(Block(rows, cols, block.density, edges), edges, fill, lift, score)

    def _trim(self, graph, rows, cols, row_degree, col_degree, total) -> tuple[np.ndarray, np.ndarray]:
        """Drops the block's passers-by: members with too small a share of the block or no excess in it.

        A popular shop that the puppets' camouflage reaches is in the peeled
        block (its many edges from them add density) but gets no more of
        their edges than its popularity predicts; an honest account that
        bought at one of the gang's shops touches few of them.
        """
        for _ in range(2):
            inside = graph.inside(rows, cols)
            per_row = np.bincount(graph.edge_row[inside], minlength=graph.n_rows)[rows]
            expected_row = row_degree[rows] * col_degree[cols].sum() / total
            enough = per_row >= max(2.0, self.min_member_share * len(cols))
            rows = rows[enough & (per_row >= self.min_member_lift * expected_row)]
            inside = graph.inside(rows, cols)
            per_col = np.bincount(graph.row_idx[inside], minlength=graph.n_cols)[cols]
            expected_col = row_degree[rows].sum() * col_degree[cols] / total
            cols = cols[
                (per_col >= self.min_member_share * len(rows)) & (per_col >= self.min_member_lift * expected_col)
            ]
            if len(rows) == 0 or len(cols) == 0:
                break
        return rows, cols

    def _passes(self, scored: ScoredBlock, min_columns: int | None) -> bool:
        return (
            len(scored.block.rows) >= self.min_accounts
            and len(scored.block.cols) >= (self.min_targets if min_columns is None else min_columns)
            and scored.edges >= self.min_links_per_account * len(scored.block.rows)
            and scored.fill >= self.min_fill
            and scored.lift >= self.min_lift
        )

    def detect(self, batch: Actions | Iterable[Event] | Iterable[Action | tuple]) -> list[Finding]:
        """Dense account × target blocks in ``batch``, strongest first."""
        actions = as_actions(batch)
        graph = BipartiteGraph.from_edges(
            actions.account, actions.target, len(actions.account_ids), len(actions.target_ids)
        )
        findings = [self._finding(actions, s) for s in self.blocks(graph)]
        findings.sort(key=lambda f: (-f.score, -f.size))
        return findings

    def _finding(self, actions: Actions, s: ScoredBlock) -> Finding:
        accounts = [actions.account_ids[r] for r in s.block.rows]
        targets = [actions.target_ids[c] for c in s.block.cols]
        in_rows = np.zeros(len(actions.account_ids), dtype=bool)
        in_rows[s.block.rows] = True
        in_cols = np.zeros(len(actions.target_ids), dtype=bool)
        in_cols[s.block.cols] = True
        inside = in_rows[actions.account] & in_cols[actions.target]
        times = actions.time_ms[inside]
        template = (
            N_("{accounts} accounts all bought or reviewed at the same {targets} shops ({fill}% of the pairs)")
            if actions.target_kind == "shop"
            else N_("{accounts} accounts all bought or reviewed the same {targets} items ({fill}% of the pairs)")
        )
        reasons = (
            Reason(template, {"accounts": len(accounts), "targets": len(targets), "fill": round(100 * s.fill)}),
            Reason(
                N_("{edges} links inside the block, {lift}× what these accounts' overall activity predicts"),
                {"edges": s.edges, "lift": _round_lift(s.lift)},
            ),
        )
        evidence = {
            "accounts": len(accounts),
            "targets": targets[:_SHOWN],
            "target_kind": actions.target_kind,
            "edges": s.edges,
            "fill": round(s.fill, 3),
            "lift": _round_lift(s.lift),
            "density": round(s.block.density, 3),
            "first_ms": int(times.min()) if len(times) else None,
            "last_ms": int(times.max()) if len(times) else None,
            "graph": _graph(actions, inside),
        }
        members = tuple(Member("account", a) for a in accounts) + tuple(Member(actions.target_kind, t) for t in targets)
        return Finding("dense_block", "dense_block", members, round(float(s.score), 4), reasons, evidence)


@dataclass(frozen=True)
class LockstepDetector:
    """Accounts acting on the same targets within the same ``window_ms`` on ≥ ``min_occasions`` occasions."""

    window_ms: int = 3_600_000
    min_occasions: int = 3
    # Each action falls in two cells (the two grids): a member must share at least two moments.
    blocks: DenseBlockDetector = DenseBlockDetector(min_targets=0, min_member_share=0.4)

    def detect(self, batch: Actions | Iterable[Event] | Iterable[Action | tuple]) -> list[Finding]:
        """Lockstep groups in ``batch``, strongest first."""
        actions = as_actions(batch)
        half = self.window_ms // 2
        cells = np.concatenate(
            [actions.time_ms // self.window_ms * 2, (actions.time_ms + half) // self.window_ms * 2 + 1]
        )
        targets = np.concatenate([actions.target, actions.target])
        cell_keys, column = np.unique(targets * (cells.max() + 1 if len(cells) else 1) + cells, return_inverse=True)
        rows = np.concatenate([actions.account, actions.account])
        graph = BipartiteGraph.from_edges(rows, column, len(actions.account_ids), len(cell_keys))
        span = cells.max() + 1 if len(cells) else 1
        cell_target, cell_code = cell_keys // span, cell_keys % span
        cell_start = (cell_code // 2) * self.window_ms - (cell_code % 2) * half
        findings = []
        for scored in self.blocks.blocks(graph, min_columns=2):
            occasions = _occasions(cell_target[scored.block.cols], cell_start[scored.block.cols], self.window_ms)
            if len(occasions) >= self.min_occasions:
                findings.append(self._finding(actions, scored, occasions))
        findings.sort(key=lambda f: (-f.score, -f.size))
        return findings

    def _finding(self, actions: Actions, s: ScoredBlock, occasions: list[tuple[int, int, int]]) -> Finding:
        accounts = [actions.account_ids[r] for r in s.block.rows]
        targets = sorted({actions.target_ids[t] for t, _, _ in occasions})
        minutes = self.window_ms // 60_000
        reasons = (
            Reason(
                N_("{accounts} accounts acted on the same targets within {minutes} minutes, on {occasions} occasions"),
                {"accounts": len(accounts), "minutes": minutes, "occasions": len(occasions)},
            ),
            Reason(
                N_("{edges} links inside the block, {lift}× what these accounts' overall activity predicts"),
                {"edges": s.edges, "lift": _round_lift(s.lift)},
            ),
        )
        evidence = {
            "accounts": len(accounts),
            "window_minutes": minutes,
            "occasions": [
                {"target": actions.target_ids[t], "start_ms": int(start), "end_ms": int(end)}
                for t, start, end in occasions[:_SHOWN]
            ],
            "target_kind": actions.target_kind,
            "edges": s.edges,
            "fill": round(s.fill, 3),
            "lift": _round_lift(s.lift),
            "graph": _graph(actions, _during(actions, s.block.rows, occasions)),
        }
        members = tuple(Member("account", a) for a in accounts) + tuple(Member(actions.target_kind, t) for t in targets)
        return Finding("lockstep", "lockstep", members, round(float(s.score), 4), reasons, evidence)


def _components(
    graph: BipartiteGraph, rows: np.ndarray, cols: np.ndarray, share: float
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The block ``rows × cols`` split into gangs: camouflage edges that reach another gang's shop do not glue.

    Two targets belong together when ≥ ``share`` of the accounts of the
    smaller one also link to the other (inside one gang about the fill, across
    two gangs almost none); the groups are the components of that relation,
    and each account goes with the group it has most links into.
    """
    if len(rows) == 0 or len(cols) == 0:
        return []
    inside = graph.inside(rows, cols)
    r = np.searchsorted(rows, graph.edge_row[inside])
    c = np.searchsorted(cols, graph.row_idx[inside])
    incidence = sparse.csr_matrix((np.ones(len(r), dtype=np.int32), (r, c)), shape=(len(rows), len(cols)))
    shared = (incidence.T @ incidence).tocoo()
    degree = np.asarray(incidence.sum(axis=0)).ravel()
    linked = shared.data >= share * np.minimum(degree[shared.row], degree[shared.col])
    together = sparse.coo_matrix((shared.data[linked], (shared.row[linked], shared.col[linked])), shape=shared.shape)
    count, group = connected_components(together, directed=False)
    links_into = (incidence @ sparse.csr_matrix((np.ones(len(cols)), (np.arange(len(cols)), group)))).toarray()
    row_group = np.where(links_into.max(axis=1) > 0, links_into.argmax(axis=1), -1)
    return [(rows[row_group == k], cols[group == k]) for k in range(count) if (row_group == k).any()]


def _during(actions: Actions, rows: np.ndarray, occasions: list[tuple[int, int, int]]) -> np.ndarray:
    """Mask over the actions of ``rows`` on an occasion's target within its time span."""
    in_rows = np.zeros(len(actions.account_ids), dtype=bool)
    in_rows[rows] = True
    mask = np.zeros(len(actions.account), dtype=bool)
    for target, start, end in occasions:
        mask |= (actions.target == target) & (actions.time_ms >= start) & (actions.time_ms < end)
    return mask & in_rows[actions.account]


def _graph(actions: Actions, mask: np.ndarray, max_accounts: int = 150) -> dict[str, list[dict[str, Any]]]:
    """The block as the risk console's force graph: accounts, targets and the links among them (capped)."""
    pairs = np.unique(np.stack([actions.account[mask], actions.target[mask]], axis=1), axis=0)
    shown = np.unique(pairs[:, 0])[:max_accounts]
    pairs = pairs[np.isin(pairs[:, 0], shown)]
    nodes = [{"id": actions.account_ids[a], "kind": "account"} for a in shown]
    counts = np.bincount(pairs[:, 1], minlength=len(actions.target_ids))
    nodes += [
        {"id": actions.target_ids[t], "kind": actions.target_kind, "members": int(counts[t])}
        for t in np.unique(pairs[:, 1])
    ]
    links = [
        {"source": actions.account_ids[a], "target": actions.target_ids[t], "kind": actions.target_kind}
        for a, t in pairs.tolist()
    ]
    return {"nodes": nodes, "links": links}


def _occasions(targets: np.ndarray, starts: np.ndarray, window_ms: int) -> list[tuple[int, int, int]]:
    """Distinct (target, start, end) moments: a target's overlapping cells (the two grids) merged into one."""
    out: list[tuple[int, int, int]] = []
    for k in np.lexsort((starts, targets)):
        target, start = int(targets[k]), int(starts[k])
        if out and out[-1][0] == target and start < out[-1][2]:
            out[-1] = (target, out[-1][1], max(out[-1][2], start + window_ms))
        else:
            out.append((target, start, start + window_ms))
    return out


def _round_lift(lift: float) -> float:
    return round(lift, 1) if np.isfinite(lift) else 1e9


def as_actions(batch: Actions | Iterable[Event] | Iterable[Action | tuple], target_kind: str = "shop") -> Actions:
    """``batch`` as :class:`Actions`: as is, or built from events or from ``(account, target, time_ms)`` records."""
    if isinstance(batch, Actions):
        return batch
    items = list(batch)
    if items and isinstance(items[0], Event):
        return Actions.from_events(items, target_kind)
    return Actions.from_records(items, target_kind)


def detect(batch: Actions | Iterable[Event] | Iterable[Action | tuple], **params: Any) -> list[Finding]:
    """Dense blocks in ``batch``; ``params`` go to :class:`DenseBlockDetector`."""
    return DenseBlockDetector(**params).detect(batch)


def detect_lockstep(batch: Actions | Iterable[Event] | Iterable[Action | tuple], **params: Any) -> list[Finding]:
    """Lockstep groups in ``batch``; ``params`` go to :class:`LockstepDetector`."""
    return LockstepDetector(**params).detect(batch)
