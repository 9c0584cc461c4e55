"""`locker routes solve FILE`: a benchmark instance through the cloud's routing model and
solver, printed as one JSON object (cost in the unit the literature reports)."""

import json
import sys

from cloud.routing.instances import Instance, InstanceError, read_instance
from cloud.routing.model import Route, Solution
from cloud.routing.solver import solve

BAD_INPUT = 2


def solve_file(path: str, *, seconds: float, seed: int, out=sys.stdout, err=sys.stderr) -> int:
    try:
        instance = read_instance(path)
    except InstanceError as error:
        print(f"locker routes solve: {error}", file=err)
        return BAD_INPUT
    solution = solve(instance.problem, seconds=seconds, seed=seed)
    if not solution.feasible or solution.unplanned:  # stdout stays the one JSON object
        print(f"locker routes solve: no feasible solution found in {seconds:g} s", file=err)
    print(json.dumps(answer(instance, solution)), file=out)
    return 0


def answer(instance: Instance, solution: Solution) -> dict:
    """The JSON the issue specifies: clients numbered as CVRPLIB .sol files do (stop + 1)."""
    return {
        "instance": instance.name,
        "cost": instance.reported(solution.distance),
        "routes": [[visit.stop + 1 for visit in route.visits] for route in solution.routes],
        "seconds": round(solution.seconds, 3),
    }


def routes_of(answer_: dict, *, vehicle: int = 0) -> tuple[Route, ...]:
    """The answer's routes back as model routes (client number - 1 is the stop)."""
    return tuple(Route(vehicle, tuple(c - 1 for c in clients)) for clients in answer_["routes"])
