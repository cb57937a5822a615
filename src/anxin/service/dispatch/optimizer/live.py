"""Live dispatch: a new (urgent) job into a running plan, and re-planning the rest of the day.

Problem: a ticket arrives at 14:05 with the 30-minute promise while the day's
plan is being driven. Visits already started, or being driven to, stay as
they are (:func:`~.insertion.locked_prefix`). :func:`insert` first tries the
cheapest feasible insertion (milliseconds). When the job fits nowhere as the
routes stand, it makes the dispatcher's phone call over every option
(:func:`_clear_the_way`): send one technician straight there after their
current visit and hand the rest of their day to whoever fits best, bumping
only lower-priority, unpinned jobs when nothing else works. Otherwise it
re-plans the rest of the day with the solver for a fraction of a second
(:func:`replan`): technicians start from where
they will be free, every promise already made stays a hard window, and the
new job's higher priority (a larger prize) lets the solver move or, as a
last resort, drop lower-priority jobs. Pins hold throughout because
``Problem.allowed`` enforces them.

Order (measured on the dispatch-day benchmark over five seeds): a clearing
move that drops nothing is taken at once; the re-plan comes next; a clearing
move that bumps a job is the last resort. Re-planning first was slower (p95
218 vs 162 ms) and kept fewer 30-minute promises (61 % vs 66 %).

Cost: insertion O(T · n²); clearing O(T² · n³) in the worst case, a few
milliseconds at 25 × 8; a re-plan is the solver's ``time_limit`` plus
O(P · N²) to build its model.

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

import itertools
import time
from dataclasses import replace

from .insertion import best_insertion, locked_prefix, repair_route, route_feasible
from .plan import EPS, Plan, Route, build_plan
from .problem import Job, Problem, Technician
from .screening import screen
from .solve import solve


def insert(
    problem: Problem,
    plan: Plan,
    job: Job,
    *,
    now: float | None = None,
    time_limit: float = 0.1,
    seed: int = 0,
) -> Plan:
    """Return a plan for ``problem.with_job(job)`` that keeps ``plan`` and adds ``job``.

    Args:
        problem: the problem ``plan`` was made for.
        plan: the running plan.
        job: the new job; its id must be new.
        now: current minute; visits whose drive has begun stay put. None
            means nothing has started yet.
        time_limit: seconds for the re-plan fallback; 0 disables it
            (insertion only).
        seed: randomness of the re-plan.

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

    def done(sequences: dict[str, list[str]], left: dict[str, str], how: str) -> Plan:
        return build_plan(p2, sequences, left, {"insert_ms": (time.perf_counter() - t0) * 1000.0, how: 1.0})

    found = best_insertion(p2, seqs, job, locked)
    if found is not None:
        seqs.setdefault(found[1], []).insert(found[2], job.id)
        return done(seqs, unassigned, "insertion")
    reason = screen(p2, job)
    if reason is not None:
        return done(seqs, {**unassigned, job.id: reason}, "unassigned")
    cleared = _clear_the_way(p2, seqs, job, locked)
    if cleared is not None and not cleared[1]:
        return done(cleared[0], unassigned, "cleared")
    if time_limit > 0:
        staged = build_plan(p2, seqs, {**unassigned, job.id: "not placed"})
        new = replan(p2, staged, now=now, time_limit=time_limit, seed=seed)
        if job.id in new.assignment:
            return replace(new, stats={"insert_ms": (time.perf_counter() - t0) * 1000.0, "replan": 1.0})
    if cleared is not None:
        bumped = {
            j: f"bumped by urgent job {job.id}; no other allowed technician can fit it in its window"
            for j in cleared[1]
        }
        return done(cleared[0], {**unassigned, **bumped}, "cleared")
    why = (
        "no allowed technician can reach it in time without breaking a promise to another customer; "
        "offer a later window"
    )
    return done(seqs, {**unassigned, job.id: why}, "unassigned")


def _worth(job: Job) -> int:
    """The solver's weighing of a job (its prize up to a common factor): 10× per priority level and for a pin."""
    return 10 ** (job.priority - 1 + (job.pinned is not None))


