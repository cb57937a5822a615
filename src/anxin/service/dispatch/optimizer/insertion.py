"""Cheapest feasible insertion: the fast path of live dispatch and of plan repair.

Problem: given technicians' ordered routes, find the position of one more job
that adds the fewest road km without breaking any hard rule (skills, pin,
window, deadline, capacity, shift) and without moving visits already under
way. The classic insertion heuristic (Solomon 1987, "I1"), used here on a
running plan rather than to build one.

Cost: O(T · n²) float operations for T technicians with n remaining visits
each; 25 × 10² is a few milliseconds in Python.

>>> from .problem import Job, Problem, Technician
>>> from .travel import EuclideanTravel
>>> p = Problem([Job("a", (10, 0), window=(0, 100)), Job("b", (5, 0), window=(0, 100))],
...             [Technician("t", (0, 0), shift=(0, 200))], EuclideanTravel())
>>> best_insertion(p, {"t": ["a"]}, p.jobs[1], {})   # on the way out: adds 0 km
(0.0, 't', 0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .plan import EPS, Plan
from .problem import Job, Problem, Technician

ON_CALL_KM = 1e6
"""Added to the cost of giving an on-call technician a job without a deadline (any real detour is less)."""


def route_feasible(problem: Problem, tech: Technician, seq: Sequence[str]) -> bool:
    """The same rules as ``plan.timed_route`` without building visits (hot loop of insertion)."""
    mins = problem.minutes
    at = problem.node_of_start(tech.id)
    t = tech.start
    load = 0
    for jid in seq:
        job = problem.jobs[problem.job_index[jid]]
        node = problem.job_index[jid]
        start = max(max(t, job.release) + mins[at, node], job.window[0])
        if start > problem.latest_start(job) + EPS:
            return False
        load += job.load
        if load > tech.capacity:
            return False
        t, at = start + job.duration, node
    if not seq:
        return True
    return t + mins[at, problem.node_of_home(tech.id)] <= tech.shift[1] + EPS


def _added_km(problem: Problem, tech: Technician, seq: Sequence[str], pos: int, job_id: str) -> float:
    km = problem.km
    before = problem.node_of_start(tech.id) if pos == 0 else problem.job_index[seq[pos - 1]]
    j = problem.job_index[job_id]
    if pos == len(seq):
        after = problem.node_of_home(tech.id)
        if not seq:  # an idle technician also drives home afterwards
            return float(km[before, j] + km[j, after])
    else:
        after = problem.job_index[seq[pos]]
    return float(km[before, j] + km[j, after] - km[before, after])


def best_insertion(
    problem: Problem,
    sequences: Mapping[str, list[str]],
    job: Job,
    locked: Mapping[str, int],
    only: Technician | None = None,
) -> tuple[float, str, int] | None:
    """Cheapest feasible ``(added_km, technician_id, position)`` for ``job``, or None."""
    best: tuple[float, str, int] | None = None
    for tech in problem.technicians if only is None else (only,):
        if not problem.allowed(tech, job):
            continue
        seq = sequences.get(tech.id, [])
        if sum(problem.job(j).load for j in seq) + job.load > tech.capacity:
            continue
        # On-call technicians take jobs without a deadline only when nobody else can.
        reserve = ON_CALL_KM if tech.on_call and job.deadline is None else 0.0
        reserve += problem.credit_surcharge_km(tech)
        for pos in range(locked.get(tech.id, 0), len(seq) + 1):
            cost = _added_km(problem, tech, seq, pos, job.id) + reserve
            if best is not None and cost >= best[0]:
                continue
            if route_feasible(problem, tech, [*seq[:pos], job.id, *seq[pos:]]):
                best = (cost, tech.id, pos)
    return best


def locked_prefix(problem: Problem, plan: Plan, now: float | None) -> dict[str, int]:
    """Per technician, how many leading visits are already under way at ``now`` and must not move.

    Technicians leave for a visit just in time (``start - minutes``) and wait
    where they are until then, so a visit is under way once that moment has
    passed; until then the technician is free to be sent elsewhere.
    """
    if now is None:
        return {}
    out = {}
    for route in plan.routes:
        n = 0
        for v in route.visits:
            if v.start - v.minutes <= now + EPS:
                n += 1
            else:
                break
        out[route.technician_id] = n
    return out


def repair_route(problem: Problem, tech: Technician, seq: Sequence[str]) -> tuple[list[str], list[str]]:
    """Keep the longest feasible subsequence greedily in order; return ``(kept, dropped)``."""
    kept: list[str] = []
    dropped: list[str] = []
    for jid in seq:
        if route_feasible(problem, tech, [*kept, jid]):
            kept.append(jid)
        else:
            dropped.append(jid)
    return kept, dropped
