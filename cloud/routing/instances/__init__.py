"""Benchmark instances from the literature, read into the routing model.

`read_instance(path)` gives the `Problem` (one depot at place 0; stop i is the file's node
i + 2, so stop i is CVRPLIB client number i + 1), its name and the scale its cost is reported
in (cost = distance / scale). Three formats: VRPLIB CVRP, Solomon VRPTW (DIMACS x10) and LKH-3
VRPSPD. A malformed file raises `InstanceError`, whose message names the file and the line."""

from dataclasses import dataclass
from pathlib import Path

from cloud.routing.instances.solutions import BenchmarkSolution, read_solution
from cloud.routing.instances.tokens import InstanceError, read_layout
from cloud.routing.instances.vrplib import SOLOMON_SCALE, read_cvrp, read_solomon
from cloud.routing.instances.vrpspd import read_vrpspd
from cloud.routing.model import Problem

__all__ = [
    "BenchmarkSolution",
    "Instance",
    "InstanceError",
    "read_instance",
    "read_solution",
]


@dataclass(frozen=True)
class Instance:
    name: str
    problem: Problem
    scale: int  # the literature's cost is the distance / scale

    def reported(self, distance: int) -> float | int:
        """A distance in the unit the literature reports (827.3 for C101, 27591 for X-n101)."""
        return distance if self.scale == 1 else round(distance / self.scale, 6)


def read_instance(path: str | Path) -> Instance:
    layout = read_layout(path)
    try:
        if "PICKUP_AND_DELIVERY_SECTION" in layout.sections:
            problem, scale = read_vrpspd(layout)
        elif "TIME_WINDOW_SECTION" in layout.sections:
            problem, scale = read_solomon(layout), SOLOMON_SCALE
        else:
            problem, scale = read_cvrp(layout), 1
    except ValueError as error:
        if isinstance(error, InstanceError):
            raise
        # the model's own checks (a window closing before it opens, ...) name no line
        raise layout.error(layout.last_line, str(error)) from None
    return Instance(problem.name or layout.file, problem, scale)
