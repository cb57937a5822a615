"""Travel time and distance between points, behind one small interface.

Problem: the optimizer needs, for every pair of stops, a road distance (km) and
a driving time (minutes). Without a routing engine we estimate both from the
great-circle distance between county-seat coordinates (GCJ-02 degrees, see
``shared/data/cn-divisions/README.md``): road distance = haversine × a road
factor (roads are not straight; 1.3 is the usual figure for Chinese county
roads), and time = the first ``urban_km`` of a leg at the urban speed plus the
rest at the rural speed (every trip starts and ends in town, the open road in
between is faster). A road-network matrix can be plugged in instead with
:class:`MatrixTravel`; Solomon benchmark instances use :class:`EuclideanTravel`.

Cost: ``matrices(origins, destinations)`` is O(|origins| × |destinations|)
numpy work; 250 × 250 points take about a millisecond.

>>> t = HaversineTravel()
>>> km, minutes = t.matrices([(104.0614, 30.6739)], [(103.6471, 30.9888)])  # 青羊区 → 都江堰市
>>> round(float(km[0, 0]), 1), round(float(minutes[0, 0]))
(68.7, 92)
>>> EuclideanTravel().matrices([(0, 0)], [(3, 4)])[0].tolist()
[[5.0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

Point = tuple[float, float]
"""``(x, y)``; for geographic models x is the longitude and y the latitude in degrees."""

EARTH_RADIUS_KM = 6371.0088


@runtime_checkable
class Travel(Protocol):
    """Anything that gives road km and driving minutes between points.

    Implementations must be deterministic, non-negative and zero on the
    diagonal (same point → 0); they need not be symmetric.
    """

    def matrices(self, origins: Sequence[Point], destinations: Sequence[Point]) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(km, minutes)``, each of shape ``(len(origins), len(destinations))``."""
        ...


def _as_array(points: Sequence[Point]) -> np.ndarray:
    arr = np.asarray(points, dtype=float).reshape(-1, 2)
    if not np.all(np.isfinite(arr)):
        raise ValueError("points must be finite (x, y) pairs; drop or geocode points without coordinates")
    return arr


class HaversineTravel:
    """Great-circle distance × road factor, urban then rural speed.

    Args:
        road_factor: road km per straight-line km (≥ 1).
        urban_speed_kmh: speed on the first ``urban_km`` of every leg.
        rural_speed_kmh: speed on the rest of the leg.
        urban_km: how much of each leg is driven in town.
    """

    def __init__(
        self,
        road_factor: float = 1.3,
        urban_speed_kmh: float = 25.0,
        rural_speed_kmh: float = 50.0,
        urban_km: float = 8.0,
    ) -> None:
        if road_factor < 1.0:
            raise ValueError(f"road_factor={road_factor} must be ≥ 1: roads are never shorter than the chord")
        if urban_speed_kmh <= 0 or rural_speed_kmh <= 0:
            raise ValueError("urban_speed_kmh and rural_speed_kmh must be positive km/h")
        if urban_km < 0:
            raise ValueError(f"urban_km={urban_km} must be ≥ 0 (0 means every km at the rural speed)")
        self.road_factor = road_factor
        self.urban_speed_kmh = urban_speed_kmh
        self.rural_speed_kmh = rural_speed_kmh
        self.urban_km = urban_km

    def matrices(self, origins: Sequence[Point], destinations: Sequence[Point]) -> tuple[np.ndarray, np.ndarray]:
        o = np.radians(_as_array(origins))
        d = np.radians(_as_array(destinations))
        lon1, lat1 = o[:, 0:1], o[:, 1:2]
        lon2, lat2 = d[None, :, 0], d[None, :, 1]
        a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))) * self.road_factor
        urban = np.minimum(km, self.urban_km)
        minutes = 60.0 * (urban / self.urban_speed_kmh + (km - urban) / self.rural_speed_kmh)
        return km, minutes


class EuclideanTravel:
    """Planar distance; time = distance / ``speed`` (Solomon's convention is speed 1).

    Args:
        speed: distance units per minute.
    """

    def __init__(self, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError(f"speed={speed} must be positive distance units per minute")
        self.speed = speed

    def matrices(self, origins: Sequence[Point], destinations: Sequence[Point]) -> tuple[np.ndarray, np.ndarray]:
        o, d = _as_array(origins), _as_array(destinations)
        km = np.sqrt(((o[:, None, :] - d[None, :, :]) ** 2).sum(axis=-1))
        return km, km / self.speed


class MatrixTravel:
    """A precomputed matrix, e.g. from a road-network router, looked up by exact point.

    Args:
        points: the points the matrices are indexed by.
        km: ``len(points) × len(points)`` road distances.
        minutes: same shape, driving times.

    Raises:
        ValueError: on shape mismatch, negative entries, or a point asked for
            that the matrix does not contain (route it first, then plug it in).

    >>> m = MatrixTravel([(0, 0), (1, 1)], [[0, 2.5], [2.5, 0]], [[0, 4], [5, 0]])
    >>> m.matrices([(1, 1)], [(0, 0), (1, 1)])[1].tolist()
    [[5.0, 0.0]]
    """

    def __init__(
        self, points: Sequence[Point], km: Sequence[Sequence[float]], minutes: Sequence[Sequence[float]]
    ) -> None:
        self.points = [tuple(map(float, p)) for p in points]
        self.km = np.asarray(km, dtype=float)
        self.minutes = np.asarray(minutes, dtype=float)
        n = len(self.points)
        if self.km.shape != (n, n) or self.minutes.shape != (n, n):
            raise ValueError(f"km and minutes must both be {n}×{n}, one row and column per point")
        if (self.km < 0).any() or (self.minutes < 0).any():
            raise ValueError("km and minutes must be non-negative; use a large value for unreachable pairs")
        self._index = {p: i for i, p in enumerate(self.points)}
        if len(self._index) != n:
            raise ValueError("points must be distinct; merge duplicate points before building the matrix")

    def _rows(self, points: Sequence[Point]) -> list[int]:
        try:
            return [self._index[(float(x), float(y))] for x, y in points]
        except KeyError as exc:
            raise ValueError(f"point {exc.args[0]} is not in the matrix; add it and re-route") from None

    def matrices(self, origins: Sequence[Point], destinations: Sequence[Point]) -> tuple[np.ndarray, np.ndarray]:
        rows, cols = self._rows(origins), self._rows(destinations)
        return self.km[np.ix_(rows, cols)], self.minutes[np.ix_(rows, cols)]
