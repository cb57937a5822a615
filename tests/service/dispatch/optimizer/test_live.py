import time
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anxin.service.dispatch.optimizer import (
    EuclideanTravel,
    Job,
    Problem,
    Technician,
    build_plan,
    insert,
    replan,
    solve,
    violations,
)
from anxin.service.dispatch.optimizer.insertion import locked_prefix

from .conftest import problems


def _day():
    techs = [Technician("t", (0, 0), shift=(0, 600)), Technician("u", (50, 0), shift=(0, 600))]
    jobs = [Job(f"j{i}", (10 * i, 5), window=(60 * i, 60 * i + 120), duration=30) for i in range(5)]
    return Problem(jobs, techs, EuclideanTravel())


def test_insert_keeps_visits_under_way_and_meets_the_deadline():
    p = _day()
    plan = solve(p, time_limit=0.3, max_iterations=300)
    now = 100.0
    locked = locked_prefix(p, plan, now)
    urgent = Job("U", (22, 3), window=(now, now + 120), deadline=now + 30, priority=3, release=now)
    after = insert(p, plan, urgent, now=now)
    p2 = p.with_job(urgent)
    assert violations(p2, after) == []
    assert after.visit("U").start <= now + 30
    for tid, n in locked.items():
        assert after.route(tid).job_ids[:n] == plan.route(tid).job_ids[:n]
        for old, new in zip(plan.route(tid).visits[:n], after.route(tid).visits[:n], strict=True):
            assert old.start == new.start
    assert after.stats["insert_ms"] < 1000


def test_insert_rejects_a_duplicate_id():
    p = _day()
    plan = solve(p, time_limit=0.2, max_iterations=100)
    try:
        insert(p, plan, p.jobs[0])
    except ValueError as exc:
        assert "already in the problem" in str(exc)
    else:
        raise AssertionError("expected ValueError")


def test_when_nothing_fits_the_technician_is_sent_and_their_other_job_moves():
    # t is fully booked (capacity 1) with a normal job that u could also do; the urgent job is next to t.
    techs = [Technician("t", (0, 0), shift=(0, 600), capacity=1), Technician("u", (40, 0), shift=(0, 600))]
    p = Problem([Job("n", (5, 0), window=(200, 400))], techs, EuclideanTravel())
    plan = solve(p, time_limit=0.2, max_iterations=200)
    assert plan.assignment == {"n": "t"}
    urgent = Job("U", (1, 0), window=(10, 130), deadline=25, priority=3, release=10)
    after = insert(p, plan, urgent, now=10)
    assert after.assignment == {"U": "t", "n": "u"}
    assert after.stats["cleared"] == 1.0
    assert violations(p.with_job(urgent), after) == []


def _chain():
    """t is full (A, B); B could go to u, but u is full with C, which only w could take over.

    Windows open at 100, so at minute 0 nobody has left yet and every booked job can still move.
    """
    techs = [
        Technician("t", (0, 0), skills={"x", "y"}, shift=(0, 600), capacity=2),
        Technician("u", (20, 0), skills={"y", "z"}, shift=(0, 600), capacity=1),
        Technician("w", (40, 0), skills={"z"}, shift=(0, 600), capacity=1),
    ]
    jobs = [
        Job("A", (1, 0), window=(100, 500), duration=5, skills={"x"}),
        Job("B", (10, 0), window=(100, 500), duration=5, skills={"y"}),
        Job("C", (21, 0), window=(100, 500), duration=5, skills={"z"}),
    ]
    p = Problem(jobs, techs, EuclideanTravel())
    urgent = Job("U", (0, 1), window=(0, 200), duration=5, skills={"x"}, deadline=10, priority=3)
    return p, build_plan(p, {"t": ["A", "B"], "u": ["C"]}), urgent


def test_replan_finds_the_chain_that_a_single_move_cannot():
    p, plan, urgent = _chain()
    after = insert(p, plan, urgent, now=0, time_limit=0.3)
    assert after.stats["replan"] == 1.0
    assert after.assignment == {"U": "t", "A": "t", "B": "u", "C": "w"}
    assert violations(p.with_job(urgent), after) == []


def test_without_replan_the_cheapest_bump_is_made_and_explained():
    p, plan, urgent = _chain()
    after = insert(p, plan, urgent, now=0, time_limit=0)
    assert after.assignment == {"U": "t", "A": "t", "C": "u"}
    assert after.reason("B") == "bumped by urgent job U; no other allowed technician can fit it in its window"
    assert violations(p.with_job(urgent), after) == []


def test_pinned_jobs_are_never_bumped():
    p, plan, urgent = _chain()
    pinned = Problem(tuple(replace(j, pinned="t") if j.id in "AB" else j for j in p.jobs), p.technicians, p.travel)
    after = insert(pinned, build_plan(pinned, plan.sequences()), urgent, now=0, time_limit=0)
    assert after.assignment == {"A": "t", "B": "t", "C": "u"}
    assert after.reason("U")


def test_replan_keeps_started_work_and_respects_pins():
    p = _day()
    pinned = Problem(
        tuple(j if j.id != "j3" else Job("j3", j.location, window=j.window, duration=30, pinned="u") for j in p.jobs),
        p.technicians,
        p.travel,
    )
    plan = solve(pinned, time_limit=0.2, max_iterations=200)
    again = replan(pinned, plan, now=70, time_limit=0.2)
    assert again.assignment.get("j3") == "u"
    assert violations(pinned, again) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_jobs=6), st.integers(0, 200), st.integers(0, 40), st.integers(0, 40))
def test_insert_never_breaks_a_rule(problem, now, x, y):
    plan = solve(problem, time_limit=0.2, seed=0, max_iterations=100)
    job = Job("new", (x, y), window=(now, now + 90), deadline=now + 30, priority=3, release=now, duration=15)
    t0 = time.perf_counter()
    after = insert(problem, plan, job, now=now, time_limit=0.05)
    assert time.perf_counter() - t0 < 2.0
    assert violations(problem.with_job(job), after) == []
    for tid, n in locked_prefix(problem, plan, now).items():  # work under way never moves
        assert after.route(tid).job_ids[:n] == plan.route(tid).job_ids[:n]
