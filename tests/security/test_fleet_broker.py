"""The fleet's broker, attacked: Mosquitto started with the config `locker broker-config` writes."""

import ssl
import threading
import time

import paho.mqtt.client as mqtt

from fleet.broker_config import run_as
from fleet.broker_folder import BrokerFolder
from fleet.fleet_broker import bridge_identity, bridge_word
from fleet.localhost import free_port
from fleet.pki import FleetCA
from tests.support.brokers import MosquittoProcess

BRIDGE_1, BRIDGE_2 = bridge_identity(1), bridge_identity(2)


class FleetBroker(MosquittoProcess):
    """The same process handling as the tests' plain broker, with the fleet's TLS config as
    `locker broker-config` writes it (run as root, the broker stays root: pytest's temporary
    folders are closed to Mosquitto's own user; test_broker_service.py runs it as that user)."""

    def __init__(self, folder):
        self.folder, self.port, self.process = folder, free_port(), None
        self.ca = FleetCA(folder / "pki").create()
        self.broker = BrokerFolder(folder / "broker")
        self.conf = self.broker.write(
            self.ca,
            port=self.port,
            host="127.0.0.1",
            server_name="127.0.0.1",
            bridge_workers=2,
            user=run_as(),
        )
        self.serials = {who: self.ca.issue_board(who, folder / who) for who in ("A", "B")}

    def identity(self, who):
        """The folder holding `who`'s certificate: a board's, or a bridge worker's."""
        workers = {bridge_identity(n): self.broker.folder / bridge_word(n) for n in (1, 2)}
        return workers.get(who, self.folder / who)


class Peer:
    """A TLS MQTT client holding `who`'s certificate (or none), or the one in folder `files`."""

    def __init__(self, broker, who, client_id=None, files=None):
        self.messages, self.connected = [], threading.Event()
        self.refused, self.kicked = threading.Event(), threading.Event()
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=client_id or "locker-%s" % who
        )
        certs = files or broker.identity(who or "A")
        self.client.tls_set(
            ca_certs=str(certs / "ca.crt"),
            certfile=str(certs / "client.crt") if who else None,
            keyfile=str(certs / "client.key") if who else None,
            cert_reqs=ssl.CERT_REQUIRED,
        )
        self.client.on_connect = lambda c, u, f, rc, p: (
            self.refused if rc.is_failure else self.connected
        ).set()
        self.client.on_disconnect = lambda *args: self.kicked.set()
        self.client.on_message = lambda c, u, m: self.messages.append((m.topic, m.payload))
        self.subscribed = threading.Event()
        self.client.on_subscribe = lambda c, u, mid, codes, p: self.subscribed.set()
        try:
            self.client.connect("127.0.0.1", broker.port)
        except (ssl.SSLError, OSError):
            self.refused.set()
            return
        self.client.loop_start()

    def subscribe(self, topic):
        self.subscribed.clear()
        self.client.subscribe(topic, qos=1)
        assert self.subscribed.wait(10)

    def publish(self, topic, payload):
        self.client.publish(topic, payload, qos=1).wait_for_publish(10)

    def wait_for(self, payload, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(p == payload for _, p in self.messages):
                return True
            time.sleep(0.05)
        return False

    def wait_for_any(self, matches, timeout=10):
        """Whether a message whose payload `matches` arrives within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(matches(p) for _, p in list(self.messages)):
                return True
            time.sleep(0.05)
        return False

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def _connected(peer):
    assert peer.connected.wait(10), "refused"
    return peer


def test_a_client_without_a_certificate_is_refused(fleet):
    peer = Peer(fleet, None)
    assert not peer.connected.wait(3)


def test_a_board_cannot_publish_as_another_board(fleet):
    bridge = _connected(Peer(fleet, BRIDGE_1, BRIDGE_1))
    bridge.subscribe("lockers/+/events")
    a = _connected(Peer(fleet, "A"))
    a.publish("lockers/B/events", b"forged by A")
    a.publish("lockers/A/events", b"from A")  # arrives after the forgery would have
    assert bridge.wait_for(b"from A")
    assert ("lockers/B/events", b"forged by A") not in bridge.messages


def test_a_board_cannot_read_another_boards_commands(fleet):
    bridge = _connected(Peer(fleet, BRIDGE_1, BRIDGE_1))
    a, b = _connected(Peer(fleet, "A")), _connected(Peer(fleet, "B"))
    b.subscribe("lockers/B/commands")
    a.client.subscribe("lockers/B/commands", qos=1)
    a.subscribe("lockers/A/commands")
    bridge.publish("lockers/B/commands", b"open door 3")
    assert b.wait_for(b"open door 3")
    assert not a.wait_for(b"open door 3", timeout=1)


def test_a_board_cannot_send_commands_to_another(fleet):
    b = _connected(Peer(fleet, "B"))
    b.subscribe("lockers/B/commands")
    a = _connected(Peer(fleet, "A"))
    a.publish("lockers/B/commands", b"forged command")
    bridge = _connected(Peer(fleet, BRIDGE_1, BRIDGE_1))
    bridge.publish("lockers/B/commands", b"real command")
    assert b.wait_for(b"real command") and not any(p == b"forged command" for _, p in b.messages)


def test_claiming_a_boards_client_id_does_not_push_it_off(fleet):
    a = _connected(Peer(fleet, "A"))
    impostor = _connected(Peer(fleet, "B", client_id="locker-A"))
    time.sleep(1)
    assert not a.kicked.is_set()
    impostor.close()


def test_a_revoked_board_is_refused_after_the_broker_rereads_its_list(fleet):
    fleet.ca.revoke(fleet.serials["A"])
    fleet.broker.refresh(fleet.ca)
    fleet.stop()
    fleet.start()
    assert not Peer(fleet, "A").connected.wait(3)
    assert Peer(fleet, "B").connected.wait(10)


def test_bridge_workers_share_the_events_under_the_acl(fleet):
    workers = [_connected(Peer(fleet, who, who)) for who in (BRIDGE_1, BRIDGE_2)]
    for worker in workers:
        worker.subscribe("$share/bridge/lockers/+/events")
    a = _connected(Peer(fleet, "A"))
    for n in range(20):
        a.publish("lockers/A/events", b"event %d" % n)
    deadline = time.monotonic() + 10
    while sum(len(w.messages) for w in workers) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    received = sorted(p for w in workers for _, p in w.messages)
    assert received == sorted(b"event %d" % n for n in range(20))  # each once, none lost
