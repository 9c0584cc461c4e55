"""Board status on a development broker (anonymous, no ACL), attacked (issue 10).

The board's online status and its last will are signed with its key and numbered by connection.
Anyone on the broker can publish to lockers/<id>/status and record what the board sent there;
neither a forged `{"online": false}`, nor one signed with another key, nor the board's own old
will replayed after it reconnected, nor its old online replayed after its will, changes what the
cloud shows. The board's real will, when it drops off without a goodbye, still does."""

import os
import queue
import time
import uuid

import httpx
import paho.mqtt.client as mqtt
import pytest

from protocol import wire
from protocol.layout import parse_layout
from simulator.chaos.fleet import FleetBoard

pytestmark = pytest.mark.e2e

LAYOUT = "S2,L2"


class Attacker:
    """An anonymous client on the development broker: records the status topic, publishes."""

    def __init__(self, broker, locker_id, key):
        self.key = key  # only to tell the board's own messages from ours in what it recorded
        self.topic = wire.topic(locker_id, "status")
        self.seen = queue.Queue()
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id="attacker-" + uuid.uuid4().hex[:6]
        )
        self.client.on_message = lambda c, u, message: self.seen.put(message.payload)
        self.client.connect("127.0.0.1", broker.port)
        self.client.loop_start()
        self.client.subscribe(self.topic, qos=1)

    def recorded(self, online, timeout=15):
        """The next signed status the board published with this `online`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            payload = self.seen.get(timeout=max(0.01, deadline - time.monotonic()))
            try:
                if wire.open_signed(self.key, payload)["online"] is online:
                    return payload
            except wire.WireError:
                pass  # what we published ourselves
        raise AssertionError("no status with online=%s seen" % online)

    def publish(self, locker_id, payload, channel="status"):
        self.client.publish(
            wire.topic(locker_id, channel), payload, qos=1, retain=channel == "status"
        ).wait_for_publish(10)

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


class Cloud:
    """What an operator sees of the locker, through the API."""

    def __init__(self, cloud, locker_id):
        self.url = cloud.api.url + "/api/v1/lockers/" + locker_id
        self.headers = cloud.admin_headers

    def locker(self):
        return httpx.get(self.url, headers=self.headers, timeout=10).json()

    def online(self, expected, timeout=20):
        deadline = time.monotonic() + timeout
        while self.locker()["online"] is not expected:
            assert time.monotonic() < deadline, "the cloud never showed online=%s" % expected
            time.sleep(0.1)
        return True

    def reported(self, timeout=20):
        deadline = time.monotonic() + timeout
        while self.locker()["telemetry_at"] is None:
            assert time.monotonic() < deadline, "the board's telemetry never arrived"
            time.sleep(0.1)

    def after_marker(self, attacker, locker_id, key, t):
        """What the cloud shows once it took a marker published after the attack: telemetry
        signed with the board's key, which the bridge applies in order, after the status."""
        body = {
            "lkr": locker_id,
            "t": t,
            "type": "telemetry",
            "fw": "marker-%d" % t,
            "up": 0,
            "reset": "x",
            "heap": 0,
            "rssi": 0,
            "reconn": 0,
            "mode": "normal",
        }
        attacker.publish(locker_id, wire.sign(key, body), "telemetry")
        deadline = time.monotonic() + 20
        while (shown := self.locker())["firmware_version"] != "marker-%d" % t:
            assert time.monotonic() < deadline, "the marker was never applied"
            time.sleep(0.1)
        return shown


@pytest.fixture
def board(cloud, broker, tmp_path):
    locker_id = "S-" + uuid.uuid4().hex[:8]
    response = httpx.post(
        cloud.api.url + "/api/v1/lockers",
        headers=cloud.admin_headers,
        timeout=10,
        json={
            "id": locker_id,
            "name": locker_id,
            "compartments": [{"number": n, "size": s} for n, s in parse_layout(LAYOUT)],
        },
    )
    assert response.status_code == 201, response.text
    key = bytes.fromhex(response.json()["device_key"])
    fleet_board = FleetBoard(locker_id, key, parse_layout(LAYOUT), broker.url, tmp_path)
    yield fleet_board
    fleet_board.stop()


@pytest.mark.parametrize("broker", ["mosquitto"], indirect=True)
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_forged_and_replayed_status_change_nothing_and_the_real_will_still_does(
    cloud, broker, board
):
    locker_id, key = board.locker_id, board.key
    attacker = Attacker(broker, locker_id, key)
    shown = Cloud(cloud, locker_id)
    try:
        board.boot()
        first_online = attacker.recorded(True)
        assert shown.online(True)
        shown.reported()  # the board's own first telemetry, which a marker must come after

        attacker.publish(locker_id, b'{"online": false}')  # unsigned
        other_key = os.urandom(32)
        attacker.publish(
            locker_id,
            wire.sign(
                other_key,
                {"lkr": locker_id, "t": 0, "type": "status", "online": False, "conn": 10**9},
            ),
        )
        assert shown.after_marker(attacker, locker_id, key, 1)["online"] is True

        board.power_off()  # no DISCONNECT: the broker publishes the board's real will
        old_will = attacker.recorded(False)
        assert shown.online(False)
        attacker.publish(locker_id, first_online)  # its old online, replayed after its will
        assert shown.after_marker(attacker, locker_id, key, 2)["online"] is False

        board.boot()  # back, from its flash: a new connection number
        attacker.recorded(True)
        assert shown.online(True)
        attacker.publish(locker_id, old_will)  # its old will, replayed after it came back
        assert shown.after_marker(attacker, locker_id, key, 3)["online"] is True

        board.power_off()
        attacker.recorded(False)
        assert shown.online(False)  # and its real will still counts
    finally:
        attacker.close()
