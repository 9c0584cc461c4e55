"""The benchmark readers: the shared instances read with their conventions, every stored .sol
checks feasible and reproduces its best-known cost, and a malformed file names its line."""

import math
from pathlib import Path

import pytest

from benchmarks.routing import best_known, instance_files
from cloud.routing.check import total_distance, violations
from cloud.routing.instances import InstanceError, read_instance, read_solution

# From the README's tables (the literature's best-known costs).
BKS = {
    "X-n101-k25": 27591,
    "X-n153-k22": 21220,
    "X-n200-k36": 58578,
    "X-n251-k28": 38684,
    "C101": 827.3,
    "R101": 1637.7,
    "RC101": 1619.8,
    "RC201": 1261.8,
    "SCA3-0": 635.62,
    "CON3-0": 616.52,
    "SCA8-0": 961.50,
    "CON8-0": 857.17,
}
SOLUTIONS = [
    "X-n101-k25.sol",
    "X-n153-k22.sol",
    "X-n200-k36.sol",
    "X-n251-k28.sol",
    "C101.sol",
    "R101.sol",
    "RC101.sol",
    "RC201.sol",
    "vrpspd/SCA3-0.sol",
    "vrpspd/CON3-0.sol",
]


def instance_of(solution: Path) -> Path:
    return solution.with_suffix(".vrpspd" if solution.parent.name == "vrpspd" else ".vrp")


def test_the_readme_tables_give_every_best_known_cost(instances_dir):
    assert best_known(instances_dir / "README.md") == BKS


def test_every_shared_instance_reads(instances_dir):
    names = {read_instance(path).name for path in instance_files(instances_dir)}
    assert names == set(BKS) | {"CMT1X", "CMT1Y"}


@pytest.mark.parametrize("solution", SOLUTIONS)
def test_every_stored_solution_is_feasible_at_its_best_known_cost(instances_dir, solution):
    instance = read_instance(instance_of(instances_dir / solution))
    stored = read_solution(instances_dir / solution)
    assert violations(instance.problem, stored.routes) == []
    cost = instance.reported(total_distance(instance.problem, stored.routes))
    assert round(cost, 2) == BKS[instance.name]


def test_cvrp_rounds_distances_and_has_a_vehicle_per_client(instances_dir):
    instance = read_instance(instances_dir / "X-n101-k25.vrp")
    problem = instance.problem
    assert (instance.scale, len(problem.stops), problem.vehicles[0].count) == (1, 100, 100)
    assert problem.vehicles[0].capacity == (206,)
    depot, first = problem.places[0], problem.places[problem.stops[0].place]
    assert (depot.x, depot.y, first.x, first.y) == (365, 689, 146, 180)
    assert problem.distances[0][0][1] == round(math.hypot(365 - 146, 689 - 180))


def test_solomon_is_times_ten_and_truncated(instances_dir):
    instance = read_instance(instances_dir / "C101.vrp")
    problem = instance.problem
    assert (instance.scale, problem.vehicles[0].count) == (10, 25)
    assert (problem.depots[0].early, problem.depots[0].late) == (0, 12360)
    first = problem.stops[0]  # node 2: (45, 68), window 912..967, service 90
    assert (first.early, first.late, first.service, first.delivery) == (9120, 9670, 900, (10,))
    assert problem.distances[0][0][1] == math.floor(10 * math.hypot(5, 18))
    assert problem.durations[0][0][1] == problem.distances[0][0][1]


def test_vrpspd_reads_pickup_then_delivery(instances_dir):
    instance = read_instance(instances_dir / "vrpspd" / "SCA3-0.vrpspd")
    problem = instance.problem
    assert (instance.scale, problem.vehicles[0].count) == (10**4, 4)
    assert problem.stops[0].pickup == (18448,) and problem.stops[0].delivery == (11010,)
    assert problem.distances[0][0][1] == 154923
    assert problem.stops[0].late == problem.depots[0].late == 10**7


def test_exact_2d_is_ten_thousand_times_euclidean(instances_dir):
    problem = read_instance(instances_dir / "vrpspd" / "CMT1X.vrpspd").problem
    assert problem.distances[0][0][1] == round(10**4 * math.hypot(37 - 30, 52 - 40))


