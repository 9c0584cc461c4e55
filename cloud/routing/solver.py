"""Solve a routing `Problem` on PyVRP and read the answer back into the model.

Every stop gets a PyVRP location of its own (a copy of its place), so that a stop only some
vehicles may serve (`Stop.vehicles`: the parcels already in one van) can be closed to the others
in their own travel profile, without closing another stop at the same place (the new parcels for
that locker, which any van leaving the depot may bring)."""

import time
import warnings
from collections.abc import Sequence

import numpy as np
import pyvrp
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from cloud.routing.model import (
    PlannedRoute,
    Problem,
    Route,
    Solution,
    Visit,
)

# Travel into a stop closed to a vehicle: far beyond any shift (30 years), so a route using it
# is never feasible; yet small enough that PyVRP's penalty for the lateness it causes, times a
# route's worth of them, stays inside int64 (2**40 overflowed, and the search never returned).
CLOSED = 10**9


def solve(
    problem: Problem,
    *,
    seconds: float,
    seed: int = 0,
    warm_start: Sequence[Route] | None = None,
    max_iterations: int | None = None,
) -> Solution:
    """The best solution PyVRP finds within `seconds` (and `max_iterations`, if given)."""
    started = time.perf_counter()
    if not problem.stops:
        return Solution((), (), 0, 0, True, 0.0)
    data = problem_data(problem)
    initial, notes = _initial(data, problem, warm_start)
    stop = MaxRuntime(seconds)
    if max_iterations is not None:
        stop = MultipleCriteria([stop, MaxIterations(max_iterations)])
    with warnings.catch_warnings():
        # Raised when a penalty reaches its cap: solve_params sets the caps on purpose.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = pyvrp.solve(
            data,
            stop,
            seed=seed,
            collect_stats=False,
            params=solve_params(problem),
            initial_solution=initial,
        )
    return read_solution(
        problem,
        result.best,
        seconds=time.perf_counter() - started,
        iterations=result.num_iterations,
        notes=notes,
    )


def solve_params(problem: Problem) -> pyvrp.SolveParams:
    """PyVRP's defaults, but penalties that can outweigh the problem's prizes.

    PyVRP caps a unit of excess load or time warp at 100,000. Where a stop's prize is larger
    (the cloud's costs are in thousandths of a cent), an overloaded van would always look
    better than a stop left out, and the search would never reach a feasible plan."""
    top = max((stop.prize for stop in problem.stops), default=0)
    default = pyvrp.PenaltyParams()
    if 2 * top <= default.max_penalty:
        return pyvrp.SolveParams()
    return pyvrp.SolveParams(penalty=pyvrp.PenaltyParams(max_penalty=float(2 * top)))


def problem_data(problem: Problem) -> pyvrp.ProblemData:
    """The PyVRP instance: depots first, then one location per stop."""
    depots = len(problem.depots)
    places = [d.place for d in problem.depots] + [s.place for s in problem.stops]
    locations = [
        pyvrp.Location(problem.places[p].x, problem.places[p].y, name=problem.places[p].name)
        for p in places
    ]
    profiles = _profiles(problem)
    distances, durations = _matrices(problem, places, depots, profiles)
    return pyvrp.ProblemData(
        locations=locations,
        clients=[_client(problem, index, depots) for index in range(len(problem.stops))],
        depots=[
            pyvrp.Depot(index, tw_early=d.early, tw_late=d.late, name=d.name)
            for index, d in enumerate(problem.depots)
        ],
        vehicle_types=[
            _vehicle_type(problem, index, profiles[index]) for index in range(len(problem.vehicles))
        ],
        distance_matrices=distances,
        duration_matrices=durations,
    )


def read_solution(
    problem: Problem,
    best: pyvrp.Solution,
    *,
    seconds: float,
    iterations: int = 0,
    notes: tuple[str, ...] = (),
) -> Solution:
    routes = tuple(_planned(problem, route) for route in best.routes())
    served = {visit.stop for route in routes for visit in route.visits}
    return Solution(
        routes=routes,
        unplanned=tuple(i for i in range(len(problem.stops)) if i not in served),
        cost=sum(route.cost for route in routes),
        distance=sum(route.distance for route in routes),
        feasible=bool(best.is_feasible() and best.is_complete()),
        seconds=seconds,
        iterations=iterations,
        notes=notes,
    )


def _client(problem: Problem, index: int, depots: int) -> pyvrp.Client:
    stop, zero = problem.stops[index], [0] * problem.dimensions
    return pyvrp.Client(
        depots + index,
        delivery=list(stop.delivery) or zero,
        pickup=list(stop.pickup) or zero,
        service_duration=stop.service,
        tw_early=stop.early,
        tw_late=stop.late,
        required=stop.required,
        prize=stop.prize,
        name=stop.name,
    )


