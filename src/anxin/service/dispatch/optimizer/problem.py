"""The field-service dispatch problem: jobs, technicians, hard rules.

Problem (issue 5, 安排师傅 + 最快30分钟): assign repair jobs to technicians and
order each technician's day. Hard rules, never traded against cost (the
Salesforce / ServiceNow split): a technician must hold every skill a job needs,
work in the job's district when it has a territory, take a job pinned to them
by the dispatcher, arrive inside the job's time window and by its SLA deadline,
carry no more than their capacity, and be back at their home station by the end
of their shift. Weighted objectives come after: serve higher-priority jobs
first, then drive as little as possible.

All times are minutes since midnight of the plan's day; distances are km.
Building a :class:`Problem` is O(jobs + technicians); its travel matrix over
all points is computed once on first use, O((jobs + 2·technicians)²).

>>> p = Problem(
...     jobs=[Job("j1", (104.06, 30.67), window=(540, 660), duration=45, skills={"lock"})],
...     technicians=[Technician("t1", (104.10, 30.66), skills={"lock", "safe"}, shift=(480, 1080))],
... )
>>> p.allowed(p.technicians[0], p.jobs[0])
True
>>> p.latest_start(p.jobs[0])
660.0
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from .travel import HaversineTravel, Point, Travel


def _point(value: Sequence[float], what: str) -> Point:
    try:
        x, y = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be an (x, y) pair such as (lng, lat); got {value!r}") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError(f"{what} must be finite; got {value!r}")
    return (x, y)


def _window(value: Sequence[float], what: str) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be (earliest, latest) minutes since midnight; got {value!r}") from None
    if not (math.isfinite(a) and math.isfinite(b)) or a > b:
        raise ValueError(f"{what}={value!r} must be finite with earliest ≤ latest; swap or widen it")
    return (a, b)


@dataclass(frozen=True)
class Job:
    """One repair visit.

    Args:
        id: unique job id (a ticket number).
        location: where the customer is, ``(lng, lat)``.
        window: ``(earliest, latest)`` minutes in which the technician must
            *arrive*; arriving early means waiting until ``earliest``.
        duration: minutes on site.
        skills: every skill the job needs (brand × lock model, e.g. ``"acme:X9"``).
        priority: 1 = normal; higher numbers are served first when not
            everything fits (urgent jobs use 3).
        deadline: SLA promise: latest arrival, e.g. release + 30 for urgent
            jobs. Waived, with a reason, only when no allowed technician could
            reach the job by then even if sent at once.
        pinned: technician id the dispatcher fixed this job to; overrides the optimizer.
        load: units of the technician's capacity this job uses (1 = one job).
        release: when the job became known; nobody can be sent before it.
        district: county code; matters only for technicians with a territory.
    """

    id: str
    location: Point
    window: tuple[float, float]
    duration: float = 30.0
    skills: frozenset[str] = field(default_factory=frozenset)
    priority: int = 1
    deadline: float | None = None
    pinned: str | None = None
    load: int = 1
    release: float = 0.0
    district: str | None = None

    def __post_init__(self) -> None:
        if not str(self.id):
            raise ValueError("Job.id must be a non-empty string such as the ticket number")
        object.__setattr__(self, "location", _point(self.location, f"job {self.id} location"))
        object.__setattr__(self, "window", _window(self.window, f"job {self.id} window"))
        object.__setattr__(self, "skills", frozenset(self.skills))
        if not (math.isfinite(self.duration) and self.duration >= 0):
            raise ValueError(f"job {self.id}: duration={self.duration} must be ≥ 0 minutes")
        if int(self.priority) != self.priority or self.priority < 1:
            raise ValueError(f"job {self.id}: priority={self.priority} must be an integer ≥ 1 (1 = normal)")
        if int(self.load) != self.load or self.load < 0:
            raise ValueError(f"job {self.id}: load={self.load} must be an integer ≥ 0")
        if self.deadline is not None and not math.isfinite(self.deadline):
            raise ValueError(f"job {self.id}: deadline must be finite minutes or None")
        if self.deadline is not None and self.deadline < self.window[0]:
            raise ValueError(
                f"job {self.id}: deadline {self.deadline} is before the window opens at {self.window[0]}; "
                "open the window at the release time or move the deadline"
            )
        if not math.isfinite(self.release):
            raise ValueError(f"job {self.id}: release must be finite minutes")


@dataclass(frozen=True)
class Technician:
    """One technician's day.

    Args:
        id: unique technician id.
        position: where they are when they become available (home station at
            the start of the day, the last job's site later on).
        skills: skills they hold.
        shift: ``(start, end)``: they leave no earlier than ``start`` and are
            back at ``home`` by ``end``.
        capacity: total job ``load`` they can take in the day.
        home: home station; defaults to ``position``.
        available_at: when they are free at ``position``; defaults to the shift start.
        territory: county codes they cover; None means everywhere.
        on_call: kept free for urgent work (jobs with an SLA deadline): the
            optimizer and the baseline give them other jobs only when nobody
            else can take them.
        credit: credit score 0–100 (信用, from penalties, inspections, upheld
            complaints and re-repairs). Soft: each job given to a technician
            costs ``Problem.credit_km × (100 − credit) / 100`` km more, so of two
            technicians with a similar drive the better-rated one goes.
    """

    id: str
    position: Point
    skills: frozenset[str] = field(default_factory=frozenset)
    shift: tuple[float, float] = (480.0, 1080.0)
    capacity: int = 8
    home: Point | None = None
    available_at: float | None = None
    territory: frozenset[str] | None = None
    on_call: bool = False
    credit: float = 100.0

    def __post_init__(self) -> None:
        if not str(self.id):
            raise ValueError("Technician.id must be a non-empty string")
        if not (math.isfinite(self.credit) and 0 <= self.credit <= 100):
            raise ValueError(f"technician {self.id}: credit={self.credit} must be a score from 0 to 100")
        object.__setattr__(self, "position", _point(self.position, f"technician {self.id} position"))
        home = self.position if self.home is None else _point(self.home, f"technician {self.id} home")
        object.__setattr__(self, "home", home)
        object.__setattr__(self, "shift", _window(self.shift, f"technician {self.id} shift"))
        object.__setattr__(self, "skills", frozenset(self.skills))
        if self.territory is not None:
            object.__setattr__(self, "territory", frozenset(self.territory))
        if int(self.capacity) != self.capacity or self.capacity < 0:
            raise ValueError(f"technician {self.id}: capacity={self.capacity} must be an integer ≥ 0")
        if self.available_at is not None and not math.isfinite(self.available_at):
            raise ValueError(f"technician {self.id}: available_at must be finite minutes or None")

    @property
    def start(self) -> float:
        """Minute they can leave ``position``."""
        return self.shift[0] if self.available_at is None else max(self.shift[0], self.available_at)


@dataclass(frozen=True, eq=False)
class Problem:
    """Jobs, technicians and the travel model.

    Raises:
        ValueError: on duplicate ids or a pin to an unknown technician.
    """

    jobs: tuple[Job, ...]
    technicians: tuple[Technician, ...]
    travel: Travel = field(default_factory=HaversineTravel)
    credit_km: float = 5.0
    """Extra km a job costs per 100 points of credit a technician lacks (0 turns the preference off)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "jobs", tuple(self.jobs))
        object.__setattr__(self, "technicians", tuple(self.technicians))
        for kind, items in (("job", self.jobs), ("technician", self.technicians)):
            ids = [x.id for x in items]
            if len(set(ids)) != len(ids):
                dup = sorted({i for i in ids if ids.count(i) > 1})
                raise ValueError(f"duplicate {kind} ids {dup}; give every {kind} a unique id")
        techs = {t.id for t in self.technicians}
        for job in self.jobs:
            if job.pinned is not None and job.pinned not in techs:
                raise ValueError(
                    f"job {job.id} is pinned to unknown technician {job.pinned!r}; add the technician or clear the pin"
                )
        if not (math.isfinite(self.credit_km) and self.credit_km >= 0):
            raise ValueError(f"credit_km={self.credit_km} must be ≥ 0 km")
        if not isinstance(self.travel, Travel):
            raise ValueError("travel must have a matrices(origins, destinations) method; see travel.Travel")

    def credit_surcharge_km(self, tech: Technician) -> float:
        """What giving ``tech`` one job costs beyond the drive, for credit below 100."""
        return self.credit_km * (100.0 - tech.credit) / 100.0

    @cached_property
    def job_index(self) -> dict[str, int]:
        return {j.id: i for i, j in enumerate(self.jobs)}

    @cached_property
    def technician_index(self) -> dict[str, int]:
        return {t.id: i for i, t in enumerate(self.technicians)}

    def job(self, job_id: str) -> Job:
        return self.jobs[self.job_index[job_id]]

    def technician(self, technician_id: str) -> Technician:
        return self.technicians[self.technician_index[technician_id]]

    def with_job(self, job: Job) -> Problem:
        """The same problem with one more job (a new ticket arriving during the day)."""
        return replace(self, jobs=(*self.jobs, job))

    def with_technicians(self, technicians: Iterable[Technician]) -> Problem:
        """The same jobs with updated technicians (positions and availability as the day goes on)."""
        return replace(self, technicians=tuple(technicians))

    # -- travel ---------------------------------------------------------------

    @cached_property
    def points(self) -> list[Point]:
        """Node order of :attr:`km` / :attr:`minutes`: jobs, technician positions, technician homes."""
        return (
            [j.location for j in self.jobs]
            + [t.position for t in self.technicians]
            + [t.home for t in self.technicians]  # type: ignore[misc]
        )

    @cached_property
    def _matrices(self) -> tuple[np.ndarray, np.ndarray]:
        pts = self.points
        if not pts:
            return np.zeros((0, 0)), np.zeros((0, 0))
        km, minutes = self.travel.matrices(pts, pts)
        return np.asarray(km, dtype=float), np.asarray(minutes, dtype=float)

    @property
    def km(self) -> np.ndarray:
        return self._matrices[0]

    @property
    def minutes(self) -> np.ndarray:
        return self._matrices[1]

    def node_of_job(self, job_id: str) -> int:
        return self.job_index[job_id]

    def node_of_start(self, technician_id: str) -> int:
        return len(self.jobs) + self.technician_index[technician_id]

    def node_of_home(self, technician_id: str) -> int:
        return len(self.jobs) + len(self.technicians) + self.technician_index[technician_id]

    # -- hard rules -------------------------------------------------------------

    def allowed(self, tech: Technician, job: Job) -> bool:
        """Skills, territory and pin: may ``tech`` take ``job`` at all?"""
        if job.pinned is not None and job.pinned != tech.id:
            return False
        if not job.skills <= tech.skills:
            return False
        return tech.territory is None or job.district is None or job.district in tech.territory

    def deadline_reachable(self, job: Job) -> bool:
        """Could any allowed technician, sent at once, arrive by the SLA deadline?

        This is the "where reachable at all" of the 30-minute promise: when it
        is False the deadline is waived (and reported), not the job dropped.
        """
        if job.deadline is None:
            return True
        j = self.node_of_job(job.id)
        for tech in self.technicians:
            if self.allowed(tech, job):
                leave = max(tech.start, job.release)
                if leave + self.minutes[self.node_of_start(tech.id), j] <= job.deadline + 1e-9:
                    return True
        return False

    @cached_property
    def _latest(self) -> dict[str, float]:
        out = {}
        for job in self.jobs:
            late = job.window[1]
            if job.deadline is not None and job.deadline < late and self.deadline_reachable(job):
                late = job.deadline
            out[job.id] = late
        return out

    def latest_start(self, job: Job) -> float:
        """Latest arrival the plan must meet: window end, or the SLA deadline when reachable."""
        return self._latest[job.id]
