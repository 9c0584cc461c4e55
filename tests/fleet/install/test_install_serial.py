"""`locker install` end to end, through a real pty, against MicroPython's WebAssembly port
(simulator.serial_board.SerialBoard): the real CLI as a subprocess, the real cloud, bridge and
Mosquitto, plain TCP. The board resets, boots what was written, comes online; a parcel is
deposited and collected on it. A second run skips every file; a wrong file hash, a board that
never comes online and a dry run each end as they should."""

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from cloud.models import DeviceEvent
from fleet.localhost import free_port
from locker.scenario import PARCELS, Scenario, _preadvice

ROOT = Path(__file__).resolve().parents[3]
LAYOUT = "S2,M2,L2"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.parametrize("broker", ["mosquitto"], indirect=True),
    pytest.mark.parametrize("database", ["sqlite"], indirect=True),
]


@pytest.fixture
def serial_board(tmp_path):
    """Start a SerialBoard on an empty flash (a fresh board with MicroPython); stopped after."""
    from simulator.serial_board import SerialBoard

    boards = []

    def start(**options):
        board = SerialBoard(tmp_path / "flash", tmp_path / "board", **options).start()
        boards.append(board)
        board.wait_repl()  # a fresh board: MicroPython, nothing in its flash
        return board

    yield start
    for board in boards:
        board.stop()


def install(cloud, port, locker_id, broker_port, tmp_path, *extra):
    """Run `locker install` as an installer would; (exit code, what it printed)."""
    command = [
        sys.executable, "-m", "locker.cli", "install", locker_id,
        "--port", port, "--board", "esp32", "--api", cloud.api.url,
        "--token", cloud.admin_headers["Authorization"].split()[1],
        "--layout", LAYOUT, "--broker", "mqtt://127.0.0.1:%d" % broker_port,
        "--identity-dir", str(tmp_path / "provisioned" / locker_id), "--online-timeout", "30",
        *extra,
    ]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    print(result.stdout, result.stderr)
    return result.returncode, result.stdout


def flash_listing(board_flash):
    return sorted(
        (p.relative_to(board_flash).as_posix(), p.read_bytes())
        for p in Path(board_flash).rglob("*")
        if p.is_file()
    )


def test_a_fresh_board_is_installed_comes_online_and_hands_out_a_parcel(
    cloud, mosquitto, serial_board, tmp_path
):
    board = serial_board()
    code, out = install(cloud, board.port, "INS-1", mosquitto.port, tmp_path)
    assert code == 0, out
    assert "INS-1 provisioned in the cloud" in out and "INS-1 is online" in out
    assert "compartments: 2 L, 2 M, 2 S (6 free)" in out
    board.wait_booted()  # it runs what was written: its keypad and doors are ours to drive
    assert board.locker_id == "INS-1"
    one_parcel(cloud, board)


def one_parcel(cloud, board, index=0):
    """A courier deposits one parcel, its recipient collects it: the demo's own steps."""
    scenario = Scenario(
        cloud.api.url, board, cloud.notifications.notifier, headers=cloud.admin_headers
    )
    scenario.board_comes_online()
    scenario.courier_is_registered()
    scenario.carriers_get_keys()
    spec = PARCELS[index]
    parcel = scenario.api.post(
        "/parcels", json=_preadvice(spec, board.locker_id), headers=scenario.carrier_keys[spec[0]]
    ).json()
    scenario.parcels[spec[1]] = (parcel["id"], parcel["compartment"], spec[6])
    board.wait_until(lambda c: c.has_reservation(spec[1]), 20, "the reservation on the board")
    scenario.courier_deposits()
    scenario.recipients_collect()


def test_a_second_run_skips_every_file_and_provisions_nothing(
    cloud, mosquitto, serial_board, tmp_path
):
    # the firmware's watchdog, as on an ESP32, keeps counting once the installer stops the
    # firmware: the second run holds the board at the REPL (install.lock, reset) first
    board = serial_board(watchdog_ms=4000)
    assert install(cloud, board.port, "INS-2", mosquitto.port, tmp_path)[0] == 0
    board.wait_booted()
    code, out = install(cloud, board.port, "INS-2", mosquitto.port, tmp_path)
    assert code == 0, out
    assert "holding the board at the REPL" in out
    assert "INS-2's identity reused" in out
    assert "0 code files to write" in out and "config and secrets: already right" in out
    assert "INS-2 is online" in out
    board.wait_booted()  # the lock is gone: the firmware runs again
    assert not (tmp_path / "flash" / "install.lock").exists()


