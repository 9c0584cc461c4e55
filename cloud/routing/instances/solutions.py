"""CVRPLIB solution files: `Route #1: 3 5 ...` lines (client numbers: node id minus one) and
`Cost C`. Read back into stop indices (client number - 1) for the checker."""

from dataclasses import dataclass
from pathlib import Path

from cloud.routing.instances.tokens import InstanceError
from cloud.routing.model import Route


@dataclass(frozen=True)
class BenchmarkSolution:
    routes: tuple[Route, ...]
    cost: float | None  # as the file states it


def read_solution(path: str | Path, *, vehicle: int = 0) -> BenchmarkSolution:
    path = Path(path)
    routes, cost = [], None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.lower().startswith("route"):
            clients = line.split(":", 1)[1].split() if ":" in line else []
            routes.append(Route(vehicle, tuple(_client(path, number, c) - 1 for c in clients)))
        elif line.lower().startswith("cost"):
            cost = _number(path, number, line.split()[-1])
        elif line:
            raise InstanceError(f"{path.name} line {number}: expected 'Route #k:' or 'Cost'")
    return BenchmarkSolution(tuple(routes), cost)


def _client(path: Path, line: int, text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise InstanceError(f"{path.name} line {line}: a client number, got {text!r}")
    return int(text)


def _number(path: Path, line: int, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InstanceError(f"{path.name} line {line}: a cost, got {text!r}") from None
