"""A whole chaos run: processes, fleet, workload, faults, drain, verification, summary."""

import logging
import os
import secrets
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta

import httpx

from cloud.db import make_engine, migrate
from fleet.localhost import free_port
from fleet.registration import register_locker
from locker import access
from locker.chaos.processes import LockerProcess, Mosquitto, PinBook
from locker.chaos.verify import compare_compartments, outbox_backlog, verify
from protocol.layout import parse_layout
from simulator.chaos import many_sockets
from simulator.chaos.faults import FaultInjector, Sniffer, plan
from simulator.chaos.fleet import FleetBoard
from simulator.chaos.proxy import NetworkProxy
from simulator.chaos.workload import Workload

log = logging.getLogger(__name__)
many_sockets.install()  # a fleet holds more sockets than select() can watch

LAYOUT = "S2,M2"
SHARE_GROUP = "chaos"
CARRIER = "chaos"  # the workload pre-advises with this carrier's API key


class ChaosRun:
    def __init__(
        self,
        lockers=100,
        duration_s=300,
        database_url=None,
        seed=None,
        workdir=None,
        layout=LAYOUT,
        say=None,
        finish_grace_s=45,
        drain_timeout_s=120,
    ):
        self.lockers, self.duration_s = lockers, duration_s
        self.seed = seed if seed is not None else secrets.randbelow(10**6)
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="locker-chaos-")
        self.database_url = database_url or "sqlite:///%s" % os.path.join(self.workdir, "locker.db")
        self.layout = layout
        self.say = say or (lambda text: None)
        self.finish_grace_s, self.drain_timeout_s = finish_grace_s, drain_timeout_s
        self.run_tag = "C%04d" % (self.seed % 10000)
        self.processes = []
        self.boards = []

    def run(self):
        try:
            return self._run()
        finally:
            self._teardown()

    def _run(self):
        started = time.monotonic()
        os.makedirs(self.workdir, exist_ok=True)
        migrate(self.database_url)  # once, before three processes would each try
        self.engine = make_engine(self.database_url)
        self.broker = Mosquitto(self.workdir).start()
        env = {"LOCKER_DATABASE_URL": self.database_url, "LOCKER_MQTT_URL": self.broker.url}
        self.pins = PinBook()
        api_port = free_port()
        self.cloud = self._process("cloud", ["cloud", "--port", str(api_port)], env, self.pins.feed)
        self.bridges = [
            self._process(
                "bridge-%d" % i,
                [
                    "bridge",
                    "--client-id",
                    "chaos-bridge-%d-%d" % (self.seed, i),
                    "--share-group",
                    SHARE_GROUP,
                ],
                env,
            )
            for i in range(2)
        ]
        api = "http://127.0.0.1:%d" % api_port
        self._wait_healthy(api)
        self.say(
            "broker %s, cloud %s, 2 bridge workers, database %s"
            % (self.broker.url, api, self.database_url.split("@")[-1])
        )

        admin = access.admin_headers(self.engine, api)  # no default credentials: made here
        carrier = access.carrier_headers(self.engine, CARRIER)
        with httpx.Client(base_url=api + "/api/v1", timeout=30, headers=admin) as client:
            response = client.post("/couriers", json={"name": "Chaos courier"})
            if response.status_code != 201:
                raise RuntimeError("courier: %s %s" % (response.status_code, response.text))
            courier_id, courier = response.json()["id"], response.json()["code"]
            self.proxy = NetworkProxy(self.broker.port).start()
            compartments = parse_layout(self.layout)
            state_dir = os.path.join(self.workdir, "boards")
            for i in range(self.lockers):
                locker_id = "%s-%03d" % (self.run_tag, i)
                key = register_locker(api, locker_id, compartments, headers=admin)
                url = self.proxy.add(locker_id)
                board = FleetBoard(
                    locker_id, bytes.fromhex(key), compartments, url, state_dir, proxy=self.proxy
                )
                self.boards.append(board)
            _route_courier(client, courier_id, [b.locker_id for b in self.boards])
        for board in self.boards:
            board.boot()
        # every board's connect triggers a resync the relay publishes one by one: allow for it
        self._wait(
            lambda: all(b.online() and b.controller.courier_count() > 0 for b in self.boards),
            120 + self.lockers,
            "every board online with the courier codes",
        )
        self.say(
            "%d boards online (layout %s); %ds of deposits and pickups with faults, seed %s"
            % (len(self.boards), self.layout, self.duration_s, self.seed)
        )

        t0 = time.monotonic()
        faults, rng = plan(self.seed, self.duration_s, [b.locker_id for b in self.boards])
        self.sniffer = Sniffer(self.broker.url, rng).start()
        workload = Workload(
            api,
            self.boards,
            self.pins,
            courier,
            self.run_tag,
            self.seed,
            carrier,
            stop_new_at=t0 + self.duration_s,
            hard_stop_at=t0 + self.duration_s + self.finish_grace_s,
        ).start()
        injector = FaultInjector(
            faults, rng, t0, self.broker, self.bridges, self.proxy, self.boards, self.sniffer
        ).start()
        workload.join()
        injector.finish()
        load_s = time.monotonic() - t0
        self.say(
            "workload done after %.0fs: %d transactions; draining"
            % (load_s, len(workload.transactions))
        )

        # --- quiet period: everything up, let journals and the outbox drain ------------------
        for process in [self.cloud] + self.bridges:
            if not process.running():
                process.start()
        if not self.broker.running():
            self.broker.start()
        drain_started = time.monotonic()
        ids = [b.locker_id for b in self.boards]
        drained = self._wait(
            lambda: (
                all(b.online() and not b.pending_seqs() for b in self.boards)
                and outbox_backlog(self.engine, ids) == 0
            ),
            self.drain_timeout_s,
            None,
        )
        # commands published last need a moment to reach the boards: wait until they agree
        self._wait(lambda: not compare_compartments(self.engine, self.boards), 30, None)
        drain_s = time.monotonic() - drain_started
        result = verify(self.engine, self.boards, workload.transactions)
        recovery = [f.summary(t0) for f in faults if f.injected_at is not None]
        summary = {
            "lockers": self.lockers,
            "database": self.database_url.split(":")[0].split("+")[0],
            "seed": self.seed,
            "load_s": round(load_s, 1),
            "drain_s": round(drain_s, 1),
            "drained": drained,
            **{k: v for k, v in result.items() if k != "problems"},
            "duplicates_published": self.sniffer.published,
            "power_cycles": sum(len(b.power_cycles) for b in self.boards),
            "bridge_restarts": sum(b.starts - 1 for b in self.bridges),
            "faults": recovery,
            "max_recover_s": _max_by_kind(recovery),
            "problems": result["problems"],
            "elapsed_s": round(time.monotonic() - started, 1),
        }
        summary["ok"] = (
            summary["events_lost"] == 0
            and summary["events_applied_twice"] == 0
            and summary["compartments_inconsistent"] == 0
        )
        return summary

    def _process(self, name, args, env, on_line=None):
        process = LockerProcess(name, args, env, self.workdir, on_line).start()
        self.processes.append(process)
        return process

    def _wait_healthy(self, api):
        def healthy():
            try:
                return httpx.get(api + "/healthz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        self._wait(healthy, 60, "the cloud to answer")

    def _wait(self, condition, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if condition():
                    return True
            except Exception:  # a database busy or a board mid-reboot: look again
                log.debug("condition raised", exc_info=True)
            time.sleep(0.25)
        if what is not None:
            raise TimeoutError("timed out waiting for " + what)
        return False

    def _teardown(self):
        if getattr(self, "sniffer", None):
            self.sniffer.stop()
        for board in self.boards:
            try:
                board.stop()
            except Exception:
                log.debug("board stop", exc_info=True)
        if getattr(self, "proxy", None):
            self.proxy.stop()
        for process in reversed(self.processes):
            process.close()
        if getattr(self, "broker", None):
            self.broker.stop()
        if getattr(self, "engine", None):
            self.engine.dispose()
        if self._own_workdir and os.environ.get("LOCKER_CHAOS_KEEP") is None:
            shutil.rmtree(self.workdir, ignore_errors=True)


def _max_by_kind(recovery):
    out = {}
    for fault in recovery:
        value = fault.get("recover_s")
        kind = fault["kind"]
        if value is None:
            out.setdefault(kind, None)
            if fault["kind"] != "duplicates":
                out[kind] = "not recovered"
            continue
        if out.get(kind) != "not recovered":
            out[kind] = max(value, out.get(kind) or 0)
    return out


def _route_courier(client, courier_id, locker_ids):
    """The courier serves every locker today and tomorrow (a run may cross midnight, UTC)."""
    today = datetime.now(UTC).date()
    for day in (today, today + timedelta(days=1)):
        response = client.put(
            "/couriers/%s/route" % courier_id,
            json={"day": day.isoformat(), "locker_ids": locker_ids},
        )
        if response.status_code != 200:
            raise RuntimeError("courier route: %s %s" % (response.status_code, response.text))
