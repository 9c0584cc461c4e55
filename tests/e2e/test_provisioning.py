"""An installer's commands: a CA, a board's identity, the fleet broker's configuration."""

import json
import os
import subprocess
import sys

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

pytestmark = pytest.mark.e2e


def _locker(*args):
    result = subprocess.run(
        [sys.executable, "-m", "locker.cli", *args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("broker", ["mosquitto"], indirect=True)
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_board_is_provisioned_with_its_own_key_and_certificate(cloud, tmp_path):
    pki = tmp_path / "pki"
    _locker("ca", "init", "--dir", str(pki))
    token = cloud.admin_headers["Authorization"].split()[1]
    boards = {}
    for locker_id in ("P-1", "P-2"):
        out = tmp_path / locker_id
        _locker(
            "provision",
            locker_id,
            "--api",
            cloud.api.url,
            "--token",
            token,
            "--ca-dir",
            str(pki),
            "--out",
            str(out),
            "--layout",
            "S2,L2",
        )
        cert = x509.load_pem_x509_certificate((out / "client.crt").read_bytes())
        boards[locker_id] = (json.loads((out / "identity.json").read_text()), cert)
    (one, cert_one), (two, cert_two) = boards["P-1"], boards["P-2"]
    assert cert_one.subject.rfc4514_string().startswith("CN=P-1")  # its identity is its locker id
    assert (
        one["key"] != two["key"] and cert_one.public_key() != cert_two.public_key()
    )  # no shared secret
    assert oct((tmp_path / "P-1" / "client.key").stat().st_mode & 0o777) == "0o600"
    # the installer's next step: the board's bundle, TLS with that identity
    _locker(
        "firmware",
        "build",
        "--board",
        "picow",
        "--identity",
        str(tmp_path / "P-1"),
        "--out",
        str(tmp_path / "fw"),
    )
    config = json.loads((tmp_path / "fw" / "config.json").read_text())
    assert (config["locker_id"], config["key"], config["broker"]["tls"]) == (
        "P-1",
        one["key"],
        True,
    )
    assert (tmp_path / "fw" / "tls" / "client.der").read_bytes() == cert_one.public_bytes(
        Encoding.DER
    )


def test_broker_config_writes_a_tls_only_listener_with_certificates_for_the_bridge(tmp_path):
    pki, out = tmp_path / "pki", tmp_path / "broker"
    _locker("ca", "init", "--dir", str(pki))
    user = (
        ["--user", "root"] if os.geteuid() == 0 else []
    )  # pytest's folders are closed to mosquitto
    _locker(
        "broker-config",
        "--ca-dir",
        str(pki),
        "--out",
        str(out),
        "--port",
        "8883",
        "--bridge-workers",
        "2",
        *user,
    )
    conf = (out / "mosquitto.conf").read_text()
    for line in (
        "listener 8883",
        "require_certificate true",
        "use_identity_as_username true",
        "use_username_as_clientid true",
        "allow_anonymous false",
        "crlfile",
        "user ",
        "pid_file",
    ):
        assert line in conf
    for worker in ("bridge-1", "bridge-2"):
        cert = x509.load_pem_x509_certificate((out / worker / "client.crt").read_bytes())
        assert cert.subject.rfc4514_string().startswith("CN=svc:" + worker)  # a service's name
    assert "pattern read lockers/%u/commands" in (out / "acl").read_text()
