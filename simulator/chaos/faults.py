"""The fault schedule (seeded), the faults themselves, and how long the fleet took to recover.

Recovered means: every affected board is online again and every event it journaled before the
fault ended has been acknowledged by the cloud."""

import logging
import math
import random
import threading
import time

import paho.mqtt.client as mqtt

from protocol.broker_url import broker_address

log = logging.getLogger(__name__)

RECOVERY_TIMEOUT_S = 180


class Fault:
    def __init__(self, kind, at_s, **details):
        self.kind, self.at_s, self.details = kind, at_s, details
        self.injected_at = self.healed_at = self.recovered_at = None
        self.targets = []  # locker ids affected (all of them: None)

    def summary(self, t0):
        def rel(t):
            return None if t is None else round(t - t0, 2)

        out = {
            "kind": self.kind,
            "injected_at_s": rel(self.injected_at),
            "healed_at_s": rel(self.healed_at),
            "recover_s": None,
            "recover_after_heal_s": None,
            **self.details,
        }
        if self.targets:
            out["lockers"] = list(self.targets)
        if self.recovered_at is not None and self.injected_at is not None:
            out["recover_s"] = round(self.recovered_at - self.injected_at, 2)
            out["recover_after_heal_s"] = round(self.recovered_at - self.healed_at, 2)
        return out


def plan(seed, duration_s, lockers):
    """The faults of a run of `duration_s` over `lockers` locker ids, at seeded times."""
    rng = random.Random(seed)
    counts = {
        "broker_restart": max(1, round(duration_s / 240)),
        "bridge_kill": max(1, round(duration_s / 100)),
        "network_cut": max(1, round(duration_s / 80)),
        "power_cycle": max(2, round(duration_s / 40)),
        "duplicates": max(2, round(duration_s / 45)),
    }
    faults = []
    for kind, count in counts.items():
        for i in range(count):
            # spread them out: slot i of count, at a random place inside the slot
            lo = 0.1 + 0.7 * i / count
            at = duration_s * rng.uniform(lo, lo + 0.7 / count)
            if kind == "network_cut":
                n = max(1, math.ceil(len(lockers) * 0.1))
                fault = Fault(
                    kind,
                    at,
                    seconds=round(rng.uniform(5, 20), 1),
                    mode=rng.choice(["reset", "blackhole"]),
                )
                fault.targets = rng.sample(lockers, n)
            elif kind == "power_cycle":
                fault = Fault(kind, at)
                fault.targets = rng.sample(lockers, min(len(lockers), rng.randint(1, 3)))
            elif kind == "bridge_kill":
                fault = Fault(kind, at, worker=rng.randrange(2), down_s=round(rng.uniform(1, 5), 1))
            elif kind == "broker_restart":
                fault = Fault(kind, at, down_s=round(rng.uniform(1, 4), 1))
            else:
                fault = Fault(kind, at, events=rng.randint(5, 20), copies=rng.randint(1, 3))
            faults.append(fault)
    faults.sort(key=lambda f: f.at_s)
    return faults, rng


class Sniffer:
    """A plain MQTT client that sees every event on the broker: the copies to duplicate."""

    def __init__(self, broker_url, rng):
        self.host, self.port = broker_address(broker_url)
        self.rng = rng
        self.events = {}  # (locker, seq) -> (topic, payload), the first copy seen
        self._lock = threading.Lock()
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id="chaos-sniffer", clean_session=True
        )
        self.client.reconnect_delay_set(min_delay=1, max_delay=4)
        self.client.on_connect = lambda c, *a: c.subscribe("lockers/+/events", qos=1)
        self.client.on_message = self._message
        self.published = 0

    def start(self):
        self.client.connect_async(self.host, self.port, keepalive=15)
        self.client.loop_start()
        return self

    def stop(self):
        self.client.disconnect()
        self.client.loop_stop()

    def _message(self, client, userdata, msg):
        import json

        try:
            body = json.loads(msg.payload[65:])
            key = (body["lkr"], body["seq"])
        except (ValueError, KeyError, TypeError):
            return
        with self._lock:
            self.events.setdefault(key, (msg.topic, bytes(msg.payload)))

    def duplicate(self, events, copies):
        """Publish `copies` more copies of `events` events seen so far, QoS 1, as a broker
        redelivering them would; the number published."""
        with self._lock:
            pool = list(self.events.values())
        chosen = self.rng.sample(pool, min(events, len(pool)))
        sent = 0
        for topic, payload in chosen:
            for _ in range(copies):
                info = self.client.publish(topic, payload, qos=1)
                if info.rc == mqtt.MQTT_ERR_SUCCESS:
                    sent += 1
        self.published += sent
        return sent


