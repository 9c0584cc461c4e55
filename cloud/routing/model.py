"""The routing model in integers: places, depots, stops, vehicles, and a solution.

Pure data, no solver and no database: the cloud's planner (cloud/routing/wave.py) and the
benchmark readers (cloud/routing/instances.py) both build a `Problem`; `cloud/routing/solver.py`
solves it on PyVRP and `cloud/routing/check.py` checks what came back without the solver.

Units are whatever the builder chooses, consistently: the cloud uses metres and seconds, a
benchmark its own integer convention. Loads have one entry per dimension (the cloud uses
parcels and litres)."""

from dataclasses import dataclass, field
from typing import Sequence

# "No limit" for times and distances: large, yet safe to add a few of together in int64.
UNLIMITED = 2**40

Matrix = Sequence[Sequence[int]]  # [from place][to place]; a numpy array serves too


@dataclass(frozen=True)
class Place:
    """A point on the map: a depot, a locker, a van where it stands."""

    x: float
    y: float
    name: str = ""


@dataclass(frozen=True)
class Depot:
    """Where vans start and end: open from `early` to `late`."""

    place: int
    early: int = 0
    late: int = UNLIMITED
    name: str = ""


@dataclass(frozen=True)
class Stop:
    """One visit: drop `delivery` (loaded at the route's start) and take `pickup` (carried to
    the route's end) in the same visit, starting service within [early, late].

    `vehicles` limits who may serve it (indices into Problem.vehicles; empty: anyone): the
    parcels already in one van can only be dropped by that van. An optional stop (`required`
    False) is visited only when its `prize` pays for the detour."""

    place: int
    delivery: tuple[int, ...] = ()
    pickup: tuple[int, ...] = ()
    service: int = 0
    early: int = 0
    late: int = UNLIMITED
    required: bool = True
    prize: int = 0
    vehicles: tuple[int, ...] = ()
    name: str = ""


@dataclass(frozen=True)
class Vehicle:
    """`count` alike vehicles: capacity per load dimension, a shift, costs per unit.

    `initial_load` is what the vehicle already carries back to its end depot (a van re-planned
    mid-route with the returns it has collected). `profile` picks the travel matrices (a cargo
    bike rides slower than a van drives)."""

    count: int
    capacity: tuple[int, ...]
    start_depot: int = 0
    end_depot: int = 0
    early: int = 0
    late: int = UNLIMITED
    max_distance: int = UNLIMITED
    cost_per_distance: int = 1
    cost_per_duration: int = 0
    fixed_cost: int = 0
    initial_load: tuple[int, ...] = ()
    profile: int = 0
    name: str = ""


@dataclass(frozen=True)
class Problem:
    """Everything to plan. Matrices are per profile, indexed by place."""

    places: tuple[Place, ...]
    depots: tuple[Depot, ...]
    stops: tuple[Stop, ...]
    vehicles: tuple[Vehicle, ...]
    distances: tuple[Matrix, ...]
    durations: tuple[Matrix, ...]
    dimensions: int = 1
    name: str = ""

    def __post_init__(self) -> None:
        problems = list(_problems(self))
        if problems:
            raise ValueError("; ".join(problems))


@dataclass(frozen=True)
class Route:
    """A vehicle (index into Problem.vehicles) and the stops it visits, in order."""

    vehicle: int
    stops: tuple[int, ...]


@dataclass(frozen=True)
class Visit:
    """A stop on a planned route: when the vehicle arrives, starts service and leaves, and
    what it carries after the visit (per dimension)."""

    stop: int
    arrival: int
    start: int
    departure: int
    load_after: tuple[int, ...]


@dataclass(frozen=True)
class PlannedRoute:
    vehicle: int
    visits: tuple[Visit, ...]
    start: int  # leaves its start depot
    end: int  # back at its end depot
    distance: int
    duration: int
    cost: int
    load_at_start: tuple[int, ...] = ()

    @property
    def stops(self) -> tuple[int, ...]:
        return tuple(visit.stop for visit in self.visits)


@dataclass(frozen=True)
class Solution:
    routes: tuple[PlannedRoute, ...]
    unplanned: tuple[int, ...]  # stops no route visits (optional ones, or infeasible)
    cost: int
    distance: int
    feasible: bool
    seconds: float
    iterations: int = 0
    notes: tuple[str, ...] = field(default=())


def _problems(problem: Problem):
    """What makes a problem unusable, in words (empty when it is fine)."""
    places = len(problem.places)
    if not problem.depots:
        yield "no depot"
    if len(problem.distances) != len(problem.durations) or not problem.distances:
        yield "one distance and one duration matrix per profile"
    for depot in problem.depots:
        if not 0 <= depot.place < places:
            yield f"depot {depot.name or depot.place} is at no known place"
    for index, stop in enumerate(problem.stops):
        if not 0 <= stop.place < places:
            yield f"stop {stop.name or index} is at no known place"
        if len(stop.delivery) not in (0, problem.dimensions):
            yield f"stop {stop.name or index}: delivery needs {problem.dimensions} dimensions"
        if len(stop.pickup) not in (0, problem.dimensions):
            yield f"stop {stop.name or index}: pickup needs {problem.dimensions} dimensions"
        if stop.early > stop.late:
            yield f"stop {stop.name or index}: its time window closes before it opens"
        if any(not 0 <= v < len(problem.vehicles) for v in stop.vehicles):
            yield f"stop {stop.name or index}: names a vehicle that does not exist"
    for index, vehicle in enumerate(problem.vehicles):
        if vehicle.count < 1:
            yield f"vehicle {vehicle.name or index}: count must be at least 1"
        if len(vehicle.capacity) != problem.dimensions:
            yield f"vehicle {vehicle.name or index}: capacity needs {problem.dimensions} dimensions"
        if not 0 <= vehicle.profile < len(problem.distances):
            yield f"vehicle {vehicle.name or index}: no such travel profile"
        for depot in (vehicle.start_depot, vehicle.end_depot):
            if not 0 <= depot < len(problem.depots):
                yield f"vehicle {vehicle.name or index}: no such depot {depot}"
