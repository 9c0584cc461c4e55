"""`locker gateway` as a real child process on a serial port, killed with -9 and restarted."""

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class GatewayProcess:
    def __init__(self, port, broker_url, log_path, *extra):
        self.args = ["gateway", "--port", str(port), "--mqtt-url", broker_url, *extra]
        self.log_path = Path(log_path)
        self.process = None

    def start(self):
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "locker.cli", *self.args],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def log(self):
        return self.log_path.read_text() if self.log_path.exists() else ""

    def wait_for_log(self, text, count=1, timeout=15):
        """Until `text` is in the log `count` times; AssertionError with the log otherwise."""
        deadline = time.monotonic() + timeout
        while self.log().count(text) < count:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("gateway never logged %r:\n%s" % (text, self.log()))
            time.sleep(0.05)

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill9()
