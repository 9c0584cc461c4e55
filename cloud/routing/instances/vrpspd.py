"""The LKH-3 VRPSPD format: every client takes a delivery and gives a pickup in one visit.

PICKUP_AND_DELIVERY_SECTION columns: id, (ignored), early, late, service, pickup, delivery.
Distances are an explicit FULL_MATRIX (Dethloff: already the real distance x10^4) or EXACT_2D
coordinates (Salhi-Nagy: round(10^4 x Euclidean)); the cost is reported /10^4. Times are in the
same unit as distances: the windows [0, 10^7] are then 1000 real units, roomier than any route
in the set, and the stored solutions check feasible under them."""

from typing import NamedTuple

import numpy as np

from cloud.routing.instances import nodes
from cloud.routing.instances.tokens import Layout
from cloud.routing.model import UNLIMITED, Depot, Problem, Stop, Vehicle

SCALE = 10**4


class Client(NamedTuple):
    """One row of PICKUP_AND_DELIVERY_SECTION (the depot's too)."""

    early: int
    late: int
    service: int
    pickup: int
    delivery: int


def read_vrpspd(layout: Layout) -> tuple[Problem, int]:
    """The problem and its cost scale."""
    count, capacity = nodes.dimension(layout), layout.integer("CAPACITY")
    fleet = layout.integer("VEHICLES", default=count - 1)
    max_distance = layout.integer("DISTANCE", default=0, minimum=0) or UNLIMITED  # 0: none
    nodes.check_depot(layout)
    places, distances, scale = _distances(layout, count)
    rows = _visits(layout, count)
    early, late = rows[0].early, rows[0].late
    stops = tuple(
        Stop(
            place,
            delivery=(rows[place].delivery,),
            pickup=(rows[place].pickup,),
            service=rows[place].service,
            early=rows[place].early,
            late=rows[place].late,
            name=str(place),
        )
        for place in range(1, count)
    )
    problem = Problem(
        places=places,
        depots=(Depot(0, early=early, late=late, name="depot"),),
        stops=stops,
        vehicles=(Vehicle(fleet, (capacity,), early=early, late=late, max_distance=max_distance),),
        distances=(distances,),
        durations=(distances,),
        name=layout.text("NAME", layout.file),
    )
    return problem, scale


def _distances(layout: Layout, count: int):
    """Places, the integer distance matrix and the cost scale."""
    kind, line = layout.header.get("EDGE_WEIGHT_TYPE", ("", layout.last_line))
    kind = kind.upper()
    if kind == "EXPLICIT":
        return nodes.nameless_places(count), _full_matrix(layout, count), SCALE
    if kind in ("EXACT_2D", "EUC_2D"):
        points = nodes.coordinates(layout, count)
        factor = SCALE if kind == "EXACT_2D" else 1
        return nodes.places(points), nodes.rounded(factor * nodes.euclidean(points)), factor
    raise layout.error(line, f"EDGE_WEIGHT_TYPE must be EXPLICIT, EXACT_2D or EUC_2D, got {kind!r}")


def _full_matrix(layout: Layout, count: int) -> np.ndarray:
    form, line = layout.header.get("EDGE_WEIGHT_FORMAT", ("", layout.last_line))
    if form.upper() != "FULL_MATRIX":
        raise layout.error(line, f"EDGE_WEIGHT_FORMAT must be FULL_MATRIX, got {form!r}")
    rows = layout.section("EDGE_WEIGHT_SECTION")
    values = [value for row in rows for value in row.values]
    if len(values) != count * count:
        last = rows[-1].line if rows else layout.last_line
        raise layout.error(
            last,
            f"EDGE_WEIGHT_SECTION has {len(values)} numbers, a {count}x{count} matrix needs "
            f"{count * count}",
        )
    weights = []
    for row in rows:
        weights += layout.whole_numbers(row, len(row.values), "EDGE_WEIGHT_SECTION row")
        if min(weights[-len(row.values) :]) < 0:
            raise layout.error(row.line, "a distance cannot be negative")
    return np.array(weights, dtype=np.int64).reshape(count, count)


def _visits(layout: Layout, count: int) -> list[Client]:
    section = "PICKUP_AND_DELIVERY_SECTION"
    rows = nodes.rows_by_node(layout, section, count)
    visits = []
    for node in range(1, count + 1):
        row = rows[node]
        _, _, early, late, service, pickup, delivery = layout.whole_numbers(
            row, 7, f"{section} row"
        )
        if min(early, service, pickup, delivery) < 0 or early > late:
            raise layout.error(row.line, f"node {node}: negative amount or an empty window")
        visits.append(Client(early, late, service, pickup, delivery))
    return visits
