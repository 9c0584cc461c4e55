"""`locker gateway --identity`: the wired board's connection goes to the fleet's TLS Mosquitto
with the board's own certificate, so the broker's ACL holds the board to its own topics as it
does over WiFi; a folder that is not a board's identity is one clear line and exit 1."""

import asyncio
import os

from simulator.wired_locker import raw_pty
from tests.firmware.net.fakes import Running, run, within
from tests.fleet.test_gateway import WiredBoard
from tests.security.test_board_tls import provisioned
from tests.security.test_fleet_broker import BRIDGE_1, Peer
from tests.support.gateway_process import GatewayProcess


def test_a_wired_board_reaches_the_tls_broker_with_its_certificate(fleet, tmp_path):
    identity = provisioned(tmp_path / "provisioned-A", "A", fleet.folder / "pki")
    board_fd, gateway_fd, path = raw_pty()
    url = "mqtts://127.0.0.1:%d" % fleet.port
    gateway = GatewayProcess(path, url, tmp_path / "gateway.log", "--identity", str(identity))
    bridge = Peer(fleet, BRIDGE_1, BRIDGE_1)
    assert bridge.connected.wait(10)
    bridge.subscribe("lockers/+/events")

    async def scenario():
        async with WiredBoard(board_fd, "locker-A") as board:
            board.client.connect_timeout_s = 20  # a TLS handshake on a loaded machine
            board.client.subscribe("lockers/A/commands")
            async with Running(board.client):
                await within(board.client.up.wait(), 30)
                board.client.publish("lockers/A/events", b"signed event over the wire")
                await asyncio.to_thread(bridge.publish, "lockers/A/commands", b"signed command")
                return await within(board.client.messages().__anext__(), 30)

    gateway.start()
    try:
        assert run(scenario(), timeout=60) == ("lockers/A/commands", b"signed command")
        assert bridge.wait_for(b"signed event over the wire", timeout=30)
    finally:
        bridge.close()
        gateway.stop()
        os.close(board_fd)
        os.close(gateway_fd)


def test_a_folder_that_is_no_board_identity_is_refused(tmp_path):
    board_fd, gateway_fd, path = raw_pty()
    gateway = GatewayProcess(
        path, "mqtts://127.0.0.1:8883", tmp_path / "g.log", "--identity", str(tmp_path)
    )
    try:
        assert gateway.start().process.wait(timeout=20) == 1
        lines = gateway.log().strip().splitlines()
        assert len(lines) == 1 and "is not a provisioned board" in lines[0], lines
    finally:
        os.close(board_fd)
        os.close(gateway_fd)
