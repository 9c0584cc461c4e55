"""`locker firmware build`: what an installer copies to a board."""

import json
import subprocess
import sys

import pytest

from fleet.board_identity import IdentityError
from fleet.firmware_build import BOARDS, LEFT_OUT, MERGED_PACKAGES, board_config, build
from fleet.pki import FleetCA
from protocol.layout import parse_layout

KEY = "ab" * 32


@pytest.mark.parametrize("board", sorted(BOARDS))
def test_the_bundle_holds_compiled_firmware_entry_points_profile_and_config(board, tmp_path):
    config = board_config("L-1", KEY, parse_layout("S8,M8,L8"), "10.0.0.2", 8883, "ssid", "pw")
    files = {str(f) for f in build(board, tmp_path, config)}
    assert {
        "main.py",
        "boot.py",
        "board_profile.mpy",
        "config.json",
        "firmware/core/__init__.mpy",  # the whole core, merged (fleet/board_merge.py)
        "firmware/net/__init__.mpy",  # MQTT, merged too
        "firmware/board/__init__.mpy",  # the runtime and the flash store, merged too
        "firmware/board/app.mpy",
        "hardware/profiles/logical.mpy",
    } <= files
    assert not [f for f in files if f.endswith(".py") and f not in ("main.py", "boot.py")]
    for package in MERGED_PACKAGES:  # one module each, but for those left out (LEFT_OUT)
        kept = [package + "/" + name + ".mpy" for name in ("__init__", *LEFT_OUT.get(package, ()))]
        assert sorted(f for f in files if f.startswith(package + "/")) == sorted(kept)
    written = json.loads((tmp_path / "config.json").read_text())
    assert written["board"] == board
    assert written["broker"] == {
        "host": "10.0.0.2",
        "port": 8883,
        "tls": False,
    }  # plain, said out loud
    assert not [f for f in files if f.startswith("tls/")]
    assert len(written["compartments"]) == 24


def test_an_unknown_board_or_a_key_that_is_not_hex_is_refused(tmp_path):
    with pytest.raises(ValueError):
        build("arduino", tmp_path, board_config("L-1", KEY, [(1, "S")], "h", 1883))
    with pytest.raises(ValueError):
        board_config("L-1", "not-hex", [(1, "S")], "h", 1883)


