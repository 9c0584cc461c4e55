"""The serial board (MicroPython behind a pty, flash in a host folder) runs the bundle written to
its flash against the real Mosquitto, bridge, cloud and database, and is driven through the
demo's day like any board: what the installer's end-to-end test relies on after `locker install`.
"""

import pytest
from mpremote.transport_serial import SerialTransport

from fleet.firmware_build import board_config, build
from fleet.registration import register_locker
from locker.scenario import PARCELS, Scenario
from protocol.layout import parse_layout
from simulator.serial_board import SerialBoard
from simulator.wasm_board import node_ready

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not node_ready(), reason="Node.js or node_modules missing"),
]


@pytest.mark.parametrize("broker", ["mosquitto"], indirect=True)
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)  # the board is on trial here
def test_the_serial_board_deposits_and_hands_out_every_parcel_after_a_reset(
    cloud, mosquitto, tmp_path
):
    compartments = parse_layout("S4,M4,L4")
    key = register_locker(
        cloud.api.url, "SER-E2E", compartments, headers=cloud.admin_headers, timeout=10
    )
    config = board_config("SER-E2E", key, compartments, "127.0.0.1", mosquitto.port)
    build("esp32", tmp_path / "flash", config)
    board = SerialBoard(tmp_path / "flash", tmp_path / "work").start()
    try:
        board.wait_booted(30)
        transport = SerialTransport(board.port, timeout=2)
        transport.enter_raw_repl(soft_reset=False)  # an installer's second run stops it
        transport.exec_raw_no_follow("import machine; machine.reset()")
        transport.close()
        board.wait_resets(1)
        assert board.wait_booted(30)["booted"] == "SER-E2E"
        Scenario(
            cloud.api.url,
            board,
            cloud.notifications.notifier,
            say=print,
            headers=cloud.admin_headers,
        ).run()
        board.wait_until(lambda c: not c.pending_events(), 20, "every event acknowledged")
        assert len(board.pulsed) >= 2 * len(PARCELS)
    finally:
        board.stop()
    assert (tmp_path / "flash" / "state.json").exists()  # the journal lives in the flash
