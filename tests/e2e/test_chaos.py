"""`locker chaos`, short: 10 simulated lockers, Mosquitto, the cloud and two bridge workers as
processes, a minute of deposits and pickups while the broker is killed and restarted, a
bridge worker is killed with -9, lockers lose their network and power, and events are
duplicated. Nothing may be lost or applied twice, and board and cloud must agree."""

import json
import uuid

import pytest

from fleet.localhost import mosquitto_binary
from locker.chaos.harness import ChaosRun
from tests.support.databases import reachable_pg_url

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not mosquitto_binary(), reason="needs the mosquitto binary"),
]


def _run(tmp_path, database_url=None, seed=7):
    summary = ChaosRun(
        lockers=10,
        duration_s=60,
        database_url=database_url,
        seed=seed,
        workdir=str(tmp_path / "chaos"),
        finish_grace_s=30,
        drain_timeout_s=90,
    ).run()
    print(json.dumps(summary, indent=2))
    kinds = {fault["kind"] for fault in summary["faults"]}
    assert {"broker_restart", "bridge_kill", "network_cut", "duplicates"} <= kinds, summary[
        "faults"
    ]
    assert summary["transactions_completed"] > 0, summary
    assert summary["events_lost"] == 0, summary["problems"]
    assert summary["events_applied_twice"] == 0, summary["problems"]
    assert summary["compartments_inconsistent"] == 0, summary["problems"]
    assert summary.get("events_applied_out_of_order", 0) == 0, summary["problems"]
    return summary


def test_chaos_on_sqlite(tmp_path):
    _run(tmp_path)


@pytest.mark.postgres
def test_chaos_on_postgresql(tmp_path):
    url, reason = reachable_pg_url()
    if url is None:
        pytest.skip("PostgreSQL unreachable (%s)" % reason)
    import psycopg

    name = "chaos_" + uuid.uuid4().hex[:8]
    admin = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute("CREATE DATABASE " + name)
    try:
        _run(tmp_path, database_url=admin.rsplit("/", 1)[0] + "/" + name, seed=11)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
