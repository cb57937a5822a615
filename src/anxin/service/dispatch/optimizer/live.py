"""Live dispatch: a new (urgent) job into a running plan, and re-planning the rest of the day.

Problem: a ticket arrives at 14:05 with the 30-minute promise while the day's
plan is being driven. Visits already started, or being driven to, stay as
they are (:func:`~.insertion.locked_prefix`). :func:`insert` first tries the
cheapest feasible insertion (milliseconds). When the job fits nowhere as the
routes stand, it makes the dispatcher's phone call over every option
(:func:`_clear_the_way`): send one technician straight there after their
current visit and hand the rest of their day to whoever fits best, bumping
only lower-priority, unpinned jobs when nothing else works. A technician
driving to an unpinned booked visit may also be turned round (:func:`_divertible`)
when the plan's reported times stay physically keepable and every customer,
the one being driven to included, is still served inside their window. Otherwise it
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
from .travel import EuclideanTravel, HaversineTravel


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
    cleared = _clear_the_way(p2, seqs, job, locked, _divertible(p2, plan, locked, job, now))
    if cleared is not None and not cleared[1]:
        return done(cleared[0], unassigned, "diverted" if cleared[2] else "cleared")
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
    problem: Problem,
    seqs: dict[str, list[str]],
    job: Job,
    locked: dict[str, int],
    divertible: frozenset[str] = frozenset(),
) -> tuple[dict[str, list[str]], list[str], bool] | None:
    """Send a technician straight to ``job`` after their current visit, and re-place the rest of their day.

    The ejection-chain move a dispatcher makes by phone ("finish there, go to the emergency, we give your
    afternoon to others"): for each allowed technician who can make it, put ``job`` right after the
    visits under way, then re-insert their later jobs, most important first, wherever they fit best
    (including back on their own route). Technicians in ``divertible`` (see :func:`_divertible`) are
    also tried turned round on the road: ``job`` goes *before* the booked visit they are driving to,
    which is re-inserted like the rest of their day (often straight after ``job``, on their own route).
    Returns ``(sequences, dropped, diverted)`` for the option that loses the least worth, then diverts
    nobody, then adds the fewest km,
    provided it loses less than ``job`` is worth and drops no pinned job; None otherwise. A diversion
    must lose nothing at all: the customer being driven to is only kept waiting, never bumped, so a
    diversion that would push that visit (or any other) out of its window is not made.
    O(T · n · T · n²).
    """
    best: tuple[tuple[int, int, float], dict[str, list[str]], list[str]] | None = None
    options = [(tech, 0) for tech in problem.technicians] + [
        (tech, 1) for tech in problem.technicians if tech.id in divertible
    ]
    for tech, diverted in options:
        if not problem.allowed(tech, job):
            continue
        seq = seqs.get(tech.id, [])
        k = locked.get(tech.id, 0) - diverted
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
        if diverted and dropped:
            continue  # turning someone round is only worth it when every customer is still served in time
        lost = sum(_worth(problem.job(j)) for j in dropped)
        if lost >= _worth(job):
            continue
        km = sum(_route_km(problem, t, s) for t, s in trial.items())
        if best is None or (lost, diverted, km) < best[0]:
            best = ((lost, diverted, km), trial, dropped)
    return None if best is None else (best[1], best[2], bool(best[0][1]))


def _divertible(problem: Problem, plan: Plan, locked: dict[str, int], job: Job, now: float | None) -> frozenset[str]:
    """Technicians on the road to a booked visit who could be turned towards ``job`` instead.

    Why: a 30-minute promise can be missed because the one technician near the customer has just
    set off for a booked job whose 2-hour window would still allow a later visit (on the
    dispatch-day benchmark this was one of seven misses; most were technicians on site).
    Commercial schedulers treat that booked visit as movable until the technician is on site; this
    is the same rule, kept honest about where the technician is.

    The plan cannot say "somewhere on the road": it times ``job`` as if the technician left their
    previous stop P at ``max(P.end, job.release)``. The diversion is offered only when that timing
    is no earlier than what is physically possible, so every time the plan reports can be kept
    (arriving early just means waiting). Driving towards the booked site B in a travel model whose
    time grows with straight-line distance (:class:`~.travel.EuclideanTravel`,
    :class:`~.travel.HaversineTravel`), the technician is on the segment P–B, and distance to
    ``job`` along a segment is largest at an end, so from wherever they are at ``now`` they reach
    ``job`` within ``max(minutes(P, job), minutes(B, job))``. Required:
    ``now + that ≤ max(P.end, job.release) + minutes(P, job)``. With a road-network
    :class:`~.travel.MatrixTravel` the position between two points is unknown: nobody is diverted.

    Only unpinned visits without an SLA deadline are diverted from (a pin is the dispatcher's
    decision; an urgent visit is a promise already made), and only while driving (not on site).
    O(T).
    """
    if now is None or not isinstance(problem.travel, EuclideanTravel | HaversineTravel):
        return frozenset()
    mins = problem.minutes
    u = problem.node_of_job(job.id)
    out = set()
    for tech in problem.technicians:
        k = locked.get(tech.id, 0)
        visits = plan.route(tech.id).visits
        if k == 0 or k > len(visits):
            continue
        v = visits[k - 1]
        booked = problem.job(v.job_id)
        if booked.pinned is not None or booked.deadline is not None:
            continue
        if not (v.start - v.minutes <= now + EPS and now < v.start - EPS):
            continue  # not on the road to it (already on site)
        p = problem.node_of_job(visits[k - 2].job_id) if k > 1 else problem.node_of_start(tech.id)
        p_end = visits[k - 2].end if k > 1 else tech.start
        b = problem.node_of_job(v.job_id)
        reported = max(p_end, job.release) + mins[p, u]
        if now + max(mins[p, u], mins[b, u]) <= reported + EPS:
            out.add(tech.id)
    return frozenset(out)


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
