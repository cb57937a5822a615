"""Solve a dispatch day with PyVRP: hard rules as model structure, priorities as prizes.

Problem: a prize-collecting vehicle-routing problem with time windows
(VRPTW), heterogeneous vehicles and per-vehicle client eligibility. PyVRP
(Wouda, Lan & Kool 2024, "PyVRP: a high-performance VRP solver package",
INFORMS J. Computing; MIT licence) solves it by iterated local search; we only
translate. How each rule of the issue becomes model structure:

- time windows, SLA deadlines, shifts, capacity → PyVRP's own hard
  constraints (times in 1/1000 minute, rounded so an integer-feasible route is
  feasible in real minutes);
- skills, territories and pins → routing *profiles*: each distinct set of
  forbidden jobs gets a copy of the matrices in which edges into those jobs
  take longer than the whole day, so a technician can only serve them by a
  time-warped, never-accepted route;
- priorities → every job is optional with a prize ``base × 10^(priority−1)``
  (×10 more when pinned), ``base`` above any detour, so the solver drops a
  job only when it cannot fit, and drops lower priorities first; dropped jobs
  are reported with why. PyVRP's penalty ceiling is raised above the largest
  prize, or an overloaded route collecting every prize would beat every
  feasible plan;
- on-call technicians → their profile adds more than any detour to every job
  without an SLA deadline, so booked work reaches them only when nobody else
  can take it.

Every route PyVRP returns is re-timed in real minutes and repaired if rounding
broke a rule, so the plan is feasible by construction, then checked by
``check.violations`` in the tests.

Cost: building is O(P · N²) for P profiles and N jobs + depots; the search
runs for ``time_limit`` seconds.

>>> from .problem import Job, Problem, Technician
>>> from .travel import EuclideanTravel
>>> p = Problem([Job("a", (0, 10), window=(0, 100)), Job("b", (10, 10), window=(0, 100)),
...              Job("c", (10, 0), window=(0, 100), skills={"safe"})],
...             [Technician("t", (0, 0), shift=(0, 500)), Technician("u", (0, 0), skills={"safe"}, shift=(0, 500))],
...             EuclideanTravel())
>>> plan = solve(p, time_limit=0.2, seed=1)
>>> plan.sequences()["u"], round(plan.travel_km, 3)  # one round trip beats two
(['c', 'b', 'a'], 40.0)
"""

from __future__ import annotations

import math
import time
from collections import defaultdict

import numpy as np
from pyvrp import (
    Client,
    Depot,
    IteratedLocalSearch,
    IteratedLocalSearchParams,
    Location,
    PenaltyManager,
    PenaltyParams,
    ProblemData,
    RandomNumberGenerator,
    Route,
    Solution,
    VehicleType,
)
from pyvrp.Result import Result
from pyvrp.search import OPERATORS, LocalSearch, PerturbationManager, PerturbationParams, compute_neighbours
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, StoppingCriterion

from .insertion import best_insertion, repair_route, route_feasible
from .plan import Plan, build_plan
from .problem import Problem
from .screening import screen

SCALE = 1000
"""Solver units per km and per minute (PyVRP works in integers)."""


MAX_PRIORITY_STEP = 4
"""Prizes grow 10× per priority level up to this many levels (keeps solver costs far from int64 limits)."""


def _up(x: float) -> int:
    return math.ceil(x * SCALE - 1e-6)


def _down(x: float) -> int:
    return math.floor(x * SCALE + 1e-6)