def test_a_locker_given_a_new_key_carries_on_numbering_where_its_old_board_stopped(
    cloud, mosquitto, serial_board, tmp_path
):
    board = serial_board()
    assert install(cloud, board.port, "INS-K", mosquitto.port, tmp_path)[0] == 0
    board.wait_booted()
    one_parcel(cloud, board)  # the old board's events: seq 1, 2, ...
    code, out = install(cloud, board.port, "INS-K", mosquitto.port, tmp_path, "--reprovision")
    assert code == 0, out
    assert "INS-K given a new board key" in out and "INS-K is online" in out
    board.wait_booted()
    # the board forgot its state with its old key; numbered from 1 again, its deposit and
    # pickup would be taken for events the cloud already has, and the parcel never collected
    one_parcel(cloud, board, index=1)
    with Session(cloud.engine) as session:
        events = session.exec(select(DeviceEvent).where(DeviceEvent.locker_id == "INS-K")).all()
        seqs = [e.seq for e in events]
        assert len(seqs) == len(set(seqs)) >= 4
        assert {e.outcome for e in events} == {"applied"}


def test_a_file_whose_hash_stays_wrong_stops_the_install_naming_it(
    cloud, mosquitto, serial_board, tmp_path
):
    board = serial_board(corrupt_writes_to="firmware/core/__init__.mpy")
    code, out = install(cloud, board.port, "INS-3", mosquitto.port, tmp_path)
    assert code == 6, out
    assert "install failed at write: firmware/core/__init__.mpy is wrong on the board" in out
    assert "flash may be worn" in out
    assert not (tmp_path / "flash" / "config.json").exists()  # config never written


def test_a_board_that_never_comes_online_names_what_to_check(
    cloud, mosquitto, serial_board, tmp_path
):
    board = serial_board()
    nobody = free_port()  # no broker listens here
    code, out = install(cloud, board.port, "INS-4", nobody, tmp_path, "--online-timeout", "5")
    assert code == 8, out
    assert "install failed at online: the cloud did not see INS-4 come up in 5 s" in out
    assert "WiFi name and password" in out and "127.0.0.1:%d" % nobody in out


def test_a_dry_run_writes_nothing_and_provisions_nothing(cloud, mosquitto, serial_board, tmp_path):
    board = serial_board()
    before = flash_listing(tmp_path / "flash")
    code, out = install(cloud, board.port, "INS-5", mosquitto.port, tmp_path, "--dry-run")
    assert code == 0, out
    assert "dry run: nothing written, nothing provisioned" in out
    assert "write firmware/core/__init__.mpy" in out and "write config.json" in out
    assert flash_listing(tmp_path / "flash") == before
    assert not (tmp_path / "provisioned").exists()
    missing = httpx.get(
        cloud.api.url + "/api/v1/lockers/INS-5", headers=cloud.admin_headers, timeout=10
    )
    assert missing.status_code == 404


def test_another_lockers_board_is_refused_unless_reprovisioned(
    cloud, mosquitto, serial_board, tmp_path
):
    board = serial_board()
    assert install(cloud, board.port, "INS-6", mosquitto.port, tmp_path)[0] == 0
    code, out = install(cloud, board.port, "INS-7", mosquitto.port, tmp_path)
    assert code == 5, out
    assert "install failed at provision: the board holds locker INS-6's identity" in out
    assert not (tmp_path / "provisioned" / "INS-7").exists()
    code, out = install(cloud, board.port, "INS-7", mosquitto.port, tmp_path, "--reprovision")
    assert code == 0, out
    assert "0 code files to write" in out and "config and secrets: config.json" in out
    assert (
        "forgot the board's saved state under its old identity (state.json, state.json.records)"
        in out
    )
    assert "INS-7 is online" in out


def test_a_flash_too_small_for_the_bundle_is_refused_before_writing(
    cloud, mosquitto, serial_board, tmp_path
):
    board = serial_board(flash_bytes=64 * 1024)
    code, out = install(cloud, board.port, "INS-8", mosquitto.port, tmp_path)
    assert code == 6, out
    assert "install failed at write: the board's flash lacks" in out
    assert "[4/6]" not in out  # not one file written


def test_a_token_the_cloud_refuses_stops_before_anything_is_written(
    cloud, mosquitto, serial_board, tmp_path
):
    board = serial_board()
    code, out = install(cloud, board.port, "INS-9", mosquitto.port, tmp_path, "--token", "nope")
    assert code == 5, out
    assert "install failed at provision: the cloud at http://" in out
    assert "refused the token (401)" in out and "[4/6]" not in out


def test_the_lockers_language_and_its_low_compartments_reach_the_board_and_the_cloud(
    cloud, mosquitto, serial_board, tmp_path
):
    board = serial_board()
    extra = ("--lang", "de", "--layout", "S1a,S1,M2,L2")  # the later --layout wins
    code, out = install(cloud, board.port, "INS-8", mosquitto.port, tmp_path, *extra)
    assert code == 0, out
    config = json.loads((tmp_path / "flash" / "config.json").read_text())
    assert config["lang"] == "de"
    assert config["compartments"][:2] == [[1, "S", True], [2, "S"]]
    locker = httpx.get(
        cloud.api.url + "/api/v1/lockers/INS-8", headers=cloud.admin_headers, timeout=10
    ).json()
    low = [c["number"] for c in locker["compartments"] if c["accessible"]]
    assert low == [1]
