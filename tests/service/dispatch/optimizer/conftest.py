"""Small dispatch problems for the optimizer tests: a Hypothesis strategy and a brute-force oracle."""

from __future__ import annotations

import itertools
import math

from hypothesis import strategies as st

from anxin.service.dispatch.optimizer import EuclideanTravel, Job, Problem, Technician

SKILLS = ("a", "b", "c")


@st.composite
def problems(draw, max_jobs: int = 7, max_techs: int = 3, pins: bool = True) -> Problem:
    """Random planar problems: tight and loose windows, skills, capacities, deadlines, pins."""
    n_techs = draw(st.integers(1, max_techs))
    coord = st.integers(0, 40)
    techs = []
    for k in range(n_techs):
        start = draw(st.integers(0, 30))
        techs.append(
            Technician(
                f"t{k}",
                (draw(coord), draw(coord)),
                skills=draw(st.frozensets(st.sampled_from(SKILLS), max_size=3)),
                shift=(start, start + draw(st.integers(40, 300))),
                capacity=draw(st.integers(0, 5)),
                home=(draw(coord), draw(coord)) if draw(st.booleans()) else None,
            )
        )
    jobs = []
    for i in range(draw(st.integers(0, max_jobs))):
        lo = draw(st.integers(0, 150))
        hi = lo + draw(st.integers(0, 120))
        deadline = None
        if draw(st.booleans()):
            deadline = lo + draw(st.integers(0, 40))
        pinned = None
        if pins and draw(st.integers(0, 4)) == 0:
            pinned = f"t{draw(st.integers(0, n_techs - 1))}"
        jobs.append(
            Job(
                f"j{i}",
                (draw(coord), draw(coord)),
                window=(lo, hi),
                duration=draw(st.integers(0, 30)),
                skills=draw(st.frozensets(st.sampled_from(SKILLS), max_size=2)),
                priority=draw(st.integers(1, 3)),
                deadline=deadline,
                pinned=pinned,
                load=draw(st.integers(0, 2)),
                release=draw(st.integers(0, lo)) if draw(st.booleans()) else 0,
            )
        )
    return Problem(jobs, techs, EuclideanTravel())


def _dist(a, b) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def route_ok(problem: Problem, tech: Technician, seq) -> tuple[bool, float]:
    """Feasibility and length of one route, written out again for the oracle (no optimizer code)."""
    t = tech.start
    here = tech.position
    km = 0.0
    load = 0
    for job in seq:
        if job.pinned not in (None, tech.id) or not job.skills <= tech.skills:
            return False, math.inf
        d = _dist(here, job.location)
        start = max(max(t, job.release) + d, job.window[0])
        late = job.window[1]
        if job.deadline is not None and job.deadline < late and _deadline_reachable(problem, job):
            late = job.deadline
        if start > late + 1e-9:
            return False, math.inf
        load += job.load
        km += d
        t, here = start + job.duration, job.location
    if load > tech.capacity:
        return False, math.inf
    if seq:
        back = _dist(here, tech.home)
        if t + back > tech.shift[1] + 1e-9:
            return False, math.inf
        km += back
    return True, km


def _deadline_reachable(problem: Problem, job: Job) -> bool:
    for tech in problem.technicians:
        arrive = max(tech.start, job.release) + _dist(tech.position, job.location)
        if job.pinned in (None, tech.id) and job.skills <= tech.skills and arrive <= job.deadline + 1e-9:
            return True
    return False


def brute_force(problem: Problem) -> tuple[int, float]:
    """Best ``(served prize, km)``: 10^(priority−1), ×10 when pinned, per served job (as the solver
    weighs them), then least km."""
    jobs = list(problem.jobs)
    techs = list(problem.technicians)
    best_routes: dict[tuple[int, frozenset[int]], float] = {}
    for k, tech in enumerate(techs):
        for r in range(len(jobs) + 1):
            for subset in itertools.combinations(range(len(jobs)), r):
                best = math.inf
                for order in itertools.permutations(subset):
                    ok, km = route_ok(problem, tech, [jobs[i] for i in order])
                    if ok:
                        best = min(best, km)
                best_routes[(k, frozenset(subset))] = best
    best_value: tuple[int, float] = (0, 0.0)
    for labels in itertools.product(range(len(techs) + 1), repeat=len(jobs)):
        km = 0.0
        for k in range(len(techs)):
            km += best_routes[(k, frozenset(i for i, lab in enumerate(labels) if lab == k + 1))]
            if km == math.inf:
                break
        if km == math.inf:
            continue
        prize = sum(10 ** (jobs[i].priority - 1 + (jobs[i].pinned is not None)) for i, lab in enumerate(labels) if lab)
        if (prize, -km) > (best_value[0], -best_value[1]):
            best_value = (prize, km)
    return best_value
