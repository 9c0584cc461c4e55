"""Real MQTT brokers for the tests: Mosquitto started from its binary, or the embedded one."""
import os
import shutil
import socket
import subprocess
import time

from locker.broker_config import mosquitto_config
from locker.embedded_broker import EmbeddedBroker


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError("nothing listens on port %d" % port)


def mosquitto_binary():
    return shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin:/usr/local/sbin")


class MosquittoProcess:
    """Mosquitto on a free port with the project's config, in a temp dir; restartable."""

    kind = "mosquitto"

    def __init__(self, workdir):
        self.port = free_port()
        self.workdir = workdir
        self.conf = workdir / "mosquitto.conf"
        user = "root" if os.geteuid() == 0 else None  # else it cannot save sessions in workdir
        self.conf.write_text(mosquitto_config(self.port, workdir, user=user))
        self.process = None

    @property
    def url(self):
        return "mqtt://127.0.0.1:%d" % self.port

    def start(self):
        self.process = subprocess.Popen(
            [mosquitto_binary(), "-c", str(self.conf)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for_port(self.port)
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class EmbeddedBrokerHandle:
    kind = "embedded"

    def __init__(self):
        self.broker = EmbeddedBroker(port=free_port())
        self.port = self.broker.port

    @property
    def url(self):
        return self.broker.url

    def start(self):
        self.broker.start()
        return self

    def stop(self):
        self.broker.stop()
