"""The fleet map: an equirectangular projection fitted to the lockers' bounding box, drawn as
plain SVG by the template (no tiles, no CDN: the admin works offline and on a LAN)."""

import math
from dataclasses import dataclass

from cloud.admin.fleet_view import LockerRow

WIDTH, HEIGHT, MARGIN = 640, 360, 24  # SVG user units


@dataclass
class MapDot:
    row: LockerRow
    x: float
    y: float


@dataclass
class FleetMap:
    dots: list[MapDot]
    unplaced: list[LockerRow]  # lockers without coordinates, listed under the map
    width: int = WIDTH
    height: int = HEIGHT


def fleet_map(rows: list[LockerRow]) -> FleetMap:
    """A dot per locker with coordinates, the whole fleet fitted in the drawing, north up."""
    placed = [r for r in rows if r.locker.latitude is not None and r.locker.longitude is not None]
    unplaced = [r for r in rows if r not in placed]
    if not placed:
        return FleetMap([], unplaced)
    spots = project([(r.locker.latitude, r.locker.longitude) for r in placed])
    return FleetMap([MapDot(r, x, y) for r, (x, y) in zip(placed, spots)], unplaced)


def project(places: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """(x, y) in the drawing for each (latitude, longitude): all fitted in, north up. The route
    map (cloud/admin/route_map.py) draws on the same projection."""
    if not places:
        return []
    # Longitude degrees shrink with latitude: scale them by the cosine at the places' middle,
    # so that a city's lockers are not drawn stretched east-west.
    latitudes = [latitude for latitude, _ in places]
    shrink = math.cos(math.radians((min(latitudes) + max(latitudes)) / 2))
    points = [(longitude * shrink, -latitude) for latitude, longitude in places]
    place = _fit(points)
    return [place(point) for point in points]


def _fit(points: list[tuple[float, float]]):
    """A function placing points in the drawing: one scale for both axes, the box centred."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    inner_w, inner_h = WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN
    scale = min(inner_w / span_x if span_x else math.inf, inner_h / span_y if span_y else math.inf)
    scale = 1.0 if scale == math.inf else scale  # one place only: it sits in the middle
    left = MARGIN + (inner_w - span_x * scale) / 2
    top = MARGIN + (inner_h - span_y * scale) / 2

    def project(point: tuple[float, float]) -> tuple[float, float]:
        return (
            round(left + (point[0] - min(xs)) * scale, 1),
            round(top + (point[1] - min(ys)) * scale, 1),
        )

    return project
