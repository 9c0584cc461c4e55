"""The routes map: the depot, the lockers and each route in its own colour, depot to depot."""

from cloud.admin.fleet_map import HEIGHT, MARGIN, WIDTH
from cloud.admin.route_map import PALETTE, local_clock, route_colours, route_map
from cloud.models import Locker
from tests.cloud.admin.plans import START, depot, lockers, plan, route, stop


def two_routes():
    north_east = route(1, "D1-van-1", [stop(1, "N1", load_after=2), stop(2, "E1", minutes=25)])
    south_west = route(2, "D1-van-2", [stop(1, "S1"), stop(2, "W1", pickups=1)], colour=1)
    return plan(north_east, south_west)


def test_each_route_runs_depot_stops_depot_in_its_own_colour():
    drawn = route_map(two_routes(), depot(), lockers())
    assert [r.colour for r in drawn.routes] == [PALETTE[0], PALETTE[1]]
    north_east = drawn.routes[0]
    points = north_east.points.split()
    depot_spot = f"{drawn.depot.x},{drawn.depot.y}"
    assert points[0] == points[-1] == depot_spot and len(points) == 4
    assert [m.seq for m in north_east.stops] == [1, 2]
    assert points[1:3] == [f"{m.x},{m.y}" for m in north_east.stops]


def test_the_map_is_north_up_east_right_and_fits_the_drawing():
    drawn = route_map(two_routes(), depot(), lockers())
    spot = {m.locker_id: (m.x, m.y) for m in drawn.lockers}
    assert spot["N1"][1] == MARGIN and spot["S1"][1] == HEIGHT - MARGIN
    assert spot["W1"][0] < drawn.depot.x < spot["E1"][0]
    assert all(MARGIN <= x <= WIDTH - MARGIN for x, _ in spot.values())


def test_a_stop_marker_tells_its_eta_and_load_in_the_depots_time():
    drawn = route_map(two_routes(), depot("Europe/Berlin"), lockers())
    first = drawn.routes[0].stops[0]
    assert first.title == (
        "1. Locker N1 (N1): ETA 07:10, drop 2, collect 0, 2 parcels aboard after"
    )  # 06:10 UTC is 07:10 in Berlin in January
    assert local_clock(START, "UTC") == "06:00" and local_clock(None) == "—"


def test_colours_stay_distinct_when_the_planner_gives_two_routes_the_same():
    routes = [route(i, f"v{i}", [], colour=3) for i in (1, 2, 3)]
    assert len(set(route_colours(routes).values())) == 3
    assert route_colours(routes)[1] == PALETTE[3]


def test_lockers_without_coordinates_are_listed_and_idle_ones_drawn_apart():
    nowhere = Locker(id="X1", name="Locker X1", device_key="00")
    drawn = route_map(plan(route(1, "v1", [stop(1, "N1")])), depot(), lockers(nowhere))
    assert drawn.unplaced == ["X1"]
    on_route = {m.locker_id: m.on_route for m in drawn.lockers}
    assert on_route == {"N1": True, "E1": False, "S1": False, "W1": False}


def test_without_a_plan_the_depot_and_its_lockers_are_drawn():
    drawn = route_map(None, depot(), lockers())
    assert drawn.routes == [] and len(drawn.lockers) == 4
    alone = route_map(None, depot(), [])
    assert (alone.depot.x, alone.depot.y) == (WIDTH / 2, HEIGHT / 2)
