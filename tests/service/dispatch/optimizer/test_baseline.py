from hypothesis import HealthCheck, given, settings

from anxin.service.dispatch.optimizer import EuclideanTravel, Job, Problem, Technician, nearest_free, violations

from .conftest import problems


def test_each_job_goes_to_the_nearest_free_skilled_technician():
    techs = [
        Technician("near", (1, 0), shift=(0, 500)),
        Technician("skilled", (30, 0), skills={"safe"}, shift=(0, 500)),
    ]
    jobs = [Job("plain", (0, 0), window=(0, 100)), Job("safe", (0, 1), window=(0, 100), skills={"safe"})]
    plan = nearest_free(Problem(jobs, techs, EuclideanTravel()))
    assert plan.assignment == {"plain": "near", "safe": "skilled"}


def test_busy_technician_is_passed_over_for_a_free_one_then_queues_when_nobody_is_free():
    techs = [Technician("a", (0, 0), shift=(0, 1000)), Technician("b", (20, 0), shift=(0, 1000))]
    jobs = [
        Job("first", (0, 0), window=(0, 10), duration=60),
        Job("second", (1, 0), window=(10, 20), duration=60),  # a is busy until 60: b is free
        Job("third", (2, 0), window=(20, 30), duration=10),  # nobody free: a frees up first (60)
    ]
    plan = nearest_free(Problem(jobs, techs, EuclideanTravel()))
    assert plan.sequences() == {"a": ["first", "third"], "b": ["second"]}
    assert plan.visit("third").start > 30  # late: the baseline does not re-order


def test_baseline_arrives_late_rather_than_refuse_and_the_checker_sees_it():
    p = Problem(
        [Job("x", (0, 0), window=(0, 10), duration=50), Job("y", (0, 0), window=(0, 10))],
        [Technician("t", (0, 0), shift=(0, 500))],
        EuclideanTravel(),
    )
    plan = nearest_free(p)
    assert [v.kind for v in violations(p, plan)] == ["window"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_baseline_never_breaks_skills_pins_capacity_or_shifts(problem):
    plan = nearest_free(problem)
    kinds = {v.kind for v in violations(problem, plan)}
    assert kinds <= {"window", "deadline"}


def test_baseline_also_keeps_on_call_technicians_for_urgent_work():
    techs = [
        Technician("standby", (0, 0), shift=(0, 500), on_call=True),
        Technician("regular", (20, 0), shift=(0, 500)),
    ]
    jobs = [Job("booked", (1, 0), window=(0, 200)), Job("urgent", (1, 1), window=(5, 200), deadline=30, release=5)]
    assert nearest_free(Problem(jobs, techs, EuclideanTravel())).assignment == {
        "booked": "regular",
        "urgent": "standby",
    }
