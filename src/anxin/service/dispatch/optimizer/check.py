"""Independent checker: does a plan break any hard rule of its problem?

Problem: a solver's own feasibility flags prove nothing about the solver. This
module re-derives every rule from the :class:`~.problem.Job` and
:class:`~.problem.Technician` fields alone, with its own travel-model calls
and its own clock; it imports nothing from the solver, the baseline or the
plan builder. It checks: every job served once or reported unassigned with a
reason; skills, territory and pins; arrival within the window; the SLA deadline
unless no allowed technician could reach the job by then even sent at once;
capacity; back home by the end of the shift; and that the times the plan
reports are the times that follow from its order.

Cost: O(jobs + technicians) travel look-ups, plus O(jobs × technicians) for
deadline waivers.

>>> from .problem import Job, Problem, Technician
>>> from .travel import EuclideanTravel
>>> from .plan import build_plan
>>> p = Problem([Job("a", (3, 4), window=(0, 3), skills={"safe"})],
...             [Technician("t", (0, 0), shift=(0, 100))], EuclideanTravel())
>>> sorted(v.kind for v in violations(p, build_plan(p, {"t": ["a"]})))
['skill', 'window']
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from .problem import Job, Problem, Technician

TOL = 1e-6
"""Minutes of slack for floating-point sums."""


@dataclass(frozen=True)
class Violation:
    """One broken rule.

    ``kind`` is one of: unknown, duplicate, missing, reason, skill, territory,
    pin, window, deadline, capacity, shift, schedule.
    """

    kind: str
    message: str
    job_id: str | None = None
    technician_id: str | None = None


def _leg(problem: Problem, a: tuple[float, float], b: tuple[float, float]) -> float:
    _, minutes = problem.travel.matrices([a], [b])
    return float(minutes[0][0])


def _may_serve(tech: Technician, job: Job) -> str | None:
    if job.pinned is not None and job.pinned != tech.id:
        return "pin"
    if not set(job.skills).issubset(tech.skills):
        return "skill"
    if tech.territory is not None and job.district is not None and job.district not in tech.territory:
        return "territory"
    return None


def _leaves(tech: Technician) -> float:
    return tech.shift[0] if tech.available_at is None else max(tech.shift[0], tech.available_at)


def _deadline_waived(problem: Problem, job: Job) -> bool:
    for tech in problem.technicians:
        if _may_serve(tech, job) is None:
            arrive = max(_leaves(tech), job.release) + _leg(problem, tech.position, job.location)
            if max(arrive, job.window[0]) <= job.deadline + TOL:  # type: ignore[operator]
                return False
    return True


def violations(problem: Problem, plan: Any) -> list[Violation]:
    """Every hard rule ``plan`` breaks; an empty list means the plan is feasible."""
    out: list[Violation] = []
    jobs = {j.id: j for j in problem.jobs}
    techs = {t.id: t for t in problem.technicians}
    served = Counter(v.job_id for r in plan.routes for v in r.visits)
    left = Counter(u.job_id for u in plan.unassigned)
    for jid, n in (served + left).items():
        if jid not in jobs:
            out.append(Violation("unknown", f"plan mentions unknown job {jid}", jid))
        elif n > 1:
            out.append(Violation("duplicate", f"job {jid} appears {n} times (served or unassigned)", jid))
    for jid in jobs:
        if jid not in served and jid not in left:
            out.append(Violation("missing", f"job {jid} is neither served nor reported unassigned", jid))
    for u in plan.unassigned:
        if not str(u.reason).strip():
            out.append(Violation("reason", f"job {u.job_id} is unassigned without a reason", u.job_id))
    route_ids = Counter(r.technician_id for r in plan.routes)
    for tid, n in route_ids.items():
        if tid not in techs:
            out.append(Violation("unknown", f"route for unknown technician {tid}", technician_id=tid))
        elif n > 1:
            out.append(Violation("duplicate", f"technician {tid} has {n} routes", technician_id=tid))
    for route in plan.routes:
        tech = techs.get(route.technician_id)
        if tech is None or not route.visits:
            continue
        out.extend(_check_route(problem, tech, route, jobs))
    return out


def _check_route(problem: Problem, tech: Technician, route: Any, jobs: dict[str, Job]) -> list[Violation]:
    out: list[Violation] = []
    t = _leaves(tech)
    here = tech.position
    load = 0
    for v in route.visits:
        job = jobs.get(v.job_id)
        if job is None:
            continue
        broken = _may_serve(tech, job)
        if broken is not None:
            out.append(Violation(broken, f"{tech.id} may not take {job.id} ({broken})", job.id, tech.id))
        arrive = max(t, job.release) + _leg(problem, here, job.location)
        start = max(arrive, job.window[0])
        if start > job.window[1] + TOL:
            out.append(
                Violation("window", f"{job.id} starts at {start:.1f}, window ends {job.window[1]}", job.id, tech.id)
            )
        if job.deadline is not None and start > job.deadline + TOL and not _deadline_waived(problem, job):
            out.append(
                Violation("deadline", f"{job.id} reached at {start:.1f}, promised by {job.deadline}", job.id, tech.id)
            )
        if abs(v.start - start) > 1e-4 * max(1.0, abs(start)):
            out.append(
                Violation(
                    "schedule", f"{job.id}: plan says start {v.start:.3f}, order gives {start:.3f}", job.id, tech.id
                )
            )
        load += job.load
        t, here = start + job.duration, job.location
    if load > tech.capacity:
        out.append(Violation("capacity", f"{tech.id} carries {load} > capacity {tech.capacity}", None, tech.id))
    back = t + _leg(problem, here, tech.home)  # type: ignore[arg-type]
    if back > tech.shift[1] + TOL:
        out.append(Violation("shift", f"{tech.id} back home at {back:.1f}, shift ends {tech.shift[1]}", None, tech.id))
    return out
