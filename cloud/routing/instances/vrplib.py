"""VRPLIB CVRP (the Uchoa X set) and Solomon VRPTW files as LKH-3 and PyVRP ship them.

CVRP: EUC_2D distances rounded to integers; the fleet is unbounded unless VEHICLES says.
Solomon: the DIMACS convention, distances and times x10 and truncated (cost reported /10)."""

import numpy as np

from cloud.routing.instances import nodes
from cloud.routing.instances.tokens import Layout
from cloud.routing.model import Depot, Problem, Stop, Vehicle

SOLOMON_SCALE = 10


def read_cvrp(layout: Layout) -> Problem:
    count, capacity = nodes.dimension(layout), layout.integer("CAPACITY")
    _euclidean_only(layout)
    nodes.check_depot(layout)
    points = nodes.coordinates(layout, count)
    demands = _demands(layout, count)
    distances = nodes.rounded(nodes.euclidean(points))
    fleet = layout.integer("VEHICLES", default=count - 1)  # unbounded: one route per client
    return Problem(
        places=nodes.places(points),
        depots=(Depot(0, name="depot"),),
        stops=tuple(
            Stop(place, delivery=(demands[place],), name=str(place)) for place in range(1, count)
        ),
        vehicles=(Vehicle(fleet, (capacity,)),),
        distances=(distances,),
        durations=(distances,),
        name=layout.text("NAME", layout.file),
    )


def read_solomon(layout: Layout) -> Problem:
    count, capacity = nodes.dimension(layout), layout.integer("CAPACITY")
    fleet = layout.integer("VEHICLES", default=count - 1)
    _euclidean_only(layout)
    nodes.check_depot(layout)
    points = nodes.coordinates(layout, count)
    demands = _demands(layout, count)
    windows = _windows(layout, count)
    service = _service(layout, count)
    # DIMACS: x10 and truncated, the same matrix for distance and travel time
    travel = np.floor(SOLOMON_SCALE * nodes.euclidean(points)).astype(np.int64)
    early, late = windows[0]
    return Problem(
        places=nodes.places(points),
        depots=(Depot(0, early=early, late=late, name="depot"),),
        stops=tuple(
            Stop(
                place,
                delivery=(demands[place],),
                service=service[place],
                early=windows[place][0],
                late=windows[place][1],
                name=str(place),
            )
            for place in range(1, count)
        ),
        vehicles=(Vehicle(fleet, (capacity,), early=early, late=late),),
        distances=(travel,),
        durations=(travel,),
        name=layout.text("NAME", layout.file),
    )


def _euclidean_only(layout: Layout) -> None:
    kind, line = layout.header.get("EDGE_WEIGHT_TYPE", ("EUC_2D", layout.last_line))
    if kind.upper() != "EUC_2D":
        raise layout.error(line, f"EDGE_WEIGHT_TYPE must be EUC_2D here, got {kind!r}")


def _demands(layout: Layout, count: int) -> list[int]:
    rows = nodes.rows_by_node(layout, "DEMAND_SECTION", count)
    demands = [0] * count
    for node, row in rows.items():
        demand = layout.whole_numbers(row, 2, "DEMAND_SECTION row")[1]
        if demand < 0:
            raise layout.error(row.line, f"node {node}: a demand cannot be negative")
        demands[node - 1] = demand
    return demands


def _windows(layout: Layout, count: int) -> list[tuple[int, int]]:
    rows = nodes.rows_by_node(layout, "TIME_WINDOW_SECTION", count)
    windows = [(0, 0)] * count
    for node, row in rows.items():
        early, late = layout.numbers(row, 3, "TIME_WINDOW_SECTION row")[1:]
        if early > late:
            raise layout.error(row.line, f"node {node}: the window closes before it opens")
        windows[node - 1] = (_times_ten(early), _times_ten(late))
    return windows


def _service(layout: Layout, count: int) -> list[int]:
    """SERVICE_TIME for every client (the depot has none), or a SERVICE_TIME_SECTION."""
    if "SERVICE_TIME_SECTION" in layout.sections:
        rows = nodes.rows_by_node(layout, "SERVICE_TIME_SECTION", count)
        return [
            _times_ten(layout.numbers(rows[node], 2, "SERVICE_TIME_SECTION row")[1])
            for node in range(1, count + 1)
        ]
    value, line = layout.header.get("SERVICE_TIME", ("0", layout.last_line))
    try:
        service = float(value)
    except ValueError:
        raise layout.error(line, f"SERVICE_TIME must be a number, got {value!r}") from None
    if service < 0:
        raise layout.error(line, f"SERVICE_TIME cannot be negative, got {value!r}")
    return [0] + [_times_ten(service)] * (count - 1)


def _times_ten(value: float) -> int:
    return int(round(value * SOLOMON_SCALE, 6))  # 2.3 x 10 is 22.999... in floats
