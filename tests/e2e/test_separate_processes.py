"""Production shape: `locker cloud`, `locker bridge` and `locker sim` as processes of their own."""

import os
import re
import subprocess
import sys
import threading
import time

import httpx
import pytest

from fleet.localhost import free_port
from locker.access import login_headers
from locker.scenario import Scenario
from protocol.layout import parse_layout
from simulator.virtual_locker import VirtualLocker

pytestmark = pytest.mark.e2e


class ProcessOutput:
    """A child process whose output lines are collected as they come."""

    def __init__(self, *args, stdin=None, env=None):
        self.lines = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "locker.cli", *args],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **(env or {})},
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)


class LoggedPhones:
    """Recipients' PINs as the cloud's logging notifier wrote them."""

    def __init__(self, cloud):
        self.cloud = cloud

    def wait_for_pin(self, phone, tracking_code, timeout=20.0):
        pattern = re.compile(r"sms to %s: .*%s.*PIN (\d+)" % (re.escape(phone), tracking_code))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.cloud.lines):
                if found := pattern.search(line):
                    return found.group(1)
            time.sleep(0.1)
        raise TimeoutError("no PIN for %s in the cloud's log" % tracking_code)


def _wait_healthy(url, cloud):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("cloud never became healthy:\n" + "".join(cloud.lines))


ADMIN_PASSWORD = "a long and random enough passphrase"


def _admin_headers(api, database):
    """The first admin, made the only way there is (`locker admin create`), logged in."""
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "locker.cli",
            "admin",
            "create",
            "root",
            "--role",
            "admin",
            "--password-stdin",
            "--database-url",
            database,
        ],
        input=ADMIN_PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    return login_headers(api, "root", ADMIN_PASSWORD)


@pytest.fixture
def processes(mosquitto, tmp_path):
    database = "sqlite:///%s" % (tmp_path / "locker.db")
    port = free_port()
    env = {"LOCKER_DATABASE_URL": database, "LOCKER_MQTT_URL": mosquitto.url}
    cloud = ProcessOutput("cloud", "--port", str(port), env=env)
    bridge = ProcessOutput("bridge", "--client-id", "bridge-" + str(port), env=env)
    yield "http://127.0.0.1:%d" % port, cloud, database
    for process in (bridge, cloud):
        process.stop()


def test_a_deposit_and_pickup_across_processes(processes, mosquitto):
    api, cloud, database = processes
    _wait_healthy(api, cloud)
    headers = _admin_headers(api, database)
    compartments = parse_layout("S4,M4,L4")
    response = httpx.post(
        api + "/api/v1/lockers",
        timeout=10,
        headers=headers,
        json={
            "id": "PROC-1",
            "name": "Process St",
            "compartments": [{"number": n, "size": s} for n, s in compartments],
        },
    )
    assert response.status_code == 201, response.text
    board = VirtualLocker(
        "PROC-1", bytes.fromhex(response.json()["device_key"]), compartments, mosquitto.url
    ).start()
    try:
        Scenario(api, board, LoggedPhones(cloud), say=lambda *_: None, headers=headers).run()
    finally:
        board.stop()


def test_the_simulator_console_provisions_and_reports(processes, mosquitto, tmp_path):
    api, cloud, database = processes
    _wait_healthy(api, cloud)
    token = _admin_headers(api, database)["Authorization"].split()[1]
    sim = subprocess.run(
        [
            sys.executable,
            "-m",
            "locker.cli",
            "sim",
            "--locker-id",
            "CONSOLE-1",
            "--api",
            api,
            "--token",
            token,
            "--layout",
            "S1,L1",
            "--mqtt-url",
            mosquitto.url,
            "--state-dir",
            str(tmp_path),
        ],
        input="press 12#\nopen 1\nstate\nquit\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert sim.returncode == 0, sim.stderr
    assert "provisioned CONSOLE-1" in sim.stdout
    assert "display: Wrong code" in sim.stdout
    assert "door 1 is locked" in sim.stdout
    assert re.search(r"\s1 free\s", sim.stdout) and re.search(r"\s2 free\s", sim.stdout)
