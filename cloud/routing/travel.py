"""Travel distances and times between points on the map, behind one small interface.

The embedded default needs no network: the great-circle distance times a circuity factor
(roads are not straight; 1.3 is the usual urban figure) at each vehicle type's average speed.
`OsrmTable` asks an OSRM-compatible table service (`/table/v1/driving/...`) for road distances
and times instead; it is chosen by configuration (Settings.routing_osrm_url)."""

import math
from collections.abc import Sequence
from typing import Protocol

import numpy as np

EARTH_RADIUS_M = 6_371_008.8
LatLon = tuple[float, float]


class Travel(Protocol):
    def distances(self, points: Sequence[LatLon]) -> np.ndarray:
        """Metres from each point to each other, as integers."""

    def durations(self, points: Sequence[LatLon], speed_kmh: float) -> np.ndarray:
        """Seconds from each point to each other for a vehicle of this average speed."""


def great_circle_m(points: Sequence[LatLon]) -> np.ndarray:
    """Haversine distances in metres between every pair of points (floats)."""
    coordinates = np.radians(np.asarray(points, dtype=float).reshape(-1, 2))
    lat, lon = coordinates[:, 0:1], coordinates[:, 1:2]
    a = (
        np.sin((lat - lat.T) / 2) ** 2
        + np.cos(lat) * np.cos(lat.T) * np.sin((lon - lon.T) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def metres_between(a: LatLon, b: LatLon) -> float:
    return float(great_circle_m([a, b])[0, 1])


class GreatCircle:
    """Straight-line distance times `circuity`; time at the vehicle's average speed."""

    def __init__(self, circuity: float = 1.3):
        if circuity < 1:
            raise ValueError("circuity is at least 1: no road is shorter than the straight line")
        self.circuity = circuity
        self._cache: tuple[tuple, np.ndarray] | None = None

    def distances(self, points: Sequence[LatLon]) -> np.ndarray:
        key = tuple(points)
        if self._cache is None or self._cache[0] != key:
            metres = np.rint(great_circle_m(points) * self.circuity).astype(np.int64)
            self._cache = (key, metres)
        return self._cache[1]

    def durations(self, points: Sequence[LatLon], speed_kmh: float) -> np.ndarray:
        return np.ceil(self.distances(points) / (speed_kmh / 3.6)).astype(np.int64)


class OsrmTable:
    """Road distances and times from an OSRM-compatible `table` service over HTTP.

    OSRM's times are a car's; a slower vehicle (a cargo bike) takes at least its distance at
    its own average speed."""

    timeout_s = 30.0

    def __init__(self, base_url: str, *, profile: str = "driving", client=None):
        import httpx

        self.base_url, self.profile = base_url.rstrip("/"), profile
        self.client = client or httpx.Client(timeout=self.timeout_s)
        self._cache: tuple[tuple, np.ndarray, np.ndarray] | None = None

    def distances(self, points: Sequence[LatLon]) -> np.ndarray:
        return self._table(points)[0]

    def durations(self, points: Sequence[LatLon], speed_kmh: float) -> np.ndarray:
        metres, seconds = self._table(points)
        return np.maximum(seconds, np.ceil(metres / (speed_kmh / 3.6))).astype(np.int64)

    def _table(self, points: Sequence[LatLon]) -> tuple[np.ndarray, np.ndarray]:
        key = tuple(points)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, *self._fetch(points))
        return self._cache[1], self._cache[2]

    def _fetch(self, points: Sequence[LatLon]) -> tuple[np.ndarray, np.ndarray]:
        where = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)  # OSRM wants lon,lat
        url = f"{self.base_url}/table/v1/{self.profile}/{where}"
        answer = self.client.get(url, params={"annotations": "distance,duration"})
        answer.raise_for_status()
        body = answer.json()
        if body.get("code") != "Ok":
            raise RuntimeError(f"OSRM table service answered {body.get('code')}: {body}")
        return _matrix(body["distances"]), _matrix(body["durations"])


def _matrix(rows) -> np.ndarray:
    """OSRM gives null where no road joins two points: no van drives that leg."""
    unreachable = 10**9
    return np.asarray(
        [
            [unreachable if v is None or math.isnan(v) else math.ceil(v) for v in row]
            for row in rows
        ],
        dtype=np.int64,
    )
