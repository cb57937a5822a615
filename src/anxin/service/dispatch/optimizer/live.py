"""Live dispatch: put a new (urgent) job into a running plan in milliseconds.

Problem: a ticket arrives at 14:05 with the 30-minute promise while the day's
plan is already being driven. Re-solving the whole day is too slow and would
reshuffle every technician, so we do what the dispatcher would do, but over
every option: try the job at every position of every allowed technician's
remaining route (visits already started or being driven to stay as they are),
keep the cheapest feasible one by added km; if none exists and the job
outranks a not-yet-started job, bump that one (then try to re-place it
elsewhere). Pins are respected because ``Problem.allowed`` enforces them.

Cost: O(T · n²) float operations for T technicians with n remaining visits
each (25 × 10² here: a few milliseconds), plus one travel-matrix refresh.

>>> from .problem import Job, Problem, Technician
>>> from .travel import EuclideanTravel
>>> from .plan import build_plan
>>> p = Problem([Job("a", (10, 0), window=(0, 100), duration=5)],
...             [Technician("t", (0, 0), shift=(0, 200)), Technician("u", (0, 50), shift=(0, 200))],
...             EuclideanTravel())
>>> plan = build_plan(p, {"t": ["a"]})
>>> new = Job("urgent", (5, 1), window=(20, 120), deadline=50, priority=3, release=20)
>>> after = insert(p, plan, new, now=20)   # t is already past job a, so the new job goes after it
>>> after.sequences()["t"], after.visit("urgent").start <= 50
(['a', 'urgent'], True)
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from .plan import EPS, Plan, build_plan
from .problem import Job, Problem, Technician
from .screening import screen


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
        for pos in range(locked.get(tech.id, 0), len(seq) + 1):
            cost = _added_km(problem, tech, seq, pos, job.id)
            if best is not None and cost >= best[0]:
                continue
            if route_feasible(problem, tech, [*seq[:pos], job.id, *seq[pos:]]):
                best = (cost, tech.id, pos)
    return best


def locked_prefix(problem: Problem, plan: Plan, now: float | None) -> dict[str, int]:
    """Per technician, how many leading visits are already under way at ``now`` and must not move."""
    if now is None:
        return {}
    out = {}
    for route in plan.routes:
        tech_start = problem.technician(route.technician_id).start
        n = 0
        for i in range(len(route.visits)):
            left_previous = route.visits[i - 1].end if i else tech_start
            if left_previous <= now + EPS:
                n = i + 1
            else:
                break
        out[route.technician_id] = n
    return out


def insert(problem: Problem, plan: Plan, job: Job, *, now: float | None = None) -> Plan:
    """Return a plan for ``problem.with_job(job)`` that keeps ``plan`` and adds ``job``.

    Args:
        problem: the problem ``plan`` was made for (technicians may carry
            updated positions through ``Problem.with_technicians``).
        plan: the running plan.
        job: the new job; its id must be new.
        now: current minute; visits whose drive has begun are left in place.
            None means nothing has started yet.

    Raises:
        ValueError: when ``job.id`` is already in the problem.
    """
    t0 = time.perf_counter()
    if job.id in problem.job_index:
        raise ValueError(f"job {job.id} is already in the problem; use a new id or re-solve")
    p2 = problem.with_job(job)
    seqs = {t: list(s) for t, s in plan.sequences().items()}
    unassigned = {u.job_id: u.reason for u in plan.unassigned}
    locked = locked_prefix(p2, plan, now)
    found = best_insertion(p2, seqs, job, locked)
    if found is not None:
        _, tid, pos = found
        seqs[tid].insert(pos, job.id)
    elif not _insert_by_bumping(p2, seqs, job, locked, unassigned):
        unassigned[job.id] = screen(p2, job) or (
            "no allowed technician can fit it without breaking a promise to another customer; offer a later window"
        )
    stats = {"insert_ms": (time.perf_counter() - t0) * 1000.0}
    return build_plan(p2, seqs, unassigned, stats)


def _insert_by_bumping(
    problem: Problem,
    seqs: dict[str, list[str]],
    job: Job,
    locked: Mapping[str, int],
    unassigned: dict[str, str],
) -> bool:
    """Bump one lower-priority, unpinned, not-started job to make room; re-place it if possible."""
    best: tuple[float, str, int, str] | None = None
    for tech in problem.technicians:
        if not problem.allowed(tech, job):
            continue
        seq = seqs.get(tech.id, [])
        for k in range(locked.get(tech.id, 0), len(seq)):
            victim = problem.job(seq[k])
            if victim.priority >= job.priority or victim.pinned is not None:
                continue
            rest = seq[:k] + seq[k + 1 :]
            trial = {tech.id: rest}
            found = best_insertion(problem, trial, job, locked, only=tech)
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], tech.id, found[2], victim.id)
    if best is None:
        return False
    _, tid, pos, victim_id = best
    seqs[tid].remove(victim_id)
    seqs[tid].insert(pos, job.id)
    victim = problem.job(victim_id)
    again = best_insertion(problem, seqs, victim, locked)
    if again is not None:
        seqs[again[1]].insert(again[2], victim_id)
    else:
        unassigned[victim_id] = (
            f"bumped by higher-priority job {job.id}; no other allowed technician can fit it in its window"
        )
    return True
