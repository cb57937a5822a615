from dataclasses import replace

from anxin.service.dispatch.optimizer import (
    EuclideanTravel,
    Job,
    Plan,
    Problem,
    Route,
    Technician,
    Unassigned,
    build_plan,
    violations,
)


def _problem(**job_kw):
    job = Job("a", (3, 4), window=(0, 100), duration=10, **job_kw)
    techs = [
        Technician("t", (0, 0), skills={"lock"}, shift=(0, 200), capacity=1),
        Technician("u", (0, 0), shift=(0, 200)),
    ]
    return Problem([job, Job("b", (6, 8), window=(0, 100))], techs, EuclideanTravel())


def _kinds(problem, plan):
    return sorted(v.kind for v in violations(problem, plan))


def test_a_feasible_plan_has_no_violations():
    p = _problem(skills={"lock"})
    assert violations(p, build_plan(p, {"t": ["a"], "u": ["b"]})) == []


def test_each_rule_is_detected():
    p = _problem(skills={"lock"})
    assert _kinds(p, build_plan(p, {"u": ["a", "b"]})) == ["skill"]
    assert _kinds(p, build_plan(p, {"t": ["a", "b"]})) == ["capacity"]
    assert _kinds(p, build_plan(p, {"t": ["a"]})) == ["missing"]
    assert _kinds(p, build_plan(p, {"t": ["a"], "u": ["b"]}, {"b": "x"})) == ["duplicate"]
    assert _kinds(p, build_plan(p, {"t": ["a"]}, {"b": " "})) == ["reason"]
    pinned = _problem(pinned="t")
    assert _kinds(pinned, build_plan(pinned, {"u": ["a", "b"]})) == ["pin"]
    tight = _problem(skills={"lock"})
    tight = replace(tight, jobs=(replace(tight.jobs[0], window=(0, 4)), tight.jobs[1]))
    assert _kinds(tight, build_plan(tight, {"t": ["a"], "u": ["b"]})) == ["window"]
    short = replace(p, technicians=(replace(p.technicians[0], shift=(0, 15)), p.technicians[1]))
    assert _kinds(short, build_plan(short, {"t": ["a"], "u": ["b"]})) == ["shift"]


def test_deadline_is_enforced_when_reachable_and_waived_when_not():
    p = _problem(deadline=20)
    plan = build_plan(p, {"u": ["b", "a"]})  # b first (10 km, 30 min on site), so a is reached at 45
    late = [v for v in violations(p, plan) if v.kind == "deadline"]
    assert plan.visit("a").start > 20 and len(late) == 1
    far = Problem(
        [Job("f", (100, 0), window=(0, 500), deadline=30)], [Technician("t", (0, 0), shift=(0, 900))], EuclideanTravel()
    )
    assert violations(far, build_plan(far, {"t": ["f"]})) == []


def test_reported_times_must_follow_from_the_order():
    p = _problem(skills={"lock"})
    plan = build_plan(p, {"t": ["a"], "u": ["b"]})
    route = plan.route("t")
    forged = replace(route, visits=(replace(route.visits[0], start=0.0),))
    bad = Plan((forged, plan.route("u")), ())
    assert _kinds(p, bad) == ["schedule"]


def test_unknown_jobs_and_technicians():
    p = _problem(skills={"lock"})
    plan = build_plan(p, {"t": ["a"], "u": ["b"]})
    extra = Plan((*plan.routes, Route("ghost", ())), (Unassigned("zzz", "gone"),))
    assert _kinds(p, extra) == ["unknown", "unknown"]
