import math

import numpy as np
import pytest

from anxin.service.dispatch.optimizer import EuclideanTravel, HaversineTravel, MatrixTravel, Travel


def test_haversine_one_degree_of_latitude_is_111_km_times_the_road_factor():
    km, _ = HaversineTravel(road_factor=1.0).matrices([(104.0, 30.0)], [(104.0, 31.0)])
    assert km[0, 0] == pytest.approx(111.19, abs=0.05)
    km13, _ = HaversineTravel(road_factor=1.3).matrices([(104.0, 30.0)], [(104.0, 31.0)])
    assert km13[0, 0] == pytest.approx(1.3 * km[0, 0])


def test_time_is_urban_speed_first_then_rural():
    t = HaversineTravel(road_factor=1.0, urban_speed_kmh=20, rural_speed_kmh=60, urban_km=5)
    km, minutes = t.matrices([(104.0, 30.0)], [(104.0, 31.0)])
    expected = 60 * (5 / 20 + (km[0, 0] - 5) / 60)
    assert minutes[0, 0] == pytest.approx(expected)
    short_km, short_min = t.matrices([(104.0, 30.0)], [(104.0, 30.01)])
    assert short_min[0, 0] == pytest.approx(60 * short_km[0, 0] / 20)


def test_matrices_are_zero_on_the_diagonal_and_symmetric():
    pts = [(103.5, 30.2), (104.1, 30.7), (104.5, 30.4)]
    for travel in (HaversineTravel(), EuclideanTravel()):
        km, minutes = travel.matrices(pts, pts)
        assert np.allclose(np.diag(km), 0) and np.allclose(np.diag(minutes), 0)
        assert np.allclose(km, km.T) and np.allclose(minutes, minutes.T)
        assert isinstance(travel, Travel)


def test_euclidean_speed():
    km, minutes = EuclideanTravel(speed=2).matrices([(0, 0)], [(6, 8)])
    assert (km[0, 0], minutes[0, 0]) == (10.0, 5.0)


def test_matrix_travel_looks_up_by_point_and_refuses_unknown_points():
    m = MatrixTravel([(0, 0), (1, 0)], [[0, 3], [4, 0]], [[0, 7], [9, 0]])
    km, minutes = m.matrices([(0, 0), (1, 0)], [(1, 0)])
    assert km.tolist() == [[3.0], [0.0]] and minutes.tolist() == [[7.0], [0.0]]
    with pytest.raises(ValueError, match="not in the matrix"):
        m.matrices([(5, 5)], [(0, 0)])


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: HaversineTravel(road_factor=0.9), "road_factor"),
        (lambda: HaversineTravel(urban_speed_kmh=0), "positive"),
        (lambda: HaversineTravel(urban_km=-1), "urban_km"),
        (lambda: EuclideanTravel(speed=0), "speed"),
        (lambda: MatrixTravel([(0, 0)], [[0, 1]], [[0]]), "1×1"),
        (lambda: MatrixTravel([(0, 0)], [[-1]], [[0]]), "non-negative"),
        (lambda: MatrixTravel([(0, 0), (0, 0)], [[0, 0], [0, 0]], [[0, 0], [0, 0]]), "distinct"),
        (lambda: HaversineTravel().matrices([(math.nan, 1)], [(0, 0)]), "finite"),
    ],
)
def test_bad_parameters_say_how_to_fix(make, match):
    with pytest.raises(ValueError, match=match):
        make()
