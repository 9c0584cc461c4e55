"""The routing model and solver on benchmark instances from the literature, against their
best-known costs.

    .venv/bin/python -m benchmarks.routing [--seconds 10] [--seed 1] [DIR]

DIR (default: ../shared/routing/instances, looked for upwards, else the copy in
benchmarks/routing_instances) holds .vrp and vrpspd/*.vrpspd files and a README.md whose
tables give each instance's best-known cost (BKS). Prints instance, seconds, cost, best
known, gap % and feasible (by cloud/routing/check.py, not the solver's word), then the mean
gap over the instances with a confirmed BKS. Targets: feasible everywhere, mean gap <= 2 % at
10 s and <= 1 % at 30 s. A benchmark, not a test: it fails on nothing, it reports."""

import argparse
import re
import sys
from pathlib import Path

from cloud.routing.check import is_feasible, total_distance
from cloud.routing.instances import read_instance
from cloud.routing.model import Route
from cloud.routing.solver import solve

# A copy of the shared instances ships with the project, so a fresh clone (and CI, wherever
# its checkout lives) benchmarks and tests them too.
BUNDLED = Path(__file__).resolve().parent / "routing_instances"


def default_dir() -> Path:
    """../shared/routing/instances beside the repository, or beside a folder above it (a git
    worktree lives deeper than the repository it belongs to); else the copy shipped here."""
    for folder in Path(__file__).resolve().parents[1].parents:
        if (folder / "shared" / "routing" / "instances").is_dir():
            return folder / "shared" / "routing" / "instances"
    return BUNDLED


# Cited in the literature, confirmed by no stored file (README): shown, left out of the mean.
UNCONFIRMED = {"CMT1X": 466.77, "CMT1Y": 466.77}


def best_known(readme: Path) -> dict[str, float]:
    """Instance name -> BKS, from every README table with a column headed 'BKS ...'."""
    known, column = {}, None
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|"):
            column = None
        elif column is None:
            headers = [cell.lower() for cell in cells]
            column = next((i for i, h in enumerate(headers) if h.startswith("bks")), None)
        elif not re.fullmatch(r"[-| :]+", line) and column < len(cells):
            name = Path(cells[0].split()[0]).stem
            known[name] = float(cells[column])
    return known


def instance_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.vrp")) + sorted(folder.glob("vrpspd/*.vrpspd"))


def run(path: Path, known: dict[str, float], *, seconds: float, seed: int) -> dict:
    instance = read_instance(path)
    solution = solve(instance.problem, seconds=seconds, seed=seed)
    routes = [Route(r.vehicle, r.stops) for r in solution.routes]
    cost = instance.reported(total_distance(instance.problem, routes))
    best = known.get(instance.name) or UNCONFIRMED.get(instance.name)
    return {
        "instance": instance.name,
        "seconds": solution.seconds,
        "cost": cost,
        "best": best,
        "confirmed": instance.name in known,
        "gap": 100 * (cost - best) / best if best else None,
        "feasible": is_feasible(instance.problem, routes),
    }


def print_row(row: dict) -> None:
    best = "-" if row["best"] is None else f"{row['best']:g}" + ("" if row["confirmed"] else "?")
    gap = "-" if row["gap"] is None else f"{round(row['gap'], 2) + 0.0:.2f}"  # no "-0.00"
    print(
        f"{row['instance']:<12} {row['seconds']:>7.1f} {row['cost']:>11g} {best:>10} "
        f"{gap:>7} {'yes' if row['feasible'] else 'NO':>8}",
        flush=True,
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("dir", nargs="?", type=Path, default=default_dir())
    args = parser.parse_args(argv)
    known = best_known(args.dir / "README.md")
    print(f"routing benchmark: {args.seconds:g} s per instance, seed {args.seed}")
    print(f"{'instance':<12} {'seconds':>7} {'cost':>11} {'best known':>10} {'gap %':>7} feasible")
    rows = []
    for path in instance_files(args.dir):
        rows.append(run(path, known, seconds=args.seconds, seed=args.seed))
        print_row(rows[-1])
    gaps = [row["gap"] for row in rows if row["confirmed"]]
    feasible = sum(row["feasible"] for row in rows)
    print(f"mean gap {sum(gaps) / len(gaps):.2f} % over {len(gaps)} instances with a confirmed BKS")
    print(f"feasible {feasible}/{len(rows)}  ('?': BKS unconfirmed, left out of the mean)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