def _clear_the_way(
    problem: Problem, seqs: dict[str, list[str]], job: Job, locked: dict[str, int]
) -> tuple[dict[str, list[str]], list[str]] | None:
    """Send a technician straight to ``job`` after their current visit, and re-place the rest of their day.

    The ejection-chain move a dispatcher makes by phone ("finish there, go to the emergency, we give your
    afternoon to others"): for each allowed technician who can make it, put ``job`` right after the
    visits under way, then re-insert their later jobs, most important first, wherever they fit best
    (including back on their own route). Returns the option that loses the least worth, then adds the
    fewest km, provided it loses less than ``job`` is worth and drops no pinned job; None otherwise.
    O(T · n · T · n²).
    """
    best: tuple[tuple[int, float], dict[str, list[str]], list[str]] | None = None
    for tech in problem.technicians:
        if not problem.allowed(tech, job):
            continue
        seq = seqs.get(tech.id, [])
        k = locked.get(tech.id, 0)
        head = [*seq[:k], job.id]
        if not route_feasible(problem, tech, head):
            continue
        trial = {t: list(s) for t, s in seqs.items()}
        trial[tech.id] = head
        dropped: list[str] = []
        tail = sorted(seq[k:], key=lambda j: (-_worth(problem.job(j)), problem.job(j).window[0]))
        for jid in tail:
            found = best_insertion(problem, trial, problem.job(jid), locked)
            if found is None:
                dropped.append(jid)
            else:
                trial.setdefault(found[1], []).insert(found[2], jid)
        if any(problem.job(j).pinned is not None for j in dropped):
            continue  # a dispatcher's pin is never undone by an automatic move
        lost = sum(_worth(problem.job(j)) for j in dropped)
        if lost >= _worth(job):
            continue
        km = sum(_route_km(problem, t, s) for t, s in trial.items())
        if best is None or (lost, km) < best[0]:
            best = ((lost, km), trial, dropped)
    return None if best is None else (best[1], best[2])


def _route_km(problem: Problem, tech_id: str, seq: list[str]) -> float:
    if not seq:
        return 0.0
    nodes = [problem.node_of_start(tech_id), *(problem.job_index[j] for j in seq), problem.node_of_home(tech_id)]
    return float(sum(problem.km[a, b] for a, b in itertools.pairwise(nodes)))


def replan(problem: Problem, plan: Plan, *, now: float | None, time_limit: float = 1.0, seed: int = 0) -> Plan:
    """Re-optimise everything not yet under way, warm-started from ``plan``.

    Technicians restart from the last visit they are committed to (or where
    they are) at the later of its end and ``now``, with the capacity they have
    left. Each remaining job keeps the latest start the full problem promises
    (window end or reachable SLA deadline) as a hard window, so a re-plan
    never trades away a promise. Unassigned jobs whose window is still open
    get another chance.
    """
    locked = locked_prefix(problem, plan, now)
    sequences = plan.sequences()
    fixed: dict[str, list[str]] = {}
    techs: list[Technician] = []
    for tech in problem.technicians:
        seq = sequences.get(tech.id, [])
        head = seq[: locked.get(tech.id, 0)]
        fixed[tech.id] = head
        if head:
            v = plan.visit(head[-1])
            position, free = problem.job(head[-1]).location, v.end
        else:
            position, free = tech.position, tech.start
        used = sum(problem.job(j).load for j in head)
        techs.append(
            replace(
                tech,
                position=position,
                available_at=max(free, now if now is not None else free),
                capacity=max(0, tech.capacity - used),
            )
        )
    frozen = {j for head in fixed.values() for j in head}
    jobs = []
    for job in problem.jobs:
        if job.id in frozen:
            continue
        latest = problem.latest_start(job)
        if now is not None and latest < now - EPS and job.id not in plan.assignment:
            continue  # window already closed; keep the old reason
        jobs.append(replace(job, window=(min(job.window[0], latest), latest), deadline=None))
    sub = Problem(tuple(jobs), tuple(techs), problem.travel)
    warm = Plan(tuple(Route(t, tuple(v for v in plan.route(t).visits if v.job_id not in frozen)) for t in fixed))
    sub_plan = solve(sub, time_limit=time_limit, seed=seed, initial=warm)

    merged = {tid: fixed[tid] + sub_plan.sequences().get(tid, []) for tid in fixed}
    unassigned = {u.job_id: u.reason for u in sub_plan.unassigned}
    for u in plan.unassigned:
        if u.job_id not in sub.job_index:
            unassigned[u.job_id] = u.reason
    for tech in problem.technicians:  # monotone timing makes this a no-op; kept as a guard
        merged[tech.id], dropped = repair_route(problem, tech, merged[tech.id])
        for jid in dropped:
            unassigned[jid] = "dropped while re-planning: it no longer fits its window"
    return build_plan(problem, merged, unassigned, sub_plan.stats)
