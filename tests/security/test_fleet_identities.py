"""A board can never hold a service's rights on the fleet's broker (issue 10).

`locker provision bridge-4` used to give a board the name of a bridge worker, and with it the
right to read every board's events, to write every board's commands and to push the real
worker off. Now services are named "svc:<word>", a name no locker id can spell; ids that read as
a service's name are refused by the CLI, the CA and the cloud; and on Mosquitto, started with
the config `locker broker-config` writes, a certificate with a bridge's old name is one more
board with topics of its own, nothing more."""

import datetime
import json
import subprocess
import sys
import time

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from fleet.identities import IdentityNameError
from tests.security.test_fleet_broker import BRIDGE_1, BRIDGE_2, Peer

COLLIDING = [
    "bridge-4",
    "Bridge-4",
    "BRIDGE-1",
    "bridge",
    "bridge.1",
    "svc-bridge-4",
    "svc:bridge-4",
    "bridge-4\n",
    "bridge-4 ",
    "lockers/A",
    "A/events",
    "+",
    "#",
    "A#",
    "",
    "x" * 33,
]


def _connected(peer):
    assert peer.connected.wait(10), "refused"
    return peer


def _locker(*args):
    return subprocess.run(
        [sys.executable, "-m", "locker.cli", *args], capture_output=True, text=True, timeout=120
    )


def certificate_as_issued_before(ca, name, folder):
    """A client certificate for `name` signed by the fleet CA, as `locker provision NAME` issued
    them before names were checked: what a board provisioned as bridge-4 holds."""
    ca_key = serialization.load_pem_private_key(ca.key_path.read_bytes(), None)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(x509.load_pem_x509_certificate(ca.cert_path.read_bytes()).subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    folder.mkdir(parents=True)
    (folder / "client.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (folder / "client.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "ca.crt").write_bytes(ca.cert_path.read_bytes())
    return folder


@pytest.mark.parametrize("broker", ["mosquitto"], indirect=True)
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
@pytest.mark.parametrize("locker_id", ["bridge-4", "Bridge-4", "svc:bridge-4", "bridge-4\n"])
def test_provisioning_a_board_under_a_services_name_is_refused_and_makes_nothing(
    cloud, tmp_path, locker_id
):
    pki = tmp_path / "pki"
    assert _locker("ca", "init", "--dir", str(pki)).returncode == 0
    token = cloud.admin_headers["Authorization"].split()[1]
    result = _locker(
        "provision",
        locker_id,
        "--api",
        cloud.api.url,
        "--token",
        token,
        "--ca-dir",
        str(pki),
        "--out",
        str(tmp_path / "board"),
    )
    assert (
        result.returncode != 0
        and "locker provision:" in result.stderr
        and "Traceback" not in result.stderr
    )
    assert json.loads((pki / "issued.json").read_text()) == []  # no certificate
    assert not (tmp_path / "board").exists()
    listed = httpx.get(
        cloud.api.url + "/api/v1/lockers", headers=cloud.admin_headers, timeout=10
    ).json()
    assert listed == []  # no locker, no key


@pytest.mark.parametrize(
    "locker_id", ["bridge-4", "Bridge-4", "bridge", "svc-1", "SVC.x", "bridge_2"]
)
def test_the_cloud_refuses_to_register_a_locker_under_a_services_name(client, locker_id):
    response = client.post(
        "/api/v1/lockers",
        json={"id": locker_id, "name": "x", "compartments": [{"number": 1, "size": "S"}]},
    )
    assert response.status_code == 422
    assert response.json()["detail"]["code"] == "reserved_locker_id"
    assert client.get("/api/v1/lockers").json() == []


@pytest.mark.parametrize("locker_id", COLLIDING)
def test_the_ca_issues_no_board_certificate_under_a_name_that_could_collide(
    fleet, tmp_path, locker_id
):
    with pytest.raises(IdentityNameError):
        fleet.ca.issue_board(locker_id, tmp_path / "board")
    assert not (tmp_path / "board").exists()
    assert all(entry["name"] != locker_id for entry in fleet.ca.issued())


@pytest.mark.parametrize("old_name", ["bridge-1", "bridge-4"])
def test_a_board_certificate_with_a_bridges_old_name_gets_no_bridge_rights(
    fleet, tmp_path, old_name
):
    impostor_files = certificate_as_issued_before(fleet.ca, old_name, tmp_path / old_name)
    bridge = _connected(Peer(fleet, BRIDGE_1, BRIDGE_1))
    bridge.subscribe("lockers/+/events")
    board = _connected(Peer(fleet, "A"))
    board.subscribe("lockers/A/commands")
    impostor = _connected(
        Peer(fleet, old_name, BRIDGE_1, impostor_files)
    )  # claims the worker's id too
    impostor.subscribe("lockers/+/events")
    impostor.publish("lockers/A/commands", b"forged open")
    board.publish("lockers/A/events", b"event of A")
    bridge.publish("lockers/A/commands", b"real command")
    assert bridge.wait_for(b"event of A") and board.wait_for(b"real command")
    assert not impostor.wait_for(b"event of A", timeout=1)  # reads no board's events
    assert not any(p == b"forged open" for _, p in board.messages)  # writes no board's commands
    assert not bridge.kicked.is_set()  # and the real worker stays connected


def test_the_bridges_identity_cannot_speak_as_a_board(fleet):
    listener = _connected(Peer(fleet, BRIDGE_2, BRIDGE_2))
    listener.subscribe("lockers/+/events")
    listener.subscribe("lockers/+/status")
    bridge = _connected(Peer(fleet, BRIDGE_1, BRIDGE_1))
    for topic in ("lockers/A/events", "lockers/%s/events" % BRIDGE_1, "lockers/A/status"):
        bridge.publish(topic, b"forged by the bridge")
    _connected(Peer(fleet, "A")).publish("lockers/A/events", b"from A")
    assert listener.wait_for(b"from A")
    time.sleep(0.5)  # what the bridge sent went first; nothing of it may arrive late either
    assert not any(p == b"forged by the bridge" for _, p in listener.messages)


def test_a_board_cannot_read_another_boards_events_or_status(fleet):
    bridge = _connected(Peer(fleet, BRIDGE_1, BRIDGE_1))
    bridge.subscribe("lockers/+/events")
    a = _connected(Peer(fleet, "A"))
    for topic in ("lockers/B/events", "lockers/B/status", "lockers/+/events", "lockers/#"):
        a.subscribe(topic)
    b = _connected(Peer(fleet, "B"))
    b.publish("lockers/B/status", b"B online")
    b.publish("lockers/B/events", b"event of B")
    assert bridge.wait_for(b"event of B")
    assert not a.wait_for(b"event of B", timeout=1) and not a.wait_for(b"B online", timeout=0.1)
