"""Why a job cannot be served at all, in words a dispatcher can act on.

Problem: the issue asks that infeasible jobs be *reported with the reason*
instead of failing the whole plan. Before solving, each job is tried alone
with every technician: no skilled technician, outside every territory, a pin
to someone without the skill, a window nobody can reach, a job longer than
anyone's remaining shift. Jobs that fail here never reach the solver.

Cost: O(jobs × technicians) on the cached travel matrix.

>>> from .problem import Job, Problem, Technician
>>> from .travel import EuclideanTravel
>>> p = Problem([Job("a", (100, 0), window=(0, 50), skills={"safe"}), Job("b", (100, 0), window=(0, 50))],
...             [Technician("t", (0, 0), skills={"lock"}, shift=(0, 500))], EuclideanTravel())
>>> screen(p, p.jobs[0])
'no technician has the skill(s) safe'
>>> screen(p, p.jobs[1])
'window closes 00:50 but the earliest any allowed technician can arrive is 01:40 (t)'
"""

from __future__ import annotations

from .plan import EPS
from .problem import Job, Problem


def _clock(minute: float) -> str:
    m = round(minute)
    return f"{m // 60:02d}:{m % 60:02d}"


def screen(problem: Problem, job: Job) -> str | None:
    """The reason ``job`` cannot be served even by an otherwise idle technician, or None."""
    techs = problem.technicians
    if not techs:
        return "there are no technicians on shift"
    allowed = [t for t in techs if problem.allowed(t, job)]
    if not allowed:
        if job.pinned is not None:
            tech = problem.technician(job.pinned)
            missing = sorted(job.skills - tech.skills)
            if missing:
                return f"pinned to {tech.id}, who lacks skill(s) {', '.join(missing)}; clear or change the pin"
            return f"pinned to {tech.id}, whose territory does not include district {job.district}"
        skilled = [t for t in techs if job.skills <= t.skills]
        if not skilled:
            return f"no technician has the skill(s) {', '.join(sorted(job.skills))}"
        return f"no technician with skill(s) {', '.join(sorted(job.skills)) or '(none)'} covers district {job.district}"
    fits = [t for t in allowed if t.capacity >= job.load]
    if not fits:
        return f"load {job.load} exceeds the capacity of every allowed technician"
    mins = problem.minutes
    j = problem.node_of_job(job.id)
    latest = problem.latest_start(job)
    best_arrival, best_tech = float("inf"), ""
    back_late = []
    for tech in fits:
        arrival = max(tech.start, job.release) + mins[problem.node_of_start(tech.id), j]
        if arrival < best_arrival:
            best_arrival, best_tech = arrival, tech.id
        if arrival <= latest + EPS:
            back = max(arrival, job.window[0]) + job.duration + mins[j, problem.node_of_home(tech.id)]
            if back <= tech.shift[1] + EPS:
                return None
            back_late.append(tech.id)
    if back_late:
        names = ", ".join(back_late[:3]) + ("…" if len(back_late) > 3 else "")
        return f"every allowed technician who can arrive in time would be back home after their shift ({names})"
    what = "SLA deadline" if latest < job.window[1] else "window closes"
    return (
        f"{what} {_clock(latest)} but the earliest any allowed technician can arrive is "
        f"{_clock(best_arrival)} ({best_tech})"
    )