class FaultInjector:
    def __init__(self, faults, rng, t0, broker, bridges, proxy, boards, sniffer):
        self.faults, self.rng, self.t0 = faults, rng, t0
        self.broker, self.bridges, self.proxy, self.sniffer = broker, bridges, proxy, sniffer
        self.boards = {b.locker_id: b for b in boards}
        self.stopping = threading.Event()
        self._threads = []
        self._lock = threading.Lock()  # broker and bridge faults one at a time
        self._claims = threading.Lock()
        self._scheduler = threading.Thread(target=self._schedule, name="chaos-faults", daemon=True)

    def start(self):
        self._scheduler.start()
        return self

    def finish(self):
        """Stop injecting; wait until every injected fault has healed."""
        self.stopping.set()
        self._scheduler.join(timeout=60)
        for thread in self._threads:
            thread.join(timeout=60)

    def _schedule(self):
        for fault in self.faults:
            if self.stopping.wait(max(0.0, self.t0 + fault.at_s - time.monotonic())):
                return
            thread = threading.Thread(
                target=self._inject, args=(fault,), name="fault-" + fault.kind, daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _inject(self, fault):
        try:
            getattr(self, "_" + fault.kind)(fault)
        except Exception:
            log.exception("fault %s failed", fault.kind)
            return
        self._watch_recovery(fault)

    def _broker_restart(self, fault):
        with self._lock:
            fault.injected_at = time.monotonic()
            self.broker.kill9()
            time.sleep(fault.details["down_s"])
            self.broker.start()
            fault.healed_at = time.monotonic()

    def _bridge_kill(self, fault):
        with self._lock:
            bridge = self.bridges[fault.details["worker"]]
            fault.injected_at = time.monotonic()
            bridge.kill9()
            time.sleep(fault.details["down_s"])
            bridge.start()
            fault.healed_at = time.monotonic()

    def _network_cut(self, fault):
        fault.injected_at = time.monotonic()
        for locker_id in fault.targets:
            self.proxy.cut(locker_id, fault.details["mode"])
        time.sleep(fault.details["seconds"])
        for locker_id in fault.targets:
            self.proxy.heal(locker_id)
        fault.healed_at = time.monotonic()

    def _power_cycle(self, fault):
        # The board loses power at its next door opening (mid-transaction); the workload does it.
        with self._claims:  # a board already waiting for its power cut is not picked twice
            boards = [
                self.boards[i]
                for i in fault.targets
                if not self.boards[i].power_cycle_requested.is_set()
            ]
            for board in boards:
                board.power_cycle_requested.set()
        requested = time.monotonic()
        before = {b.locker_id: len(b.power_cycles) for b in boards}
        deadline = requested + 90
        while time.monotonic() < deadline:
            if all(len(b.power_cycles) > before[b.locker_id] for b in boards):
                break
            time.sleep(0.2)
        done = [b for b in boards if len(b.power_cycles) > before[b.locker_id]]
        for board in boards:
            board.power_cycle_requested.clear()  # one that never reached a door: not this time
        fault.targets = [b.locker_id for b in done]
        fault.details["mid_transaction"] = len(done)
        if not done:
            raise RuntimeError("no board reached a door opening to lose power at")
        fault.injected_at = min(b.power_cycles[-1][0] for b in done)
        fault.healed_at = max(b.power_cycles[-1][1] for b in done)

    def _duplicates(self, fault):
        fault.injected_at = time.monotonic()
        fault.details["published"] = self.sniffer.duplicate(
            fault.details["events"], fault.details["copies"]
        )
        fault.healed_at = time.monotonic()

    def _watch_recovery(self, fault):
        boards = (
            [self.boards[i] for i in fault.targets] if fault.targets else list(self.boards.values())
        )
        # every event journaled before the fault ended must be acknowledged
        marks = {b.locker_id: b.next_seq() for b in boards}
        deadline = time.monotonic() + RECOVERY_TIMEOUT_S
        while time.monotonic() < deadline:
            if all(
                b.online() and all(seq >= marks[b.locker_id] for seq in b.pending_seqs())
                for b in boards
            ):
                fault.recovered_at = time.monotonic()
                return
            time.sleep(0.25)
