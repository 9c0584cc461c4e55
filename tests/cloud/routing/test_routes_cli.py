"""`locker routes solve` as a user runs it: a real process, the real solver for one second, and
its JSON checked by the independent checker; a malformed file exits 2 naming its line."""

import json
import subprocess
import sys

import pytest

from cloud.routing.check import total_distance, violations
from cloud.routing.instances import read_instance
from locker.routes_cli import routes_of


def locker(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "locker.cli", "routes", "solve", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("name", ["X-n101-k25.vrp", "C101.vrp", "vrpspd/SCA3-0.vrpspd"])
def test_solve_prints_one_feasible_answer(instances_dir, name):
    done = locker(str(instances_dir / name), "--seconds", "1", "--seed", "1")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert set(answer) == {"instance", "cost", "routes", "seconds"}
    instance = read_instance(instances_dir / name)
    assert answer["instance"] == instance.name
    routes = routes_of(answer)
    assert violations(instance.problem, routes) == []
    assert answer["cost"] == instance.reported(total_distance(instance.problem, routes))
    assert 0.5 < answer["seconds"] < 10
    assert all(clients and min(clients) >= 1 for clients in answer["routes"])


@pytest.mark.parametrize(
    "text, line",
    [
        ("NAME : bad\nDIMENSION : two\nEOF\n", 2),  # a wrong number
        ("NAME : bad\nDIMENSION : 2\nCAPACITY : 5\nNODE_COORD_SECTION\n1 0 0\n2 1 1\nEOF\n", 7),
        ("NAME : bad\nDIMENSION : 2\nCAPACITY : 5\nNODE_COORD_SECTION\n1 0 0\n2 1", 6),
    ],
    ids=["wrong number", "missing section", "truncated"],
)
def test_a_malformed_file_exits_2_naming_its_line(tmp_path, text, line):
    path = tmp_path / "bad.vrp"
    path.write_text(text)
    done = locker(str(path), "--seconds", "1")
    assert done.returncode == 2
    assert done.stdout == ""
    assert f"bad.vrp line {line}: " in done.stderr


def test_a_missing_file_exits_2(tmp_path):
    done = locker(str(tmp_path / "nowhere.vrp"))
    assert (done.returncode, done.stdout) == (2, "")
    assert "nowhere.vrp: cannot read" in done.stderr