CVRP = """NAME : tiny
TYPE : CVRP
DIMENSION : 3
EDGE_WEIGHT_TYPE : EUC_2D
CAPACITY : 10
NODE_COORD_SECTION
1 0 0
2 3 4
3 6 8
DEMAND_SECTION
1 0
2 4
3 5
DEPOT_SECTION
1
-1
EOF
"""


def write(tmp_path: Path, text: str, name: str = "tiny.vrp") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_small_cvrp_file_reads(tmp_path):
    problem = read_instance(write(tmp_path, CVRP)).problem
    assert [stop.delivery for stop in problem.stops] == [(4,), (5,)]
    assert problem.distances[0][0][2] == 10


@pytest.mark.parametrize(
    "change, line, words",
    [
        (("CAPACITY : 10", "CAPACITY : abc"), 5, "CAPACITY must be a positive integer, got 'abc'"),
        (("DIMENSION : 3", "DIMENSION : 4"), 9, "NODE_COORD_SECTION has 3 of 4 nodes"),
        (("2 3 4", "2 3 x"), 8, "needs numbers"),
        (("3 6 8", "2 6 8"), 9, "node 2 appears twice"),
        (("3 5\n", "9 5\n"), 13, "node 9 is outside 1..3"),
        (("DEMAND_SECTION\n1 0\n2 4\n3 5\n", ""), 13, "no DEMAND_SECTION"),
        (("DEPOT_SECTION\n1\n", "DEPOT_SECTION\n2\n"), 15, "only node 1 can be the depot"),
        (("EOF\n", ""), 16, "ends without EOF"),
    ],
)
def test_a_malformed_file_names_its_line(tmp_path, change, line, words):
    path = write(tmp_path, CVRP.replace(*change))
    with pytest.raises(InstanceError) as raised:
        read_instance(path)
    assert f"tiny.vrp line {line}: " in str(raised.value)
    assert words in str(raised.value)


def test_a_truncated_benchmark_names_its_last_line(instances_dir, tmp_path):
    lines = (instances_dir / "C101.vrp").read_text().splitlines(keepends=True)
    path = write(tmp_path, "".join(lines[:150]), "C101.vrp")
    with pytest.raises(InstanceError, match="C101.vrp line 150: "):
        read_instance(path)


def test_a_short_distance_matrix_is_refused(instances_dir, tmp_path):
    text = (instances_dir / "vrpspd" / "SCA3-0.vrpspd").read_text().splitlines(keepends=True)
    del text[20]  # one matrix row (line 21) gone
    with pytest.raises(InstanceError, match="line 59: EDGE_WEIGHT_SECTION has 2550 numbers"):
        read_instance(write(tmp_path, "".join(text), "SCA3-0.vrpspd"))


def test_a_malformed_solution_names_its_line(tmp_path):
    path = write(tmp_path, "Route #1: 1 2\nRoute #2: 3 x\nCost 10\n", "tiny.sol")
    with pytest.raises(InstanceError, match="tiny.sol line 2: a client number, got 'x'"):
        read_solution(path)


def broken_copy(tmp_path: Path, source: Path, line: int, replacement: str) -> Path:
    lines = source.read_text().splitlines(keepends=True)
    lines[line - 1] = replacement + "\n"
    return write(tmp_path, "".join(lines), source.name)


@pytest.mark.parametrize(
    "source, line, replacement, words",
    [
        ("C101.vrp", 215, "3 870 825", "node 3: the window closes before it opens"),
        ("C101.vrp", 5, "CAPACITY : 0", "CAPACITY must be a positive integer, got '0'"),
        (
            "vrpspd/SCA3-0.vrpspd",
            64,
            "3 0 0 10000000 0 589403",
            "PICKUP_AND_DELIVERY_SECTION row needs 7",
        ),
        ("vrpspd/SCA3-0.vrpspd", 10, "0 -1" + " 5" * 49, "a distance cannot be negative"),
        ("vrpspd/CMT1X.vrpspd", 6, "EDGE_WEIGHT_TYPE : GEO", "EDGE_WEIGHT_TYPE must be"),
    ],
)
def test_every_format_names_the_bad_line(instances_dir, tmp_path, source, line, replacement, words):
    path = broken_copy(tmp_path, instances_dir / source, line, replacement)
    with pytest.raises(InstanceError) as raised:
        read_instance(path)
    assert f"{path.name} line {line}: {words}" in str(raised.value)
