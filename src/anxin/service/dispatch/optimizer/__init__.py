"""Dispatch optimizer (pure): problem model, PyVRP-backed solver, baseline, independent checker.

``solve(problem, *, time_limit, seed) -> Plan`` plans a day; ``insert`` adds a
job to a running plan; ``baseline.nearest_free`` is what a human dispatcher
does; ``check.violations`` re-derives every hard rule without the solver.
"""

from .baseline import nearest_free
from .check import Violation, violations
from .live import insert, replan
from .plan import Plan, Route, Unassigned, Visit, build_plan
from .problem import Job, Problem, Technician
from .solve import solve
from .travel import EuclideanTravel, HaversineTravel, MatrixTravel, Point, Travel

__all__ = [
    "EuclideanTravel",
    "HaversineTravel",
    "Job",
    "MatrixTravel",
    "Plan",
    "Point",
    "Problem",
    "Route",
    "Technician",
    "Travel",
    "Unassigned",
    "Violation",
    "Visit",
    "build_plan",
    "insert",
    "nearest_free",
    "replan",
    "solve",
    "violations",
]
