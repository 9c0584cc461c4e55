"""The fleet's broker as a system service runs it (issue 10): `/usr/sbin/mosquitto -c CONF`
started as root, which drops to the user the config names before it reads its key. The config
`locker broker-config` writes, as written, starts that way, serves TLS to a board and takes a
revocation on a reload; a folder that user could not reach is refused up front."""

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from fleet.localhost import free_port, mosquitto_binary, wait_for_port
from fleet.pki import FleetCA
from fleet.service_user import SYSTEM_USER
from tests.security.test_fleet_broker import Peer

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="a system service starts the broker as root"
)


def _locker(*args):
    return subprocess.run(
        [sys.executable, "-m", "locker.cli", *args], capture_output=True, text=True, timeout=120
    )


class ServiceBroker:
    """What systemd's mosquitto.service does: the binary, as root, with the written config."""

    def __init__(self, folder):
        self.folder, self.port = folder, free_port()
        self.ca = FleetCA(folder / "pki")
        assert _locker("ca", "init", "--dir", str(self.ca.folder)).returncode == 0
        written = _locker(
            "broker-config",
            "--ca-dir",
            str(self.ca.folder),
            "--out",
            str(folder / "broker"),
            "--port",
            str(self.port),
            "--host",
            "127.0.0.1",
            "--bridge-workers",
            "1",
        )
        assert written.returncode == 0, written.stderr
        self.ca.issue_board("A", folder / "A")
        self.process = subprocess.Popen(
            [mosquitto_binary(), "-c", str(folder / "broker" / "mosquitto.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def identity(self, who):
        return self.folder / "broker" / "bridge-1" if who.startswith("svc:") else self.folder / who

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def service(request):
    if mosquitto_binary() is None:
        pytest.fail("mosquitto is not installed: run `make test`")
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        pytest.skip("no %s user: the broker's package makes it" % SYSTEM_USER)
    folder = Path(tempfile.mkdtemp(prefix="fleet-service-"))  # not pytest's: closed to other users
    folder.chmod(0o755)
    broker = ServiceBroker(folder)
    yield broker
    broker.stop()
    shutil.rmtree(folder, ignore_errors=True)


def _user_of(pid):
    uid = next(
        int(line.split()[1])
        for line in Path("/proc/%d/status" % pid).read_text().splitlines()
        if line.startswith("Uid:")
    )
    return pwd.getpwuid(uid).pw_name


def test_the_written_config_starts_as_a_system_service_and_serves_tls(service):
    try:
        wait_for_port(service.port, timeout=10)
    except TimeoutError:
        service.process.wait(timeout=5)
        pytest.fail("mosquitto did not start: %s" % service.process.stderr.read().decode())
    assert _user_of(service.process.pid) == SYSTEM_USER  # it dropped root, and still read its key
    bridge = Peer(service, "svc:bridge-1", "svc:bridge-1")
    assert bridge.connected.wait(10)
    bridge.subscribe("lockers/+/events")
    board = Peer(service, "A")
    assert board.connected.wait(10)
    board.publish("lockers/A/events", b"over TLS")
    assert bridge.wait_for(b"over TLS")
    # a reload reads the key and the CRL again, as that user: a revocation takes effect
    revoked = _locker(
        "ca",
        "revoke",
        "A",
        "--dir",
        str(service.ca.folder),
        "--broker-dir",
        str(service.folder / "broker"),
    )
    assert revoked.returncode == 0, revoked.stderr
    assert board.kicked.wait(10) and not Peer(service, "A").connected.wait(3)
    assert service.process.poll() is None and _user_of(service.process.pid) == SYSTEM_USER


def test_a_folder_the_service_user_cannot_reach_is_refused_before_anything_is_written(tmp_path):
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    assert _locker("ca", "init", "--dir", str(tmp_path / "pki")).returncode == 0
    result = _locker(
        "broker-config", "--ca-dir", str(tmp_path / "pki"), "--out", str(closed / "broker")
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "%s cannot reach" % SYSTEM_USER in result.stderr and str(closed) in result.stderr
    assert not (closed / "broker").exists()
