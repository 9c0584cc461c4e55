"""Is a set of routes a feasible answer to a `Problem`? Computed from the Problem alone, without
the solver, so that the solver's own word on feasibility is checked rather than trusted.

Conventions (the same the model documents): a vehicle leaves its start depot at the latest of
its shift start and the depot's opening, waits at a stop until its window opens, must start
service by the window's close, and must be back at its end depot by its shift end and the
depot's close. Loads: the deliveries of the whole route (and `initial_load`) are aboard at the
start; each visit drops its delivery and takes its pickup; the load may never exceed capacity."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from cloud.routing.model import Problem, Route


@dataclass(frozen=True)
class Timing:
    """When a route leaves, when it is back, and the first stop it reaches too late."""

    start: int
    end: int
    late: tuple[str, ...]


def violations(problem: Problem, routes: Sequence[Route]) -> list[str]:
    """Every way the routes break the problem's rules, in words; empty when feasible."""
    found = _coverage(problem, routes) + _fleet(problem, routes)
    for number, route in enumerate(routes, start=1):
        if not 0 <= route.vehicle < len(problem.vehicles):
            found.append(f"route {number}: no vehicle {route.vehicle}")
            continue
        if any(not 0 <= stop < len(problem.stops) for stop in route.stops):
            continue  # reported by _coverage
        found += [f"route {number}: {problem_}" for problem_ in _route_problems(problem, route)]
    return found


def is_feasible(problem: Problem, routes: Sequence[Route]) -> bool:
    return not violations(problem, routes)


def route_distance(problem: Problem, route: Route) -> int:
    if not route.stops:
        return 0
    vehicle = problem.vehicles[route.vehicle]
    matrix = problem.distances[vehicle.profile]
    return sum(int(matrix[a][b]) for a, b in _legs(problem, route))


def total_distance(problem: Problem, routes: Sequence[Route]) -> int:
    return sum(route_distance(problem, route) for route in routes)


def route_cost(problem: Problem, route: Route) -> int:
    """Fixed cost, distance and duration priced as the vehicle says (duration: from leaving
    as early as allowed to coming back, waits included)."""
    if not route.stops:
        return 0
    vehicle = problem.vehicles[route.vehicle]
    timing = schedule(problem, route)
    return (
        vehicle.fixed_cost
        + vehicle.cost_per_distance * route_distance(problem, route)
        + vehicle.cost_per_duration * (timing.end - timing.start)
    )


def total_cost(problem: Problem, routes: Sequence[Route]) -> int:
    return sum(route_cost(problem, route) for route in routes)


def schedule(problem: Problem, route: Route) -> Timing:
    """Drive the route as early as allowed, noting every window missed."""
    vehicle = problem.vehicles[route.vehicle]
    start_depot = problem.depots[vehicle.start_depot]
    end_depot = problem.depots[vehicle.end_depot]
    durations = problem.durations[vehicle.profile]
    start = time = max(vehicle.early, start_depot.early)
    here, late = start_depot.place, []
    for index in route.stops:
        stop = problem.stops[index]
        time = max(time + int(durations[here][stop.place]), stop.early)
        if time > stop.late:
            late.append(f"stop {_label(problem, index)} served at {time}, after {stop.late}")
        time, here = time + stop.service, stop.place
    time += int(durations[here][end_depot.place])
    closing = min(vehicle.late, end_depot.late)
    if time > closing:
        late.append(f"back at the depot at {time}, after {closing}")
    return Timing(start, time, tuple(late))


def _route_problems(problem: Problem, route: Route) -> list[str]:
    if not route.stops:
        return []
    vehicle = problem.vehicles[route.vehicle]
    found = [
        f"stop {_label(problem, index)} may not be served by vehicle {route.vehicle}"
        for index in route.stops
        if problem.stops[index].vehicles and route.vehicle not in problem.stops[index].vehicles
    ]
    found += _load_problems(problem, route)
    found += list(schedule(problem, route).late)
    distance = route_distance(problem, route)
    if distance > vehicle.max_distance:
        found.append(f"distance {distance} exceeds {vehicle.max_distance}")
    return found


def _load_problems(problem: Problem, route: Route) -> list[str]:
    """Capacity in every dimension at the start and after every visit."""
    vehicle, zero = problem.vehicles[route.vehicle], (0,) * problem.dimensions
    load = list(vehicle.initial_load or zero)
    for index in route.stops:
        load = [a + b for a, b in zip(load, problem.stops[index].delivery or zero)]
    found = _over(vehicle.capacity, load, "leaving the depot")
    for index in route.stops:
        stop = problem.stops[index]
        load = [a - d + p for a, d, p in zip(load, stop.delivery or zero, stop.pickup or zero)]
        found += _over(vehicle.capacity, load, f"after stop {_label(problem, index)}")
    return found


def _over(capacity: Sequence[int], load: Sequence[int], where: str) -> list[str]:
    return [
        f"load {amount} over capacity {limit} in dimension {dimension} {where}"
        for dimension, (amount, limit) in enumerate(zip(load, capacity))
        if amount > limit
    ]


def _coverage(problem: Problem, routes: Sequence[Route]) -> list[str]:
    """Every required stop exactly once, no stop twice, no unknown stop."""
    visits = Counter(stop for route in routes for stop in route.stops)
    found = [f"no stop {stop}" for stop in visits if not 0 <= stop < len(problem.stops)]
    for index, stop in enumerate(problem.stops):
        if visits[index] > 1:
            found.append(f"stop {_label(problem, index)} visited {visits[index]} times")
        elif stop.required and not visits[index]:
            found.append(f"stop {_label(problem, index)} is required but not visited")
    return found


def _fleet(problem: Problem, routes: Sequence[Route]) -> list[str]:
    """No more routes of a vehicle kind than there are vehicles of it (empty routes are none)."""
    used = Counter(route.vehicle for route in routes if route.stops)
    return [
        f"{used[index]} routes for vehicle {vehicle.name or index}, which has {vehicle.count}"
        for index, vehicle in enumerate(problem.vehicles)
        if used[index] > vehicle.count
    ]


def _legs(problem: Problem, route: Route):
    vehicle = problem.vehicles[route.vehicle]
    places = (
        [problem.depots[vehicle.start_depot].place]
        + [problem.stops[index].place for index in route.stops]
        + [problem.depots[vehicle.end_depot].place]
    )
    return zip(places, places[1:])


def _label(problem: Problem, index: int) -> str:
    name = problem.stops[index].name
    return f"{index} ({name})" if name and name != str(index) else str(index)
