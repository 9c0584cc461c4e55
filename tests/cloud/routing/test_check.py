"""The feasibility checker, on small problems built by hand and on broken benchmark solutions:
each rule it enforces is broken once and named."""

from dataclasses import replace

import pytest

from cloud.routing.check import route_cost, route_distance, schedule, violations
from cloud.routing.instances import read_instance, read_solution
from cloud.routing.model import Depot, Place, Problem, Route, Stop, Vehicle

# Four places on a line, 10 apart: the depot at 0, stops at 10, 20, 30.
LINE = [[abs(a - b) * 10 for b in range(4)] for a in range(4)]


def problem(*stops: Stop, vehicles=(Vehicle(2, (10,)),), depot=Depot(0)) -> Problem:
    return Problem(
        places=tuple(Place(10 * i, 0) for i in range(4)),
        depots=(depot,),
        stops=stops,
        vehicles=vehicles,
        distances=(LINE,),
        durations=(LINE,),
    )


def stops(count: int = 3, **fields) -> tuple[Stop, ...]:
    return tuple(Stop(place, delivery=(1,), **fields) for place in range(1, count + 1))


def test_a_good_route_has_no_violations_and_its_distance():
    plan = problem(*stops())
    route = Route(0, (0, 1, 2))
    assert violations(plan, [route]) == []
    assert route_distance(plan, route) == 60
    assert route_cost(plan, route) == 60


def test_a_stop_twice_and_a_stop_missing():
    found = violations(problem(*stops()), [Route(0, (0, 1)), Route(0, (1,))])
    assert found == ["stop 1 visited 2 times", "stop 2 is required but not visited"]


def test_an_optional_stop_may_be_left_out_but_an_unknown_one_not():
    plan = problem(*stops(2), Stop(3, required=False))
    assert violations(plan, [Route(0, (0, 1))]) == []
    assert violations(plan, [Route(0, (0, 1, 7))]) == ["no stop 7"]


def test_deliveries_over_capacity_at_the_start():
    plan = problem(*stops(), vehicles=(Vehicle(1, (2,)),))
    assert violations(plan, [Route(0, (0, 1, 2))]) == [
        "route 1: load 3 over capacity 2 in dimension 0 leaving the depot"
    ]


def test_pickups_over_capacity_along_the_route():
    plan = problem(
        Stop(1, delivery=(3,), pickup=(0,)),
        Stop(2, delivery=(0,), pickup=(4,)),
        Stop(3, delivery=(0,), pickup=(2,)),
        vehicles=(Vehicle(1, (5,)),),
    )
    # 3 aboard, drop 3 -> 0, take 4 -> 4, take 2 -> 6 > 5
    assert violations(plan, [Route(0, (0, 1, 2))]) == [
        "route 1: load 6 over capacity 5 in dimension 0 after stop 2"
    ]
    # visited the other way round the pickups come aboard before the delivery leaves
    assert "after stop 1" in violations(plan, [Route(0, (2, 1, 0))])[0]


def test_capacity_in_every_dimension_and_the_initial_load():
    plan = Problem(
        places=(Place(0, 0), Place(1, 0)),
        depots=(Depot(0),),
        stops=(Stop(1, delivery=(1, 5), pickup=(0, 0)),),
        vehicles=(Vehicle(1, (9, 9), initial_load=(0, 5)),),
        distances=([[0, 1], [1, 0]],),
        durations=([[0, 1], [1, 0]],),
        dimensions=2,
    )
    assert violations(plan, [Route(0, (0,))]) == [
        "route 1: load 10 over capacity 9 in dimension 1 leaving the depot"
    ]


def test_a_window_missed_and_waiting_for_one():
    plan = problem(Stop(1, early=50, late=60, service=5), Stop(2, late=40))
    timing = schedule(plan, Route(0, (0, 1)))
    # waits at stop 0 until 50, leaves at 55, reaches stop 1 at 65 > 40
    assert timing.late == ("stop 1 served at 65, after 40",)
    assert violations(plan, [Route(0, (1, 0))]) == []


def test_the_shift_and_the_depot_close():
    late_depot = problem(*stops(1), depot=Depot(0, late=15))
    assert violations(late_depot, [Route(0, (0,))]) == [
        "route 1: back at the depot at 20, after 15"
    ]
    short_shift = problem(*stops(1), vehicles=(Vehicle(1, (5,), early=100, late=110),))
    assert violations(short_shift, [Route(0, (0,))]) == [
        "route 1: back at the depot at 120, after 110"
    ]


def test_a_stop_closed_to_a_vehicle():
    vans = (Vehicle(1, (10,), name="a"), Vehicle(1, (10,), name="b"))
    plan = problem(Stop(1, vehicles=(1,)), vehicles=vans)
    assert violations(plan, [Route(1, (0,))]) == []
    assert violations(plan, [Route(0, (0,))]) == ["route 1: stop 0 may not be served by vehicle 0"]


def test_more_routes_than_vehicles_and_empty_routes_count_for_none():
    plan = problem(*stops(), vehicles=(Vehicle(2, (10,), name="van"),))
    routes = [Route(0, (0,)), Route(0, (1,)), Route(0, (2,))]
    assert violations(plan, routes) == ["3 routes for vehicle van, which has 2"]
    assert violations(plan, [Route(0, (0, 1)), Route(0, ()), Route(0, (2,))]) == []


def test_max_distance():
    plan = problem(*stops(), vehicles=(Vehicle(1, (10,), max_distance=50),))
    assert violations(plan, [Route(0, (0, 1, 2))]) == ["route 1: distance 60 exceeds 50"]


def test_duration_and_fixed_costs():
    van = Vehicle(1, (10,), cost_per_distance=2, cost_per_duration=3, fixed_cost=100)
    plan = problem(Stop(1, early=50), vehicles=(van,))
    # 20 distance; leaves at 0, waits until 50, back at 60
    assert route_cost(plan, Route(0, (0,))) == 100 + 2 * 20 + 3 * 60


@pytest.fixture
def c101(instances_dir):
    return read_instance(instances_dir / "C101.vrp").problem, read_solution(
        instances_dir / "C101.sol"
    )


def test_a_broken_benchmark_solution_is_caught(c101):
    plan, stored = c101
    first, second = stored.routes[0], stored.routes[1]
    twice = [replace(first, stops=first.stops + second.stops[:1]), *stored.routes[1:]]
    assert "visited 2 times" in violations(plan, twice)[0]
    merged = [replace(first, stops=first.stops + second.stops), *stored.routes[2:]]
    assert any("over capacity 200" in v for v in violations(plan, merged))
    backwards = [replace(first, stops=first.stops[::-1]), *stored.routes[1:]]
    late = violations(plan, backwards)
    assert late and all("served at" in v or "back at the depot" in v for v in late)
    too_many = [Route(0, (stop,)) for stop in range(len(plan.stops))]
    assert "100 routes for vehicle 0, which has 25" in violations(plan, too_many)
