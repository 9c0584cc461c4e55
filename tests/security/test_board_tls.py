"""The board's own MQTT client (firmware/net/mqtt_client.py) under CPython, its transport opened
by firmware/board/tls.py from the files `locker firmware build --identity` put in the bundle,
against a real Mosquitto started with the `locker broker-config` configuration. The board gets
in with its certificate; without one, with another fleet's, or with a revoked one, it does not;
and it refuses a broker the fleet CA did not sign, or one under another name."""

import asyncio
import json
import ssl
import time

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from firmware.board import tls
from firmware.net.mqtt_client import MqttClient
from fleet.firmware_build import board_config, build
from fleet.pki import FleetCA
from tests.firmware.net.fakes import ticks_ms
from tests.security.test_fleet_broker import BRIDGE_1, Peer

KEY = "5a" * 32
REFUSAL_WAIT_S = 30  # generous: the refusal itself is awaited, never a fixed pause


def provisioned(folder, locker_id, ca_folder):
    """What `locker provision` leaves (the cloud's key aside): certificate, key, CA, identity."""
    serial = FleetCA(ca_folder).issue_board(locker_id, folder)
    (folder / "identity.json").write_text(
        json.dumps(
            {
                "locker_id": locker_id,
                "key": KEY,
                "compartments": [[1, "S"], [2, "L"]],
                "certificate_serial": str(serial),
            }
        )
    )
    return folder


def bundle(tmp_path, locker_id, fleet):
    identity = provisioned(tmp_path / ("id-" + locker_id), locker_id, fleet.folder / "pki")
    config = board_config(locker_id, KEY, [(1, "S"), (2, "L")], "127.0.0.1", fleet.port, tls=True)
    out = tmp_path / ("bundle-" + locker_id)
    build("esp32", out, config, identity)
    return out


def board_client(open_transport, locker_id):
    client = MqttClient(open_transport, "locker-" + locker_id, ticks_ms)
    client.min_backoff_s, client.max_backoff_s, client.tick_s = 0.1, 0.5, 0.1
    client.connect_timeout_s = 20  # a TLS handshake on a loaded machine: never the cause here
    client.subscribe("lockers/%s/commands" % locker_id)
    return client


def from_bundle(out):
    config = json.loads((out / "config.json").read_text())
    return tls.broker_opener(config["broker"], str(out / "tls"))


async def until(condition, timeout):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not within %s s" % timeout
        await asyncio.sleep(0.05)


async def refused(open_transport, locker_id="A"):
    """Run the board's client until its link has failed at least once; True if that was the
    TLS handshake or the broker hanging up on it (never a timeout), and it never got up."""
    client = board_client(open_transport, locker_id)
    task = asyncio.create_task(client.run())
    try:
        await until(lambda: client.last_error is not None, REFUSAL_WAIT_S)
        error = client.last_error  # e.g. SSLCertVerificationError, an alert, a reset
        up = client.up.is_set() or client.reconnects or client.session_present
        return isinstance(error, OSError) and "not up within" not in str(error) and not up
    finally:
        await client.stop()
        await task


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 90))


def test_the_board_connects_with_its_certificate_and_talks_on_its_own_topics(fleet, tmp_path):
    out = bundle(tmp_path, "A", fleet)
    bridge = Peer(fleet, BRIDGE_1, BRIDGE_1)
    assert bridge.connected.wait(10)
    bridge.subscribe("lockers/+/events")

    async def scenario():
        client = board_client(from_bundle(out), "A")
        task = asyncio.create_task(client.run())
        try:
            await asyncio.wait_for(client.up.wait(), 30)
            client.publish("lockers/A/events", b"signed event", 1)
            await asyncio.to_thread(bridge.publish, "lockers/A/commands", b"signed command")
            return await asyncio.wait_for(client.messages().__anext__(), 30)
        finally:
            await client.stop()
            await task

    try:
        assert run(scenario()) == ("lockers/A/commands", b"signed command")
        assert bridge.wait_for(b"signed event", timeout=30)
    finally:
        bridge.close()


def test_without_a_certificate_the_board_is_refused(fleet, tmp_path):
    out = bundle(tmp_path, "A", fleet)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(
        cafile=tls.bundle_files(str(out / "tls"))[0]
    )  # trusts the broker, shows nothing
    assert run(refused(tls.opener("127.0.0.1", fleet.port, context)))


def test_a_certificate_from_another_fleet_is_refused(fleet, tmp_path):
    other = FleetCA(tmp_path / "other-pki").create()
    impostor = provisioned(tmp_path / "impostor", "A", other.folder)  # same name, wrong CA
    context = tls.client_context(
        str(fleet.folder / "pki" / "ca.crt"),
        str(impostor / "client.crt"),
        str(impostor / "client.key"),
    )
    assert run(refused(tls.opener("127.0.0.1", fleet.port, context)))


def test_a_revoked_certificate_is_refused(fleet, tmp_path):
    out = bundle(tmp_path, "A", fleet)
    serial = x509.load_pem_x509_certificate((out / "tls" / "client.pem").read_bytes()).serial_number
    fleet.ca.revoke(serial)
    fleet.broker.refresh(fleet.ca)
    fleet.stop()
    fleet.start()  # Mosquitto reads its CRL at start
    assert run(refused(from_bundle(out)))


def test_the_board_refuses_a_broker_the_fleet_ca_did_not_sign(fleet, tmp_path):
    out = bundle(tmp_path, "A", fleet)
    other = FleetCA(tmp_path / "other-pki").create()
    ca, cert, key = tls.bundle_files(str(out / "tls"))
    context = tls.client_context(str(other.cert_path), cert, key)  # a board of the other fleet
    assert run(refused(tls.opener("127.0.0.1", fleet.port, context)))


def test_the_board_refuses_a_broker_certificate_for_another_name(fleet, tmp_path):
    out = bundle(tmp_path, "A", fleet)
    context = tls.client_context(*tls.bundle_files(str(out / "tls")))
    assert run(refused(tls.opener("127.0.0.1", fleet.port, context, server_name="broker.example")))


def test_the_bundle_carries_the_same_identity_in_der_for_micropython(fleet, tmp_path):
    out = bundle(tmp_path, "A", fleet)
    pem, der = tls.bundle_files(str(out / "tls"), "pem"), tls.bundle_files(str(out / "tls"), "der")
    for cert_pem, cert_der in ((pem[0], der[0]), (pem[1], der[1])):
        assert x509.load_pem_x509_certificate(
            open(cert_pem, "rb").read()
        ) == x509.load_der_x509_certificate(open(cert_der, "rb").read())
    key_pem = serialization.load_pem_private_key(open(pem[2], "rb").read(), None)
    key_der = serialization.load_der_private_key(open(der[2], "rb").read(), None)
    assert key_pem.private_numbers() == key_der.private_numbers()
    config = json.loads((out / "config.json").read_text())
    assert config["broker"] == {"host": "127.0.0.1", "port": fleet.port, "tls": True}
