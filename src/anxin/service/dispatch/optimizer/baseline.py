"""The baseline: what a human dispatcher does, "nearest free skilled technician".

Problem: the issue measures the optimizer against the usual practice of
field-service tools without an optimizer ("first free"): take the jobs in the
order they come due (the later of release and window start: a dispatcher
hands out the 09:00–11:00 batch at 09:00, and an urgent ticket when it comes
in) and give each to the nearest
technician who holds the skills, has capacity, and is free by the time the job
needs someone; if nobody is free, to whoever frees up first. The job is
appended to that technician's queue: no re-ordering, no look-ahead, late
arrivals accepted (that is what the on-time rate then shows). Pins and
territories are respected, as a dispatcher respects their own pins; a
technician whose shift would overrun is skipped, and on-call technicians get
jobs without a deadline only when nobody else can take them.

Cost: O(jobs × technicians).

>>> from .problem import Job, Problem, Technician
>>> from .travel import EuclideanTravel
>>> p = Problem([Job("a", (10, 0), window=(0, 100)), Job("b", (0, 10), window=(0, 100))],
...             [Technician("t", (9, 0), shift=(0, 500)), Technician("u", (0, 0), shift=(0, 500))],
...             EuclideanTravel())
>>> nearest_free(p).assignment
{'a': 't', 'b': 'u'}
"""

from __future__ import annotations

from .plan import EPS, Plan, build_plan
from .problem import Problem
from .screening import screen


def nearest_free(problem: Problem) -> Plan:
    """Greedy dispatch in arrival order, nearest free skilled technician first."""
    km, mins = problem.km, problem.minutes
    at = {t.id: problem.node_of_start(t.id) for t in problem.technicians}
    free_at = {t.id: t.start for t in problem.technicians}
    load = {t.id: 0 for t in problem.technicians}
    sequences: dict[str, list[str]] = {t.id: [] for t in problem.technicians}
    unassigned: dict[str, str] = {}
    order = sorted(problem.jobs, key=lambda j: (max(j.release, j.window[0]), j.release, j.id))
    for job in order:
        j = problem.node_of_job(job.id)
        needed_by = max(job.release, job.window[0])
        options = []
        for tech in problem.technicians:
            if not problem.allowed(tech, job) or load[tech.id] + job.load > tech.capacity:
                continue
            arrival = max(free_at[tech.id], job.release) + mins[at[tech.id], j]
            done = max(arrival, job.window[0]) + job.duration
            if done + mins[j, problem.node_of_home(tech.id)] > tech.shift[1] + EPS:
                continue
            reserve = tech.on_call and job.deadline is None  # on-call staff only when nobody else can
            if free_at[tech.id] <= needed_by + EPS:  # free: nearest first
                options.append((reserve, False, km[at[tech.id], j], tech.id, done))
            else:  # busy: whoever frees up first
                options.append((reserve, True, free_at[tech.id], tech.id, done))
        if options:
            *_, tid, done = min(options)
        else:
            unassigned[job.id] = screen(problem, job) or (
                "every allowed technician is at capacity or would overrun their shift"
            )
            continue
        sequences[tid].append(job.id)
        at[tid], free_at[tid] = j, done
        load[tid] += job.load
    return build_plan(problem, sequences, unassigned)
