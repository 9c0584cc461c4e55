"""The firmware bundle on MicroPython's WebAssembly port, driven from a test like a VirtualLocker.

It speaks the same little API the demo scenario uses (press, open_door, close_door, pulsed,
panel.text, wait_until, wait_for_pulse), so one scenario runs on both the CPython simulator
and the real MicroPython interpreter.
"""

import json
import shutil
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WASM = ROOT / "simulator" / "wasm"


def provision_wasm_board(api_url, headers, locker_id, layout, broker, workdir):
    """Register a locker through the API, build its ESP32 bundle and boot it on MicroPython."""
    from fleet.firmware_build import board_config, build
    from fleet.registration import register_locker
    from protocol.layout import parse_layout

    compartments = parse_layout(layout)
    key = register_locker(api_url, locker_id, compartments, headers=headers, timeout=10)
    config = board_config(locker_id, key, compartments, *broker)
    build("esp32", Path(workdir) / "bundle", config)
    return WasmBoard(Path(workdir) / "bundle", workdir)


def node_ready():
    return shutil.which("node") is not None and (WASM / "node_modules" / "@micropython").is_dir()


class BoardView:
    """What the board reported about its controller, answering like the Controller does."""

    def __init__(self, state):
        self._state = state

    def is_online(self):
        return self._state.get("online", False)

    def courier_count(self):
        return self._state.get("couriers", 0)

    def has_reservation(self, parcel):
        return parcel in self._state.get("reserved", [])

    def has_credential_for(self, parcel):
        return parcel in self._state.get("credentials", [])

    def has_return_code_for(self, parcel):
        return parcel in self._state.get("returns", [])

    def parcels_to_collect(self):
        return [(cmp, parcel) for cmp, parcel in self._state.get("collect", [])]

    def pending_events(self):
        return [None] * self._state.get("pending", 0)

    @property
    def last_counter(self):
        return self._state.get("counter", 0)

    def compartment(self, number):
        for n, state, parcel, size in self._state.get("compartments", []):
            if n == number:
                return _Compartment(number, state, parcel, size)
        return None


class _Compartment:
    def __init__(self, number, state, parcel, size):
        self.number, self.state, self.parcel, self.size = number, state, parcel, size


class _Panel:
    def __init__(self):
        self.lines = []

    @property
    def text(self):
        return self.lines[-1] if self.lines else ""


class WasmBoard:
    def __init__(self, bundle, workdir, heap_bytes=1024 * 1024, release_proxies_ms=0):
        """`release_proxies_ms`: how often Node collects so that the interpreter's table of
        objects lent to JavaScript stays small (simulator/wasm/run_board.mjs); 0: never, as
        Node paces it (the benchmark weighs the heap, tests do not)."""
        self.locker_id = json.loads((Path(bundle) / "config.json").read_text())["locker_id"]
        harness = Path(workdir) / "harness"
        harness.mkdir(parents=True, exist_ok=True)
        for source in (
            WASM / "harness.py",
            WASM / "bench.py",
            ROOT / "simulator" / "virtual_bank.py",
        ):
            shutil.copy(source, harness / source.name)
        self.process = subprocess.Popen(
            [
                "node",
                "--expose-gc",
                str(WASM / "run_board.mjs"),
                str(bundle),
                str(harness),
                str(heap_bytes),
                str(release_proxies_ms),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.pulsed, self.panel, self.observations = [], _Panel(), []
        self.controller = BoardView({})
        self._changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for(lambda o: "booted" in o, 30, "the board to boot")

    def _read(self):
        for line in self.process.stdout:
            try:
                observation = json.loads(line)
            except ValueError:
                observation = {"log": line.rstrip()}  # the firmware's own prints
            with self._changed:
                self._take(observation)
                self._changed.notify_all()
        with self._changed:
            self.observations.append({"exited": self.process.wait()})
            self._changed.notify_all()

    def _take(self, observation):
        self.observations.append(observation)
        if "pulse" in observation:
            self.pulsed.append(observation["pulse"])
        if "show" in observation:
            self.panel.lines.append(observation["show"])
        if "state" in observation:
            self.controller = BoardView(observation["state"])

    def wait_for(self, predicate, timeout=15.0, what="an observation", start=0):
        """The first observation from index `start` on that satisfies predicate."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for observation in self.observations[start:]:
                    if "exited" in observation:
                        raise RuntimeError("the board exited: %s" % self._exit_reason())
                    if predicate(observation):
                        return observation
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("%s: no %s in %.0fs" % (self.locker_id, what, timeout))
                self._changed.wait(left)

    def _exit_reason(self):
        return self.process.stderr.read()[-2000:]

    def command(self, timeout=20.0, **command):
        start = len(self.observations)
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        self.wait_for(lambda o: o.get("done") == command, timeout, "done for %s" % command, start)
        return self.observations[start:]

    # --- the VirtualLocker API --------------------------------------------------------------
    def press(self, keys):
        self.command(press=keys)

    def open_door(self, number):
        return any(o.get("door") == number and o.get("open") for o in self.command(open=number))

    def close_door(self, number):
        self.command(close=number)

    def scan(self, code):
        self.command(scan=code)

    def wait_until(self, condition, timeout=10.0, what="condition"):
        self.wait_for(lambda o: condition(self.controller), timeout, what)

    def wait_for_pulse(self, after=0, timeout=10.0):
        self.wait_for(lambda o: len(self.pulsed) > after, timeout, "a door pulse")
        return self.pulsed[after]

    def stop(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.write('{"quit": true}\n')
                self.process.stdin.flush()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