def test_the_command_line_builds_into_the_folder_given(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "locker.cli",
            "firmware",
            "build",
            "--board",
            "picow",
            "--locker-id",
            "L-2",
            "--key",
            KEY,
            "--out",
            str(tmp_path / "fw"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fw" / "main.py").exists() and "picow" in result.stdout


def provisioned(tmp_path, locker_id="L-1"):
    """A folder as `locker provision` writes it, next to the CA (whose key must stay out)."""
    ca = FleetCA(tmp_path / "pki").create()
    folder = tmp_path / locker_id
    ca.issue_board(locker_id, folder)
    (folder / "identity.json").write_text(
        json.dumps({"locker_id": locker_id, "key": KEY, "compartments": [[1, "S"], [2, "M"]]})
    )
    return ca, folder


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "locker.cli", "firmware", "build", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_identity_puts_the_boards_certificate_key_and_the_fleet_ca_in_the_bundle(tmp_path):
    ca, identity = provisioned(tmp_path)
    (identity / "ca.key").write_bytes(ca.key_path.read_bytes())  # copied there by mistake
    config = board_config("L-1", KEY, [(1, "S"), (2, "M")], "broker.example", 8883, tls=True)
    files = {str(f) for f in build("esp32", tmp_path / "fw", config, identity)}
    assert {
        "tls/ca.pem",
        "tls/ca.der",
        "tls/client.pem",
        "tls/client.der",
        "tls/client_key.pem",
        "tls/client_key.der",
    } <= files
    ca_key = ca.key_path.read_bytes()
    bundle = [(tmp_path / "fw" / f).read_bytes() for f in files]
    assert not [b for b in bundle if ca_key in b]  # the CA's private key never travels
    assert sum(b"PRIVATE KEY" in b for b in bundle) == 1  # the board's own, and only it
    assert oct((tmp_path / "fw" / "tls" / "client_key.der").stat().st_mode & 0o777) == "0o600"
    assert json.loads((tmp_path / "fw" / "config.json").read_text())["broker"]["tls"] is True


@pytest.mark.parametrize("missing", ["identity.json", "client.crt", "client.key", "ca.crt"])
def test_a_provision_folder_missing_a_file_is_refused_and_nothing_is_built(tmp_path, missing):
    _, identity = provisioned(tmp_path)
    (identity / missing).unlink()
    config = board_config("L-1", KEY, [(1, "S")], "h", 8883, tls=True)
    with pytest.raises(IdentityError, match=missing.replace(".", r"\.")):
        build("esp32", tmp_path / "fw", config, identity)
    assert not (tmp_path / "fw").exists()


def test_a_certificate_of_another_board_or_fleet_is_refused(tmp_path):
    ca, identity = provisioned(tmp_path)
    ca.issue_board("L-2", tmp_path / "L-2")
    (identity / "client.crt").write_bytes((tmp_path / "L-2" / "client.crt").read_bytes())
    config = board_config("L-1", KEY, [(1, "S")], "h", 8883, tls=True)
    with pytest.raises(IdentityError, match="not L-1's"):
        build("esp32", tmp_path / "fw", config, identity)
    _, other = provisioned(tmp_path / "other")
    (identity / "client.crt").write_bytes((other / "client.crt").read_bytes())
    (identity / "client.key").write_bytes((other / "client.key").read_bytes())
    with pytest.raises(IdentityError, match="fleet CA"):
        build("esp32", tmp_path / "fw", config, identity)


def test_tls_without_an_identity_is_refused(tmp_path):
    with pytest.raises(ValueError, match="identity"):
        build("esp32", tmp_path / "fw", board_config("L-1", KEY, [(1, "S")], "h", 8883, tls=True))


def test_the_command_line_builds_a_tls_bundle_from_the_provision_folder(tmp_path):
    _, identity = provisioned(tmp_path)
    result = _cli(
        "--board",
        "esp32",
        "--identity",
        str(identity),
        "--broker",
        "mqtts://broker.example",
        "--out",
        str(tmp_path / "fw"),
    )
    assert result.returncode == 0, result.stderr
    config = json.loads((tmp_path / "fw" / "config.json").read_text())
    assert (config["locker_id"], config["key"], config["compartments"]) == (
        "L-1",
        KEY,
        [[1, "S"], [2, "M"]],
    )
    assert config["broker"] == {"host": "broker.example", "port": 8883, "tls": True}
    (identity / "client.key").unlink()
    result = _cli("--board", "esp32", "--identity", str(identity), "--out", str(tmp_path / "fw2"))
    assert result.returncode != 0 and "client.key missing" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "fw2").exists()


@pytest.mark.parametrize("name", ["svc:bridge-1", "bridge-4"])
def test_a_services_identity_never_goes_into_a_boards_bundle(tmp_path, name):
    ca, identity = provisioned(tmp_path)
    ca.issue_service("bridge-1", tmp_path / "bridge-1")
    for file in ("client.crt", "client.key"):
        (identity / file).write_bytes((tmp_path / "bridge-1" / file).read_bytes())
    (identity / "identity.json").write_text(
        json.dumps({"locker_id": name, "key": KEY, "compartments": [[1, "S"]]})
    )
    config = board_config("L-1", KEY, [(1, "S")], "h", 8883, tls=True)
    with pytest.raises(IdentityError, match="locker id|service"):
        build("esp32", tmp_path / "fw", config, identity)
    assert not (tmp_path / "fw").exists()


def test_a_wired_bank_gets_its_serial_link_and_other_boards_none():
    from fleet.firmware_build import serial_link

    wired = board_config("L1", "ab" * 32, [(1, "S")], "127.0.0.1", 1883, link=serial_link("uart"))
    assert wired["link"] == {"kind": "serial", "port": "uart", "baud": 115200}
    assert "link" not in board_config("L1", "ab" * 32, [(1, "S")], "127.0.0.1", 1883)


@pytest.mark.parametrize("port, baud", [("rs485", 115200), ("usb", 0), ("usb", "fast")])
def test_a_serial_link_that_no_board_has_is_refused(port, baud):
    from fleet.firmware_build import serial_link

    with pytest.raises(ValueError, match="serial link"):
        serial_link(port, baud)
