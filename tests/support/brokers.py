"""Real MQTT brokers for the tests: Mosquitto started from its binary, or the embedded one."""

import subprocess

from fleet.broker_config import mosquitto_config, run_as
from fleet.localhost import free_port, mosquitto_binary, wait_for_port
from locker.embedded_broker import EmbeddedBroker


class MosquittoProcess:
    """Mosquitto on a free port with the project's config, in a temp dir; restartable."""

    kind = "mosquitto"

    def __init__(self, workdir):
        self.port = free_port()
        self.workdir = workdir
        self.conf = workdir / "mosquitto.conf"
        self.conf.write_text(mosquitto_config(self.port, workdir, user=run_as()))
        self.process = None

    @property
    def url(self):
        return "mqtt://127.0.0.1:%d" % self.port

    def start(self):
        self.process = subprocess.Popen(
            [mosquitto_binary(), "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
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
