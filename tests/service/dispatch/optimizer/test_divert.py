"""Turning a technician round on the road for an urgent job (live._divertible, live._clear_the_way)."""

from dataclasses import replace

from anxin.service.dispatch.optimizer import (
    EuclideanTravel,
    Job,
    MatrixTravel,
    Problem,
    Technician,
    build_plan,
    insert,
    violations,
)
from anxin.service.dispatch.optimizer.insertion import locked_prefix


def _road(booked_window=(40, 200), pinned=None, travel=None):
    """t leaves home (0, 0) at 0 for booked job B at (40, 0); u is far away at (200, 0).

    At minute 10 t is on the road to B. The urgent job U at (20, 2) is on the way: only t can reach
    it by its deadline (33), and only by going there before B.
    """
    techs = [Technician("t", (0, 0), shift=(0, 400)), Technician("u", (200, 0), shift=(0, 400))]
    booked = Job("B", (40, 0), window=booked_window, duration=20, pinned=pinned)
    p = Problem([booked], techs, travel or EuclideanTravel())
    plan = build_plan(p, {"t": ["B"]})
    urgent = Job("U", (20, 2), window=(10, 130), duration=10, deadline=33, priority=3, release=10)
    return p, plan, urgent


def test_a_technician_on_the_road_is_turned_to_the_urgent_job_and_still_serves_the_booked_one():
    p, plan, urgent = _road()
    assert locked_prefix(p, plan, 10) == {"t": 1, "u": 0}  # t has left for B
    after = insert(p, plan, urgent, now=10, time_limit=0)
    assert after.sequences()["t"] == ["U", "B"]
    assert after.stats["diverted"] == 1.0
    assert after.visit("U").start <= 33
    assert after.visit("B").start <= 200  # the booked customer is still served in their window
    assert violations(p.with_job(urgent), after) == []


def test_no_diversion_when_the_booked_job_would_miss_its_window():
    # B's window closes at 45: going to U first (arrive ~30, 10 min on site, 20 more to B) is too late.
    p, plan, urgent = _road(booked_window=(40, 45))
    after = insert(p, plan, urgent, now=10, time_limit=0)
    assert after.sequences()["t"] == ["B"]
    assert after.visit("B").start <= 45
    assert "U" not in after.assignment and after.reason("U")
    assert violations(p.with_job(urgent), after) == []


def test_a_technician_driving_to_a_pinned_job_is_never_diverted():
    p, plan, urgent = _road(pinned="t")
    after = insert(p, plan, urgent, now=10, time_limit=0)
    assert after.sequences()["t"] == ["B"]
    assert "U" not in after.assignment
    assert violations(p.with_job(urgent), after) == []


def test_no_diversion_away_from_the_road_the_plan_could_not_time_honestly():
    # U lies behind t (at (-15, 0)): from wherever t is on the road to B, U is further than the plan's
    # "leave home at 10" timing says, so the move is not offered even though the deadline would allow it.
    p, plan, _ = _road()
    behind = Job("U", (-15, 0), window=(10, 130), duration=10, deadline=40, priority=3, release=10)
    after = insert(p, plan, behind, now=10, time_limit=0)
    assert after.sequences()["t"] == ["B"]
    assert "U" not in after.assignment


def test_no_diversion_with_a_road_network_matrix():
    # Between two matrix points the technician's position is unknown, so nobody is turned round.
    pts = [(0.0, 0.0), (40.0, 0.0), (200.0, 0.0), (20.0, 2.0)]
    minutes = [[abs(a[0] - b[0]) + abs(a[1] - b[1]) for b in pts] for a in pts]
    p, plan, urgent = _road(travel=MatrixTravel(pts, minutes, minutes))
    after = insert(p, plan, urgent, now=10, time_limit=0)
    assert after.sequences()["t"] == ["B"]
    assert "U" not in after.assignment


def test_a_technician_on_site_is_not_diverted():
    p, plan, urgent = _road()
    late = replace(urgent, window=(45, 165), deadline=85, release=45)  # t is working at B from 40 to 60
    after = insert(p, plan, late, now=45, time_limit=0)
    assert after.sequences()["t"] == ["B", "U"]
    assert "diverted" not in after.stats
