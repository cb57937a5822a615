from anxin.service.dispatch.optimizer import EuclideanTravel, Job, Problem, Technician
from anxin.service.dispatch.optimizer.screening import screen


def _p(job, **tech_kw):
    tech = Technician(**{"id": "t", "position": (0, 0), "shift": (0, 100), **tech_kw})
    return Problem([job], [tech], EuclideanTravel())


def test_reasons_name_the_rule_and_the_numbers():
    territory = _p(Job("j", (1, 0), window=(0, 50), district="510104"), territory={"510105"})
    assert screen(territory, territory.jobs[0]) == "no technician with skill(s) (none) covers district 510104"
    load = _p(Job("j", (1, 0), window=(0, 50), load=3), capacity=2)
    assert screen(load, load.jobs[0]) == "load 3 exceeds the capacity of every allowed technician"
    shift = _p(Job("j", (40, 0), window=(0, 50), duration=30))
    assert "back home after their shift (t)" in screen(shift, shift.jobs[0])
    pin = _p(Job("j", (1, 0), window=(0, 50), district="9", pinned="t"), territory={"1"})
    assert screen(pin, pin.jobs[0]) == "pinned to t, whose territory does not include district 9"
    fine = _p(Job("j", (1, 0), window=(0, 50)))
    assert screen(fine, fine.jobs[0]) is None