def _vehicle_type(problem: Problem, index: int, profile: int) -> pyvrp.VehicleType:
    vehicle = problem.vehicles[index]
    return pyvrp.VehicleType(
        num_available=vehicle.count,
        capacity=list(vehicle.capacity),
        start_depot=vehicle.start_depot,
        end_depot=vehicle.end_depot,
        fixed_cost=vehicle.fixed_cost,
        tw_early=vehicle.early,
        tw_late=vehicle.late,
        max_distance=vehicle.max_distance,
        unit_distance_cost=vehicle.cost_per_distance,
        unit_duration_cost=vehicle.cost_per_duration,
        profile=profile,
        initial_load=list(vehicle.initial_load) or [0] * problem.dimensions,
        name=vehicle.name,
    )


def _closed_stops(problem: Problem, vehicle: int) -> frozenset[int]:
    return frozenset(
        index
        for index, stop in enumerate(problem.stops)
        if stop.vehicles and vehicle not in stop.vehicles
    )


def _profiles(problem: Problem) -> list[int]:
    """The PyVRP profile of each vehicle: one per (travel profile, stops closed to it)."""
    keys: dict[tuple[int, frozenset[int]], int] = {}
    chosen = []
    for index, vehicle in enumerate(problem.vehicles):
        key = (vehicle.profile, _closed_stops(problem, index))
        chosen.append(keys.setdefault(key, len(keys)))
    return chosen


def _matrices(problem: Problem, places: list[int], depots: int, profiles: list[int]):
    """One distance and one duration matrix per PyVRP profile, over the solver's locations."""
    order = np.asarray(places, dtype=np.int64)
    built: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for index, vehicle in enumerate(problem.vehicles):
        if profiles[index] in built:
            continue
        grid = np.ix_(order, order)
        distance = np.asarray(problem.distances[vehicle.profile], dtype=np.int64)[grid]
        duration = np.asarray(problem.durations[vehicle.profile], dtype=np.int64)[grid]
        closed = [depots + stop for stop in sorted(_closed_stops(problem, index))]
        if closed:
            distance[:, closed] = CLOSED
            duration[:, closed] = CLOSED
            distance[closed, closed] = 0
            duration[closed, closed] = 0
        built[profiles[index]] = (distance, duration)
    ordered = [built[key] for key in sorted(built)]
    return [pair[0] for pair in ordered], [pair[1] for pair in ordered]


def _initial(data: pyvrp.ProblemData, problem: Problem, warm_start: Sequence[Route] | None):
    """The warm start as a PyVRP solution; None (and why) when it no longer fits the problem."""
    if not warm_start:
        return None, ()
    try:
        routes = [
            pyvrp.Route(data, list(route.stops), route.vehicle)
            for route in warm_start
            if route.stops
        ]
        return pyvrp.Solution(data, routes), ("warm start",)
    except (RuntimeError, IndexError, ValueError) as error:
        return None, (f"warm start dropped: {error}",)


def _planned(problem: Problem, route: pyvrp.Route) -> PlannedRoute:
    vehicle = problem.vehicles[route.vehicle_type()]
    zero = (0,) * problem.dimensions
    clients = [activity for activity in route.schedule() if activity.is_client()]
    load = _add(_add(zero, vehicle.initial_load or zero), _sum_of(problem, clients, "delivery"))
    start_load, visits = load, []
    for activity in clients:
        stop = problem.stops[activity.idx]
        load = _add(_add(load, stop.delivery or zero, -1), stop.pickup or zero)
        arrival = activity.start_time - activity.wait_duration + activity.time_warp
        visits.append(Visit(activity.idx, arrival, activity.start_time, activity.end_time, load))
    return PlannedRoute(
        vehicle=route.vehicle_type(),
        visits=tuple(visits),
        start=route.start_time(),
        end=route.end_time(),
        distance=route.distance(),
        duration=route.duration(),
        cost=route.distance_cost() + route.duration_cost() + route.fixed_vehicle_cost(),
        load_at_start=start_load,
    )


def _sum_of(problem: Problem, clients, what: str) -> tuple[int, ...]:
    total = (0,) * problem.dimensions
    for activity in clients:
        total = _add(total, getattr(problem.stops[activity.idx], what) or total)
    return total


def _add(a: tuple[int, ...], b: tuple[int, ...], sign: int = 1) -> tuple[int, ...]:
    return tuple(x + sign * y for x, y in zip(a, b))
