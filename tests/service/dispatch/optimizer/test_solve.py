import random

import pytest
from hypothesis import HealthCheck, given, settings

from anxin.service.dispatch.optimizer import EuclideanTravel, Job, Plan, Problem, Technician, solve, violations
from anxin.service.dispatch.optimizer.insertion import best_insertion

from .conftest import brute_force, problems

FAST = {"time_limit": 0.5, "max_iterations": 300}


def _served_prize(problem: Problem, plan: Plan) -> int:
    return sum(10 ** (problem.job(j).priority - 1 + (problem.job(j).pinned is not None)) for j in plan.assignment)


def _random_tiny(seed: int) -> Problem:
    rng = random.Random(seed)
    techs = [
        Technician(
            f"t{k}",
            (rng.randint(0, 30), rng.randint(0, 30)),
            skills=set(rng.sample("ab", rng.randint(1, 2))),
            shift=(0, rng.randint(80, 200)),
            capacity=rng.randint(2, 4),
        )
        for k in range(2)
    ]
    jobs = []
    for i in range(rng.randint(3, 5)):
        lo = rng.randint(0, 80)
        jobs.append(
            Job(
                f"j{i}",
                (rng.randint(0, 30), rng.randint(0, 30)),
                window=(lo, lo + rng.randint(5, 60)),
                duration=rng.randint(5, 20),
                skills=set(rng.sample("ab", rng.randint(0, 1))),
                priority=rng.choice((1, 1, 3)),
            )
        )
    return Problem(jobs, techs, EuclideanTravel())


@pytest.mark.parametrize("seed", range(20))
def test_tiny_instances_match_brute_force(seed):
    problem = _random_tiny(seed)
    plan = solve(problem, time_limit=1.0, seed=seed, max_iterations=3000)
    assert violations(problem, plan) == []
    prize, km = brute_force(problem)
    assert _served_prize(problem, plan) == prize
    assert plan.travel_km == pytest.approx(km, abs=0.02)


