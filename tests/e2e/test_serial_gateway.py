"""A wired bank end to end: the firmware's Board on a real pty <-> `locker gateway` as a real
process on the pty's other end <-> a real Mosquitto <-> bridge and cloud. Parcels are deposited
and collected through it; then, during a burst of board events, the gateway is killed with -9
and started again and the broker is restarted: every event the board made is applied exactly
once, the board's journal ends empty, and the parcels and doors agree on both sides."""

import os
import uuid

import pytest
from sqlmodel import Session, select

from cloud.models import Compartment, DeviceEvent, Parcel
from fleet.localhost import mosquitto_binary
from fleet.registration import register_locker
from locker.scenario import PARCELS, Scenario
from protocol.layout import parse_layout
from simulator.wired_locker import SerialLocker, raw_pty
from tests.support.gateway_process import GatewayProcess

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not mosquitto_binary(), reason="needs the mosquitto binary"),
    # the broker is restarted: Mosquitto, the one the tests start and stop; SQLite is enough
    # for what this test proves (the database's part is the same as over WiFi)
    pytest.mark.parametrize("broker", ["mosquitto"], indirect=True),
    pytest.mark.parametrize("database", ["sqlite"], indirect=True),
]

LAYOUT = "S4,M4,L4"
BURST = 24  # doors forced open and shut, each journaled


@pytest.fixture
def wired_board(cloud, mosquitto, tmp_path):
    """A provisioned board on a pty, and the gateway process on the pty's other end."""
    board_fd, gateway_fd, path = raw_pty()
    locker_id = "W-" + uuid.uuid4().hex[:10]
    compartments = parse_layout(LAYOUT)
    key = register_locker(
        cloud.api.url, locker_id, compartments, headers=cloud.admin_headers, timeout=10
    )
    gateway = GatewayProcess(path, mosquitto.url, tmp_path / "gateway.log").start()
    board = SerialLocker(locker_id, bytes.fromhex(key), compartments, board_fd).start()
    yield board, gateway
    board.stop()
    gateway.stop()
    os.close(board_fd)
    os.close(gateway_fd)


def connected(board, reconnects, what):
    """Until the board's MQTT client made its `reconnects`-th connection since the first."""
    mqtt = board.board.mqtt
    board.wait_until(lambda c: mqtt.reconnects >= reconnects and board.online, 30, what)


class Burst:
    """Doors forced open and shut one after another: each one journaled on the board."""

    def __init__(self, board):
        self.board = board
        self.forced = 0
        self.most_pending = 0  # the longest the board's journal of unacknowledged events got

    def force(self, count):
        for _ in range(count):
            numbers = sorted(self.board.doors.numbers)
            self.board.force_door(numbers[self.forced % len(numbers)])
            self.forced += 1
            pending = len(self.board.controller.pending_events())
            self.most_pending = max(self.most_pending, pending)


def test_a_wired_bank_through_the_gateway_loses_nothing(cloud, mosquitto, wired_board):
    board, gateway = wired_board
    board.wait_until(lambda c: c.is_online(), 20, "board online through the gateway")
    Scenario(
        cloud.api.url,
        board,
        cloud.notifications.notifier,
        say=lambda *_: None,
        headers=cloud.admin_headers,
    ).run()

    doors = Burst(board)
    doors.force(4)
    gateway.kill9()
    doors.force(4)  # journaled on the board, nowhere else
    gateway.start()
    connected(board, 1, "up through the new gateway")
    doors.force(6)
    mosquitto.stop()
    try:
        board.wait_until(lambda c: not board.online, 20, "down: the broker is gone")
        doors.force(4)
    finally:
        mosquitto.start()
    connected(board, 2, "up again after the broker restart")
    doors.force(BURST - 18)
    assert doors.most_pending >= 4  # the faults held events back: they were not lost

    board.wait_until(lambda c: not c.pending_events(), 60, "every event acknowledged")
    made = board.controller.next_seq() - 1
    with Session(cloud.engine) as session:
        events = session.exec(
            select(DeviceEvent).where(DeviceEvent.locker_id == board.locker_id)
        ).all()
        assert sorted(e.seq for e in events) == list(range(1, made + 1))
        assert made >= 2 * len(PARCELS) + BURST
        assert {e.outcome for e in events} == {"applied"}, [
            (e.seq, e.type, e.outcome) for e in events if e.outcome != "applied"
        ]
        parcels = session.exec(select(Parcel).where(Parcel.locker_id == board.locker_id)).all()
        assert sorted(p.state for p in parcels) == ["collected"] * len(PARCELS)
        compartments = session.exec(
            select(Compartment).where(Compartment.locker_id == board.locker_id)
        ).all()
        assert {c.state for c in compartments} == {"free"}
    assert all(board.controller.compartment(n).state == "free" for n in board.doors.numbers)
    assert board.link.resets >= 1  # the restarted gateway told the board at once
    assert gateway.log().count("connected to the broker") >= 3  # first, after -9, after restart
    assert "the broker closed it" in gateway.log()
