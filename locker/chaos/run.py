"""`locker chaos`: a fleet of simulated lockers under faults; a JSON summary; exit 1 on loss."""

import json
import logging
import sys


def run_chaos(lockers=100, minutes=5.0, database_url=None, seed=None, workdir=None, out=sys.stdout):
    from locker.chaos.harness import ChaosRun

    for name in ("simulator.chaos", "locker.chaos"):  # the fleet and faults; the harness
        logging.getLogger(name).setLevel(logging.INFO)
    run = ChaosRun(
        lockers=lockers,
        duration_s=minutes * 60,
        database_url=database_url,
        seed=seed,
        workdir=workdir,
        say=lambda text: print("[chaos] " + text, file=sys.stderr, flush=True),
    )
    summary = run.run()
    print(json.dumps(summary, indent=2), file=out, flush=True)
    return 0 if summary["ok"] else 1
