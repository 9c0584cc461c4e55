"""The routes map: a plan's depot, the depot's lockers and each van's route in its own colour,
as data the template draws in plain SVG (on the fleet map's projection: no tiles, no CDN)."""

from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from cloud.admin.fleet_map import HEIGHT, WIDTH, project
from cloud.models import Depot, Locker
from cloud.models.plan_views import PlanPublic, RoutePublic, StopPublic

# Told apart on a screen and in print, and by most colour-blind eyes (Tableau 10, reordered so
# that the first few, the usual fleet of a depot, differ most).
PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#7f7f7f",
)


@dataclass(frozen=True)
class Spot:
    x: float
    y: float


@dataclass(frozen=True)
class StopMark:
    seq: int
    locker_id: str
    x: float
    y: float
    title: str  # the marker's tooltip: where, when, what is dropped and taken, load after


@dataclass
class RouteLine:
    route_id: int
    vehicle_id: str
    colour: str
    points: str  # the polyline's "x,y x,y ...": depot, stops in order, depot
    stops: list[StopMark] = field(default_factory=list)


@dataclass(frozen=True)
class LockerMark:
    locker_id: str
    name: str
    x: float
    y: float
    on_route: bool  # a stop of the plan, or only a locker of the depot


@dataclass
class RouteMap:
    depot: Spot
    lockers: list[LockerMark]
    routes: list[RouteLine]
    unplaced: list[str]  # lockers without coordinates: on no map, listed under it
    width: int = WIDTH
    height: int = HEIGHT


def route_map(plan: PlanPublic | None, depot: Depot, lockers: list[Locker]) -> RouteMap:
    """The depot, its lockers and the plan's routes (none without a plan), fitted in together."""
    stops = [s for r in (plan.routes if plan else []) for s in r.stops_list]
    places = _places(depot, lockers, stops)
    spots = dict(zip(places, project(list(places.values()))))
    routed = {s.locker_id for s in stops}
    marks = [
        LockerMark(key, name, *spots[key], on_route=key in routed)
        for key, name in _names(lockers, stops).items()
        if key in spots
    ]
    colours = route_colours(plan.routes if plan else [])
    zone = depot.timezone
    return RouteMap(
        depot=Spot(*spots[_DEPOT]),
        lockers=marks,
        routes=[_line(r, colours[r.id], spots, zone) for r in (plan.routes if plan else [])],
        unplaced=sorted(set(_names(lockers, stops)) - set(spots)),
    )


def route_colours(routes: list[RoutePublic]) -> dict[int, str]:
    """A colour per route: the planner's choice (RoutePublic.colour, kept across re-plans) while
    it is free, else the next free one, so that no two routes of a plan look alike."""
    taken: set[str] = set()
    colours = {}
    for route in routes:
        wanted = route.colour % len(PALETTE)
        free = [PALETTE[(wanted + i) % len(PALETTE)] for i in range(len(PALETTE))]
        # Past ten routes colours repeat: better that than none.
        colour = next((c for c in free if c not in taken), PALETTE[wanted])
        taken.add(colour)
        colours[route.id] = colour
    return colours


def local_clock(moment: datetime | None, zone: str = "UTC") -> str:
    """A naive UTC moment as the time of day at the depot ("07:42"): what a courier reads."""
    if moment is None:
        return "—"
    return moment.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone)).strftime("%H:%M")


def stop_title(stop: StopPublic, zone: str) -> str:
    """What a stop's marker says when pointed at."""
    return (
        f"{stop.seq}. {stop.locker_name} ({stop.locker_id}): ETA {local_clock(stop.eta, zone)}, "
        f"drop {stop.deliveries}, collect {stop.pickups}, {stop.load_after} parcels aboard after"
    )


_DEPOT = "\0depot"  # the depot's key among the places: no locker id holds a NUL


def _places(depot, lockers, stops) -> dict[str, tuple[float, float]]:
    """(latitude, longitude) of the depot and of every locker drawn, by locker id."""
    places = {_DEPOT: (depot.latitude, depot.longitude)}
    for locker in lockers:
        if locker.latitude is not None and locker.longitude is not None:
            places[locker.id] = (locker.latitude, locker.longitude)
    for stop in stops:  # a stop's locker may since have moved to another depot
        if stop.latitude is not None and stop.longitude is not None:
            places.setdefault(stop.locker_id, (stop.latitude, stop.longitude))
    return places


def _names(lockers, stops) -> dict[str, str]:
    names = {locker.id: locker.name for locker in lockers}
    names.update({stop.locker_id: stop.locker_name for stop in stops})
    return names


def _line(route: RoutePublic, colour: str, spots: dict, zone: str) -> RouteLine:
    marks = [
        StopMark(s.seq, s.locker_id, *spots[s.locker_id], title=stop_title(s, zone))
        for s in sorted(route.stops_list, key=lambda s: s.seq)
        if s.locker_id in spots
    ]
    path = [spots[_DEPOT], *((m.x, m.y) for m in marks), spots[_DEPOT]]
    return RouteLine(
        route.id, route.vehicle_id, colour, " ".join(f"{x},{y}" for x, y in path), marks
    )
