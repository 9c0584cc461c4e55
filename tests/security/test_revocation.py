"""`locker ca revoke LOCKER_ID` against the running fleet broker (issue 10): no restart, the same
broker process, and the board, connected at that moment with the firmware's own MQTT client, is
cut off at once: what it publishes reaches no one, it cannot connect again, and its last will
tells the cloud it went offline. A copy of its certificate that escaped the CA's record gets
nothing either; a name the CA never issued is refused and changes nothing."""

import asyncio
import subprocess
import sys

from firmware.net.mqtt_client import MqttClient
from tests.firmware.net.fakes import ticks_ms
from tests.security.test_board_tls import bundle, from_bundle, run, until
from tests.security.test_fleet_broker import BRIDGE_1, Peer
from tests.security.test_fleet_identities import certificate_as_issued_before

WILL = b"A offline"


def _revoke(fleet, name):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "locker.cli",
            "ca",
            "revoke",
            name,
            "--dir",
            str(fleet.ca.folder),
            "--broker-dir",
            str(fleet.broker.folder),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def board_with_will(open_transport):
    """Board A's MQTT client, as the firmware runs it, with a last will."""
    client = MqttClient(open_transport, "locker-A", ticks_ms, will=("lockers/A/status", WILL))
    client.min_backoff_s, client.max_backoff_s, client.tick_s = 0.1, 0.5, 0.1
    client.connect_timeout_s = 20  # a TLS handshake on a loaded machine: never the cause here
    return client


class CountingOpener:
    """The board's transport opener, counting attempts."""

    def __init__(self, open_transport):
        self.open_transport, self.attempts = open_transport, 0

    async def __call__(self):
        self.attempts += 1
        return await self.open_transport()


def test_a_connected_board_revoked_is_cut_off_without_restarting_the_broker(fleet, tmp_path):
    pid = fleet.process.pid
    bridge = Peer(fleet, BRIDGE_1, BRIDGE_1)
    assert bridge.connected.wait(10)
    bridge.subscribe("lockers/+/#")
    other = Peer(fleet, "B")
    assert other.connected.wait(10)
    opener = CountingOpener(from_bundle(bundle(tmp_path, "A", fleet)))

    async def scenario():
        client = board_with_will(opener)
        task = asyncio.create_task(client.run())
        try:
            await asyncio.wait_for(client.up.wait(), 30)
            client.publish("lockers/A/events", b"before", 1)
            await until(lambda: ("lockers/A/events", b"before") in bridge.messages, 30)
            revoked = await asyncio.to_thread(_revoke, fleet, "A")
            client.publish("lockers/A/events", b"after", 1)
            await until(lambda: opener.attempts >= 4, 60)  # three more tries after it was cut off
            return revoked, client.reconnects, client.up.is_set()
        finally:
            await client.stop()
            await task

    revoked, reconnects, connected = run(scenario())
    assert revoked.returncode == 0, revoked.stderr
    assert (reconnects, connected) == (0, False)  # every try refused
    other.publish("lockers/B/events", b"B still here")
    assert bridge.wait_for(b"B still here") and bridge.wait_for(WILL)  # the cloud sees A go
    assert not any(p == b"after" for _, p in bridge.messages)
    assert fleet.process.pid == pid and fleet.process.poll() is None  # never restarted


def test_a_copy_of_the_certificate_outside_the_record_is_shut_out_by_name(fleet, tmp_path):
    stray = certificate_as_issued_before(fleet.ca, "A", tmp_path / "stray")  # not on the CRL
    assert _revoke(fleet, "A").returncode == 0
    bridge = Peer(fleet, BRIDGE_1, BRIDGE_1)
    assert bridge.connected.wait(10)
    bridge.subscribe("lockers/+/events")
    copy = Peer(fleet, "A", files=stray)
    assert copy.connected.wait(10)  # TLS lets it in: the CRL does not know it
    copy.subscribe("lockers/A/commands")
    copy.publish("lockers/A/events", b"from the copy")
    bridge.publish("lockers/A/commands", b"command for A")
    b = Peer(fleet, "B")
    assert b.connected.wait(10)
    b.publish("lockers/B/events", b"from B")
    assert bridge.wait_for(b"from B")
    assert not any(p == b"from the copy" for _, p in bridge.messages)
    assert not copy.wait_for(b"command for A", timeout=1)


def test_a_name_the_ca_never_issued_is_refused_and_nothing_changes(fleet):
    crl, acl = fleet.ca.crl_path.read_bytes(), fleet.broker.acl.read_text()
    result = _revoke(fleet, "nobody")
    assert result.returncode != 0 and "no certificate for nobody" in result.stderr
    assert "Traceback" not in result.stderr
    assert fleet.ca.crl_path.read_bytes() == crl and fleet.broker.acl.read_text() == acl
    assert Peer(fleet, "A").connected.wait(10)
