"""What the benchmark formats share about nodes: numbered 1..DIMENSION, the depot node 1,
planar coordinates and the distances between them."""

import numpy as np

from cloud.routing.instances.tokens import Layout, Row
from cloud.routing.model import Place


def dimension(layout: Layout) -> int:
    """Nodes in the file, the depot included: at least one client besides it."""
    return layout.integer("DIMENSION", minimum=2)


def rows_by_node(layout: Layout, section: str, count: int) -> dict[int, Row]:
    """The section's row for every node 1..count: none missing, none twice, none unknown."""
    rows: dict[int, Row] = {}
    for row in layout.section(section):
        node = layout.whole_numbers(row, 1, f"{section} row")[0]
        if not 1 <= node <= count:
            raise layout.error(row.line, f"node {node} is outside 1..{count} (DIMENSION)")
        if node in rows:
            raise layout.error(row.line, f"node {node} appears twice in {section}")
        rows[node] = row
    if len(rows) < count:
        missing = min(set(range(1, count + 1)) - rows.keys())
        last = layout.section(section)[-1].line if layout.section(section) else layout.last_line
        raise layout.error(
            last, f"{section} has {len(rows)} of {count} nodes (node {missing} is missing)"
        )
    return rows


def check_depot(layout: Layout) -> None:
    """Node 1 is the one depot: clients are then numbered id - 1, as CVRPLIB .sol files do."""
    rows = layout.section("DEPOT_SECTION")
    depots = [r for r in rows if r.values and r.values[0] != "-1"]
    for row in depots:
        if layout.whole_numbers(row, 1, "DEPOT_SECTION row")[0] != 1:
            raise layout.error(row.line, f"only node 1 can be the depot, got {row.values[0]}")
    if len(depots) != 1:
        line = depots[1].line if depots else (rows[-1].line if rows else layout.last_line)
        raise layout.error(line, f"exactly one depot (node 1) expected, got {len(depots)}")


def coordinates(layout: Layout, count: int) -> np.ndarray:
    """NODE_COORD_SECTION as an array of (x, y), row i for node i + 1."""
    rows = rows_by_node(layout, "NODE_COORD_SECTION", count)
    points = [layout.numbers(rows[node], 3, "NODE_COORD_SECTION row")[1:] for node in rows]
    ordered = sorted(zip(rows, points))
    return np.array([point for _, point in ordered], dtype=np.float64)


def euclidean(points: np.ndarray) -> np.ndarray:
    """Straight-line distances between every pair of points, as floats."""
    delta = points[:, None, :] - points[None, :, :]
    return np.sqrt((delta**2).sum(axis=2))


def rounded(distances: np.ndarray) -> np.ndarray:
    """TSPLIB's nint: halves round up."""
    return np.floor(distances + 0.5).astype(np.int64)


def places(points: np.ndarray) -> tuple[Place, ...]:
    return tuple(
        Place(float(x), float(y), name="depot" if i == 0 else str(i))
        for i, (x, y) in enumerate(points)
    )


def nameless_places(count: int) -> tuple[Place, ...]:
    """Places for a file that gives only a distance matrix: no map position is known."""
    return places(np.zeros((count, 2)))
