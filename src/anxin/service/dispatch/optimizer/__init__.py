"""Dispatch optimizer (pure, issue 5): who goes where, in what order, and why.

Problem: field-service dispatch as a prize-collecting VRPTW with skills,
territories, pins, SLA deadlines and live insertions. ``solve`` plans a day
with PyVRP behind the model (O(P · N²) to build, then ``time_limit`` seconds);
``insert`` adds a job to a running plan in milliseconds to a fraction of a
second; ``replan`` re-optimises what has not started; ``nearest_free`` is what
a human dispatcher does; ``check.violations`` re-derives every hard rule
without the solver. Imports no web, database or UI code.

>>> day = Problem(
...     [Job("B001", (104.06, 30.67), window=(540, 660), duration=45, skills={"索立捷:智能锁"}),
...      Job("B002", (104.12, 30.60), window=(540, 660), duration=30)],
...     [Technician("T01", (104.10, 30.66), skills={"索立捷:智能锁"}, shift=(480, 1080))])
>>> plan = solve(day, time_limit=0.2, seed=0)
>>> sorted(plan.assignment.items()), violations(day, plan)
([('B001', 'T01'), ('B002', 'T01')], [])
>>> urgent = Job("U001", (104.07, 30.66), window=(570, 690), deadline=600, priority=3, release=570)
>>> later = insert(day, plan, urgent, now=570)     # T01 is on site at B001 until 09:45
>>> later.sequences()["T01"], later.visit("U001").start <= 600, violations(day.with_job(urgent), later)
(['B001', 'U001', 'B002'], True, [])
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
