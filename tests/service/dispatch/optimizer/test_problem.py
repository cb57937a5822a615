import pytest

from anxin.service.dispatch.optimizer import EuclideanTravel, Job, Problem, Technician


def _tech(**kw):
    return Technician(**{"id": "t", "position": (0, 0), "shift": (0, 100), **kw})


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Job("", (0, 0), window=(0, 1)), "non-empty"),
        (lambda: Job("j", (0,), window=(0, 1)), "pair"),
        (lambda: Job("j", (0, 0), window=(5, 1)), "earliest ≤ latest"),
        (lambda: Job("j", (0, 0), window=(0, 1), duration=-1), "duration"),
        (lambda: Job("j", (0, 0), window=(0, 1), priority=0), "priority"),
        (lambda: Job("j", (0, 0), window=(0, 1), load=-1), "load"),
        (lambda: Job("j", (0, 0), window=(10, 20), deadline=5), "before the window opens"),
        (lambda: _tech(capacity=-1), "capacity"),
        (lambda: _tech(shift=(10, 0)), "earliest ≤ latest"),
    ],
)
def test_constructors_validate_with_a_fix(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_problem_rejects_duplicates_and_unknown_pins():
    job = Job("j", (0, 0), window=(0, 1))
    with pytest.raises(ValueError, match="duplicate job ids"):
        Problem([job, job], [_tech()])
    with pytest.raises(ValueError, match="duplicate technician ids"):
        Problem([], [_tech(), _tech()])
    with pytest.raises(ValueError, match="unknown technician 'x'"):
        Problem([Job("j", (0, 0), window=(0, 1), pinned="x")], [_tech()])


def test_allowed_checks_skills_territory_and_pin():
    t = _tech(skills={"a", "b"}, territory={"510104"})
    p = Problem([], [t, _tech(id="u")], EuclideanTravel())
    assert p.allowed(t, Job("j", (0, 0), window=(0, 1), skills={"a"}, district="510104"))
    assert not p.allowed(t, Job("j", (0, 0), window=(0, 1), skills={"c"}))
    assert not p.allowed(t, Job("j", (0, 0), window=(0, 1), district="510105"))
    assert p.allowed(t, Job("j", (0, 0), window=(0, 1)))  # no district: territory does not apply
    assert not p.allowed(t, Job("j", (0, 0), window=(0, 1), pinned="u"))


def test_deadline_applies_only_when_someone_could_make_it():
    near = Job("near", (10, 0), window=(0, 100), deadline=20)
    far = Job("far", (50, 0), window=(0, 100), deadline=20)
    late_release = Job("rel", (10, 0), window=(60, 100), deadline=65, release=60)
    p = Problem([near, far, late_release], [_tech()], EuclideanTravel())
    assert p.latest_start(near) == 20
    assert p.latest_start(far) == 100  # waived: nobody reaches it by 20
    assert p.latest_start(late_release) == 100  # leaves at 60, arrives 70 > 65


def test_with_job_and_node_layout():
    p = Problem([Job("a", (1, 0), window=(0, 9))], [_tech(home=(5, 5))], EuclideanTravel())
    q = p.with_job(Job("b", (2, 0), window=(0, 9)))
    assert [j.id for j in q.jobs] == ["a", "b"] and len(p.jobs) == 1
    assert q.points[q.node_of_home("t")] == (5.0, 5.0)
    assert q.km[q.node_of_start("t"), q.node_of_job("b")] == 2.0