def test_brute_force_oracle_can_tell_a_worse_plan():
    # Guards the comparison above: the oracle's optimum is strictly better than a deliberately bad order.
    problem = Problem(
        [Job("a", (10, 0), window=(0, 100)), Job("b", (20, 0), window=(0, 100))],
        [Technician("t", (0, 0), shift=(0, 500))],
        EuclideanTravel(),
    )
    assert brute_force(problem) == (2, 40.0)
    assert solve(problem, **FAST).travel_km == pytest.approx(40.0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_plan_passes_the_independent_checker(problem):
    plan = solve(problem, time_limit=0.3, seed=0, max_iterations=150)
    assert violations(problem, plan) == []
    for u in plan.unassigned:
        assert u.reason


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_pinned_jobs_go_to_their_technician_or_say_why(problem):
    plan = solve(problem, time_limit=0.3, seed=0, max_iterations=150)
    for job in problem.jobs:
        if job.pinned is not None:
            if job.id in plan.assignment:
                assert plan.assignment[job.id] == job.pinned
            else:
                assert plan.reason(job.id)


def test_pin_overrides_the_cheaper_technician():
    jobs = [Job("near_u", (100, 0), window=(0, 500), pinned="t"), Job("free", (0, 5), window=(0, 500))]
    techs = [Technician("t", (0, 0), shift=(0, 1000)), Technician("u", (100, 1), shift=(0, 1000))]
    problem = Problem(jobs, techs, EuclideanTravel())
    plan = solve(problem, **FAST)
    assert plan.assignment == {"near_u": "t", "free": "t"}
    assert "pinned by the dispatcher" in plan.visit("near_u").why
    assert violations(problem, plan) == []


def test_infeasible_jobs_are_reported_with_reasons_not_raised():
    jobs = [
        Job("needs_safe", (1, 1), window=(0, 100), skills={"safe"}),
        Job("too_far", (500, 0), window=(0, 50)),
        Job("pinned_wrong", (2, 2), window=(0, 100), skills={"safe"}, pinned="t"),
        Job("ok", (3, 3), window=(0, 100)),
    ]
    problem = Problem(jobs, [Technician("t", (0, 0), shift=(0, 1000))], EuclideanTravel())
    plan = solve(problem, **FAST)
    assert plan.assignment == {"ok": "t"}
    assert plan.reason("needs_safe") == "no technician has the skill(s) safe"
    assert "window closes 00:50" in plan.reason("too_far")
    assert "lacks skill(s) safe" in plan.reason("pinned_wrong")
    assert violations(problem, plan) == []


def test_over_capacity_keeps_the_urgent_job_and_explains_the_dropped_one():
    jobs = [
        Job("normal", (5, 0), window=(0, 100)),
        Job("urgent", (0, 5), window=(0, 100), priority=3),
    ]
    problem = Problem(jobs, [Technician("t", (0, 0), shift=(0, 1000), capacity=1)], EuclideanTravel())
    plan = solve(problem, **FAST)
    assert plan.assignment == {"urgent": "t"}
    assert "booked" in plan.reason("normal")


def test_unreachable_sla_deadline_is_waived_and_said():
    job = Job("far", (60, 0), window=(0, 200), deadline=30, priority=3)
    problem = Problem([job], [Technician("t", (0, 0), shift=(0, 1000))], EuclideanTravel())
    plan = solve(problem, **FAST)
    assert plan.assignment == {"far": "t"}
    assert "waived" in plan.visit("far").why
    assert violations(problem, plan) == []


def test_warm_start_and_empty_problems():
    problem = _random_tiny(3)
    first = solve(problem, **FAST)
    again = solve(problem, initial=first, **FAST)
    assert again.travel_km <= first.travel_km + 1e-9
    assert solve(Problem([], [], EuclideanTravel()), **FAST).routes == ()
    none = solve(Problem([Job("x", (0, 0), window=(0, 1))], [], EuclideanTravel()), **FAST)
    assert none.reason("x") == "there are no technicians on shift"


def test_rejects_a_non_positive_time_limit():
    with pytest.raises(ValueError, match="time_limit"):
        solve(_random_tiny(0), time_limit=0)


def test_on_call_technician_is_kept_for_urgent_work():
    techs = [
        Technician("standby", (0, 0), shift=(0, 500), on_call=True),
        Technician("regular", (20, 0), shift=(0, 500)),
    ]
    booked = Job("booked", (1, 0), window=(0, 200))
    problem = Problem([booked], techs, EuclideanTravel())
    assert solve(problem, **FAST).assignment == {"booked": "regular"}
    urgent = Job("urgent", (1, 1), window=(0, 200), deadline=10, priority=3)
    both = Problem([booked, urgent], techs, EuclideanTravel())
    assert solve(both, **FAST).assignment == {"booked": "regular", "urgent": "standby"}
    only_standby = Problem([booked], techs[:1], EuclideanTravel())
    assert solve(only_standby, **FAST).assignment == {"booked": "standby"}  # nobody else can


def test_higher_credit_wins_a_similar_drive_but_not_a_much_longer_one():
    """credit_km = 5: forty points less credit weigh as 2 km more per job."""
    low, high = Technician("low", (0, 0), shift=(0, 500), credit=60), Technician("high", (1, 0), shift=(0, 500))
    near_low = Job("j", (0.4, 0), window=(0, 200))  # 0.4 km from low, 0.6 km from high
    assert solve(Problem([near_low], [low, high], EuclideanTravel()), **FAST).assignment == {"j": "high"}
    far = Technician("high", (10, 0), shift=(0, 500))  # now 9.5 km more for the better-rated one
    plan = solve(Problem([near_low], [low, far], EuclideanTravel()), **FAST)
    assert plan.assignment == {"j": "low"} and "credit 60" in plan.visit("j").why
    neutral = Problem([near_low], [low, high], EuclideanTravel(), credit_km=0)
    assert solve(neutral, **FAST).assignment == {"j": "low"}  # without the preference the nearer one goes
    with pytest.raises(ValueError, match="credit=120"):
        Technician("x", (0, 0), credit=120)


def test_live_insertion_prefers_credit_the_same_way():
    low, high = Technician("low", (0, 0), shift=(0, 500), credit=50), Technician("high", (1, 0), shift=(0, 500))
    problem = Problem([Job("j", (0.4, 0), window=(0, 200))], [low, high], EuclideanTravel())
    assert best_insertion(problem, {}, problem.job("j"), {})[1] == "high"  # 0.6 km vs 0.4 km + 2.5 km
