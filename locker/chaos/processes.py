"""The parts of the platform as processes the harness can start, kill -9 and restart."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import deque

from fleet.broker_config import mosquitto_config, run_as
from fleet.localhost import free_port, mosquitto_binary, wait_for_port


class _Child:
    """A child process that can be stopped politely or killed with -9."""

    process = None
    stop_timeout_s = 10

    def running(self):
        return self.process is not None and self.process.poll() is None

    def kill9(self):
        if self.running():
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self):
        if self.running():
            self.process.terminate()
            try:
                self.process.wait(timeout=self.stop_timeout_s)
            except subprocess.TimeoutExpired:
                self.kill9()


class Mosquitto(_Child):
    """Mosquitto with the project's config on a fixed free port, in `workdir`; killed with -9
    and restarted on the same port and the same persistence file."""

    def __init__(self, workdir, port=None):
        self.binary = mosquitto_binary()
        if not self.binary:
            raise RuntimeError("mosquitto not found (install it, e.g. apt-get install mosquitto)")
        self.port = port or free_port()
        self.workdir = str(workdir)
        self.conf = os.path.join(self.workdir, "mosquitto.conf")
        with open(self.conf, "w") as f:
            f.write(mosquitto_config(self.port, self.workdir, user=run_as()))
        self.process = None
        self._log = open(os.path.join(self.workdir, "mosquitto.log"), "ab")

    @property
    def url(self):
        return "mqtt://127.0.0.1:%d" % self.port

    def start(self):
        deadline = time.monotonic() + 20
        while True:  # the old process's port may linger a moment after a kill
            self.process = subprocess.Popen(
                [self.binary, "-c", self.conf], stdout=self._log, stderr=self._log
            )
            try:
                wait_for_port(self.port, timeout=5)
                return self
            except TimeoutError:
                self.process.kill()
                self.process.wait()
                if time.monotonic() > deadline:
                    raise

    def stop(self):
        super().stop()
        self._log.close()


class LockerProcess(_Child):
    """`python -m locker.cli ARGS` with its output kept (the last lines, and matches of a
    pattern handed to `on_match`); restartable after a kill -9."""

    def __init__(self, name, args, env, logdir, on_line=None):
        self.name, self.args, self.env = name, list(args), {**os.environ, **env}
        self.on_line = on_line
        self.tail = deque(maxlen=200)
        self.logfile = open(os.path.join(str(logdir), name + ".log"), "a")
        self.process = None
        self.starts = 0
        self._readers = []

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "locker.cli", *self.args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
            cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
        )
        self.starts += 1
        reader = threading.Thread(
            target=self._read, args=(self.process,), name="out-" + self.name, daemon=True
        )
        reader.start()
        self._readers.append(reader)
        return self

    def _read(self, process):
        for line in process.stdout:
            self.tail.append(line)
            self.logfile.write(line)
            if self.on_line is not None:
                self.on_line(line)
        self.logfile.flush()

    stop_timeout_s = 15

    def close(self):
        self.stop()
        for reader in self._readers:  # each flushes the log when its pipe ends: not after close
            reader.join(timeout=5)
        self.logfile.close()


PIN_LINE = re.compile(r"Your parcel (\S+) \(.*PIN (\d+)")


class PinBook:
    """Recipients' PINs, as the cloud's logging notifier writes them to its output."""

    def __init__(self):
        self._pins = {}
        self._changed = threading.Condition()
        self.messages = 0

    def feed(self, line):
        found = PIN_LINE.search(line)
        if found:
            with self._changed:
                self.messages += 1
                self._pins.setdefault(found.group(1), []).append(found.group(2))
                self._changed.notify_all()

    def wait(self, tracking_code, timeout):
        deadline = time.monotonic() + timeout
        with self._changed:
            while tracking_code not in self._pins:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._changed.wait(min(left, 0.5))
            return self._pins[tracking_code][-1]

    def count(self, tracking_code):
        with self._changed:
            return len(self._pins.get(tracking_code, ()))