def solve(
    problem: Problem,
    *,
    time_limit: float = 1.0,
    seed: int = 0,
    initial: Plan | None = None,
    max_iterations: int | None = None,
) -> Plan:
    """Plan the day: every job to an allowed technician in order, least driving, promises kept.

    Args:
        problem: jobs, technicians, travel model.
        time_limit: seconds of search (PyVRP improves steadily; 1 s is fine
            for a 25 × 200 day, Solomon's benchmark uses 5 s).
        seed: the only source of randomness.
        initial: a previous plan to warm-start from (re-planning during the day).
        max_iterations: stop earlier after this many search iterations (tests).

    Returns:
        A :class:`Plan`; jobs that cannot be served are in ``plan.unassigned``
        with the reason, never an exception.
    """
    if not (time_limit > 0):
        raise ValueError(f"time_limit={time_limit} must be a positive number of seconds")
    if max_iterations is not None and max_iterations < 1:
        raise ValueError("max_iterations must be ≥ 1 or None")
    t0 = time.perf_counter()
    unassigned: dict[str, str] = {}
    servable = []
    for job in problem.jobs:
        reason = screen(problem, job)
        if reason is None:
            servable.append(job)
        else:
            unassigned[job.id] = reason
    if not servable:
        return build_plan(problem, {}, unassigned, {"solve_s": time.perf_counter() - t0})

    model = _Model(problem, [j.id for j in servable])
    stop = MaxRuntime(max(0.0, time_limit - (time.perf_counter() - t0)))
    if max_iterations is not None:
        stop = MultipleCriteria([stop, MaxIterations(max_iterations)])
    warm = model.solution(initial) if initial is not None else None
    result = _search(model.data, stop, seed, warm, model.max_prize)
    sequences = model.sequences(result.best)

    # Re-time in real minutes; drop any job a rounding edge case made infeasible, then re-place it.
    loose: list[str] = []
    for tech in problem.technicians:
        seq = sequences.get(tech.id, [])
        if not route_feasible(problem, tech, seq):
            sequences[tech.id], dropped = repair_route(problem, tech, seq)
            loose.extend(dropped)
    routed = {j for s in sequences.values() for j in s}
    repaired = len(loose)
    loose.extend(j.id for j in servable if j.id not in routed and j.id not in loose)
    for jid in sorted(loose, key=lambda j: -problem.job(j).priority):
        found = best_insertion(problem, sequences, problem.job(jid), {})
        if found is not None:
            sequences.setdefault(found[1], []).insert(found[2], jid)
        else:
            unassigned[jid] = _no_room(problem, jid, sequences)
    stats = {
        "solve_s": time.perf_counter() - t0,
        "iterations": float(result.num_iterations),
        "profiles": float(model.data.num_profiles),
        "solver_feasible": float(result.best.is_feasible()),
        "repaired_jobs": float(repaired),
    }
    return build_plan(problem, sequences, unassigned, stats)


def _search(data: ProblemData, stop: StoppingCriterion, seed: int, initial: Solution | None, max_prize: int) -> Result:
    """``pyvrp.solve`` with one change: the penalty ceiling sits above the largest prize.

    With optional jobs, PyVRP's default ceiling (10^5 per unit of excess load
    or time warp) is below an urgent job's prize, so an overloaded, infeasible
    route that collects every prize looks better than any feasible plan and the
    search never returns to feasibility (found on a 5-job brute-force test).
    """
    rng = RandomNumberGenerator(seed=seed)
    ls = LocalSearch(data, rng, compute_neighbours(data), PerturbationManager(PerturbationParams()))
    for op in OPERATORS:
        if op.supports(data):
            ls.add_operator(op(data))
    defaults = PenaltyParams()
    params = PenaltyParams(max_penalty=max(defaults.max_penalty, 2.0 * max_prize))
    pm = PenaltyManager(defaults.midpoint_penalties(data), params)
    if initial is None:
        initial = ls(Solution.make_random(data, rng), pm.max_cost_evaluator(), exhaustive=True)
    return IteratedLocalSearch(data, pm, ls, initial, IteratedLocalSearchParams()).run(stop, collect_stats=False)


def _no_room(problem: Problem, job_id: str, sequences: dict[str, list[str]]) -> str:
    job = problem.job(job_id)
    allowed = [t for t in problem.technicians if problem.allowed(t, job)]
    full = sum(1 for t in allowed if sum(problem.job(j).load for j in sequences.get(t.id, [])) >= t.capacity)
    lo, hi = job.window[0], problem.latest_start(job)
    return (
        f"no room between {int(lo) // 60:02d}:{int(lo) % 60:02d} and {int(hi) // 60:02d}:{int(hi) % 60:02d}: "
        f"all {len(allowed)} allowed technician(s) are booked ({full} at capacity) with higher-priority "
        "or nearer jobs; offer another window or add a technician"
    )


