"""A dispatch plan: each technician's ordered visits, and the jobs left out with why.

Problem: turn "technician t does jobs a, b, c in that order" into a timed
schedule (arrive, wait for the window, work, drive on, return home) that
explains every assignment by distance, skill and load, the three things a
dispatcher asks about. The solver, the baseline and live insertion all build
plans through :func:`build_plan`; ``check.violations`` re-derives every time
on its own and does not use this module.

Cost: O(visits) per route.

>>> from .problem import Job, Problem, Technician
>>> from .travel import EuclideanTravel
>>> p = Problem([Job("a", (3, 4), window=(0, 100), duration=10, skills={"lock"})],
...             [Technician("t", (0, 0), skills={"lock"}, shift=(0, 200))], EuclideanTravel())
>>> plan = build_plan(p, {"t": ["a"]})
>>> plan.travel_km
10.0
>>> plan.visit("a").why
'skills lock ✓; 5.0 km / 5 min from the previous stop; load 1/8'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from .problem import Problem, Technician

EPS = 1e-6


@dataclass(frozen=True)
class Visit:
    """One timed stop, with the facts that explain it."""

    job_id: str
    technician_id: str
    arrival: float
    start: float
    end: float
    km: float
    """Road km from the previous stop (or the technician's position)."""
    minutes: float
    load: int
    """Technician's load after this job."""
    capacity: int
    skills: tuple[str, ...]
    pinned: bool = False
    note: str | None = None
    """Anything the dispatcher must know, e.g. a waived SLA deadline."""
    credit: float = 100.0
    """The technician's credit score when the plan was made."""

    @property
    def why(self) -> str:
        """One line a dispatcher reads on the board: skill, distance, load, credit."""
        parts = ["pinned by the dispatcher"] if self.pinned else []
        parts.append(f"skills {', '.join(self.skills)} ✓" if self.skills else "no special skill needed")
        parts.append(f"{self.km:.1f} km / {self.minutes:.0f} min from the previous stop")
        parts.append(f"load {self.load}/{self.capacity}")
        if self.credit < 100:
            parts.append(f"credit {self.credit:.0f}")
        if self.note:
            parts.append(self.note)
        return "; ".join(parts)


@dataclass(frozen=True)
class Route:
    """A technician's day: visits in order, then the drive back home."""

    technician_id: str
    visits: tuple[Visit, ...]
    return_km: float = 0.0
    return_minutes: float = 0.0
    back_at: float | None = None

    @property
    def job_ids(self) -> list[str]:
        return [v.job_id for v in self.visits]

    @property
    def travel_km(self) -> float:
        return sum(v.km for v in self.visits) + self.return_km


@dataclass(frozen=True)
class Unassigned:
    """A job the plan does not serve and the reason, so the caller can act (call back, widen the window)."""

    job_id: str
    reason: str


@dataclass(frozen=True)
class Plan:
    """Routes for every technician plus the unassigned jobs."""

    routes: tuple[Route, ...]
    unassigned: tuple[Unassigned, ...] = ()
    stats: Mapping[str, float] = field(default_factory=dict)

    @cached_property
    def _visits(self) -> dict[str, Visit]:
        return {v.job_id: v for r in self.routes for v in r.visits}

    @property
    def travel_km(self) -> float:
        return sum(r.travel_km for r in self.routes)

    @property
    def assignment(self) -> dict[str, str]:
        """Job id → technician id for every served job."""
        return {v.job_id: v.technician_id for v in self._visits.values()}

    def visit(self, job_id: str) -> Visit:
        return self._visits[job_id]

    def route(self, technician_id: str) -> Route:
        for r in self.routes:
            if r.technician_id == technician_id:
                return r
        return Route(technician_id, ())

    def sequences(self) -> dict[str, list[str]]:
        return {r.technician_id: r.job_ids for r in self.routes}

    def reason(self, job_id: str) -> str | None:
        """Why a job is unassigned, or None when it is served."""
        for u in self.unassigned:
            if u.job_id == job_id:
                return u.reason
        return None


def _clock(minute: float) -> str:
    m = round(minute)
    return f"{m // 60:02d}:{m % 60:02d}"


def timed_route(problem: Problem, tech: Technician, job_ids: Sequence[str]) -> tuple[Route, list[str]]:
    """Schedule ``job_ids`` in order for ``tech``; also return every hard rule the order breaks.

    The technician leaves at ``tech.start``, waits when early, and the list of
    problems is empty exactly when the route is feasible.
    """
    problems: list[str] = []
    km, mins = problem.km, problem.minutes
    at = problem.node_of_start(tech.id)
    t = tech.start
    load = 0
    visits = []
    for jid in job_ids:
        job = problem.job(jid)
        node = problem.node_of_job(jid)
        leg_km, leg_min = float(km[at, node]), float(mins[at, node])
        arrival = max(t, job.release) + leg_min
        start = max(arrival, job.window[0])
        latest = problem.latest_start(job)
        note = None
        if job.deadline is not None and latest > job.deadline + EPS:
            note = f"SLA deadline {_clock(job.deadline)} waived: no allowed technician can reach the job by then"
        if start > latest + EPS:
            problems.append(f"{jid}: arrives {_clock(start)} after its latest start {_clock(latest)}")
        if not problem.allowed(tech, job):
            problems.append(f"{jid}: {tech.id} is not allowed (skills, territory or pin)")
        load += job.load
        if load > tech.capacity:
            problems.append(f"{jid}: load {load} exceeds {tech.id}'s capacity {tech.capacity}")
        end = start + job.duration
        visits.append(
            Visit(
                job_id=jid,
                technician_id=tech.id,
                arrival=arrival,
                start=start,
                end=end,
                km=leg_km,
                minutes=leg_min,
                load=load,
                capacity=tech.capacity,
                skills=tuple(sorted(job.skills)),
                pinned=job.pinned == tech.id,
                note=note,
                credit=tech.credit,
            )
        )
        t, at = end, node
    if not visits:
        return Route(tech.id, ()), problems
    home = problem.node_of_home(tech.id)
    back = t + float(mins[at, home])
    if back > tech.shift[1] + EPS:
        problems.append(f"{tech.id} is back home {_clock(back)}, after the shift ends {_clock(tech.shift[1])}")
    return Route(tech.id, tuple(visits), float(km[at, home]), float(mins[at, home]), back), problems


def build_plan(
    problem: Problem,
    sequences: Mapping[str, Sequence[str]],
    unassigned: Mapping[str, str] | None = None,
    stats: Mapping[str, float] | None = None,
) -> Plan:
    """Time every technician's sequence; technicians without jobs get an empty route."""
    routes = tuple(timed_route(problem, t, list(sequences.get(t.id, ())))[0] for t in problem.technicians)
    left = tuple(Unassigned(j, r) for j, r in (unassigned or {}).items())
    return Plan(routes, left, dict(stats or {}))