class _Model:
    """The PyVRP translation of a problem, and the way back."""

    def __init__(self, problem: Problem, job_ids: list[str]) -> None:
        self.problem = problem
        self.job_ids = job_ids
        # Depots: one per distinct technician start/end point.
        depot_nodes: list[int] = []
        depot_of_point: dict[tuple[float, float], int] = {}

        def depot(node: int) -> int:
            pt = problem.points[node]
            if pt not in depot_of_point:
                depot_of_point[pt] = len(depot_nodes)
                depot_nodes.append(node)
            return depot_of_point[pt]

        tech_depots = {
            t.id: (depot(problem.node_of_start(t.id)), depot(problem.node_of_home(t.id))) for t in problem.technicians
        }
        nodes = depot_nodes + [problem.node_of_job(j) for j in job_ids]
        n_depots = len(depot_nodes)
        ix = np.ix_(nodes, nodes)
        dist = np.ceil(problem.km[ix] * SCALE - 1e-6).astype(np.int64)
        dur = np.ceil(problem.minutes[ix] * SCALE - 1e-6).astype(np.int64)
        np.fill_diagonal(dist, 0)
        np.fill_diagonal(dur, 0)
        origin = min([0.0] + [t.start for t in problem.technicians] + [problem.job(j).window[0] for j in job_ids])
        self.origin = origin

        # Any one job's detour is below `detour`; the on-call surcharge is one `detour`; a prize covers both.
        detour = int(2 * dist.max() + 1)
        base = 3 * detour
        # A forbidden job is reached only after the end of every shift: always time-warped, so never in a
        # feasible route. Larger values would skew PyVRP's penalty scaling (PenaltyBoundWarning).
        horizon = max([t.shift[1] for t in problem.technicians] + [problem.job(j).window[1] for j in job_ids])
        blocked = 2 * _up(horizon - origin) + int(dur.max()) + 1
        clients = []
        for k, jid in enumerate(job_ids):
            job = problem.job(jid)
            step = min(job.priority - 1 + (1 if job.pinned else 0), MAX_PRIORITY_STEP)
            clients.append(
                Client(
                    location=n_depots + k,
                    delivery=[job.load],
                    service_duration=_up(job.duration),
                    tw_early=_up(job.window[0] - origin),
                    tw_late=_down(problem.latest_start(job) - origin),
                    release_time=max(0, _up(job.release - origin)),
                    prize=base * 10**step,
                    required=False,
                    name=jid,
                )
            )
        self.max_prize = max(c.prize for c in clients)
        locations = [Location(*problem.points[n]) for n in nodes]
        depots = [Depot(location=i) for i in range(n_depots)]

        # Profiles: one per distinct (forbidden jobs, on call, credit surcharge). On-call technicians pay a
        # surcharge of more than any detour on every job without an SLA deadline, so booked work goes to them only
        # when nobody else can take it and they stay free for urgent jobs. Lower credit adds its surcharge to
        # every job (capped at half a detour, so a prize still covers it).
        booked = [n_depots + k for k, jid in enumerate(job_ids) if problem.job(jid).deadline is None]
        every_job = list(range(n_depots, n_depots + len(job_ids)))
        profile_of: dict[tuple[frozenset[int], bool, int], int] = {}
        dists, durs = [], []
        groups: dict[tuple, list[str]] = defaultdict(list)
        for tech in problem.technicians:
            forbidden = frozenset(k for k, jid in enumerate(job_ids) if not problem.allowed(tech, problem.job(jid)))
            surcharge = min(_up(problem.credit_surcharge_km(tech)), detour // 2)
            pkey = (forbidden, tech.on_call, surcharge)
            if pkey not in profile_of:
                profile_of[pkey] = len(dists)
                d, u = dist.copy(), dur.copy()
                if tech.on_call and booked:
                    d[:, booked] += detour
                if surcharge:
                    d[:, every_job] += surcharge
                cols = [n_depots + k for k in forbidden]
                u[:, cols] = blocked
                for c in (*cols, *booked, *every_job):
                    d[c, c] = u[c, c] = 0
                dists.append(d)
                durs.append(u)
            start, end = tech_depots[tech.id]
            key = (
                start,
                end,
                _up(tech.start - origin),
                _down(tech.shift[1] - origin),
                tech.capacity,
                profile_of[pkey],
            )
            groups[key].append(tech.id)
        self.group_keys = list(groups)
        self.group_techs = [groups[k] for k in self.group_keys]
        vehicle_types = [
            VehicleType(
                num_available=len(groups[key]),
                capacity=[key[4]],
                start_depot=key[0],
                end_depot=key[1],
                tw_early=key[2],
                tw_late=max(key[2], key[3]),
                profile=key[5],
                name=",".join(groups[key]),
            )
            for key in self.group_keys
        ]
        self.data = ProblemData(locations, clients, depots, vehicle_types, dists, durs)
        self.client_of = {jid: k for k, jid in enumerate(job_ids)}
        self.type_of = {tid: i for i, techs in enumerate(self.group_techs) for tid in techs}

    def sequences(self, solution: Solution) -> dict[str, list[str]]:
        free = [list(techs) for techs in self.group_techs]
        out: dict[str, list[str]] = {}
        for route in solution.routes():
            seq = [self.job_ids[a.idx] for a in route.schedule() if a.is_client()]
            if seq:
                out[free[route.vehicle_type()].pop(0)] = seq
        return out

    def solution(self, plan: Plan) -> Solution | None:
        """A warm start from ``plan``, keeping only jobs and technicians this model knows."""
        routes = []
        for r in plan.routes:
            if r.technician_id not in self.type_of:
                continue
            visits = [self.client_of[j] for j in r.job_ids if j in self.client_of]
            if visits:
                routes.append(Route(self.data, visits, self.type_of[r.technician_id]))
        try:
            return Solution(self.data, routes)
        except (ValueError, RuntimeError, IndexError):  # e.g. more routes of a type than vehicles
            return None
