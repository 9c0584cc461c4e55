"""`locker gateway` as a real process on a real pty, a real Mosquitto behind it, and the
firmware's MQTT client over its serial transport on the pty's other end: messages both ways,
the gateway killed with -9 and started again, a broker that is not there, a port unplugged
and plugged in again."""

import asyncio
import os
import uuid

import pytest

from firmware.board.serial_transport import SerialLink
from fleet.localhost import free_port, mosquitto_binary
from protocol import serial_frames as sf
from simulator.wired_locker import TtyStreams, raw_pty
from tests.firmware.net.fakes import Peer, Running, eventually, fast_client, run, within
from tests.support.gateway_process import GatewayProcess

pytestmark = pytest.mark.skipif(not mosquitto_binary(), reason="needs the mosquitto binary")


class WiredBoard:
    """The board's end of the pty: the serial link and the firmware's MQTT client over it."""

    def __init__(self, board_fd, client_id):
        self.board_fd, self.client_id = board_fd, client_id
        self.link = self.client = self.tty = None

    async def __aenter__(self):
        self.tty = await TtyStreams().open(self.board_fd)
        self.link = SerialLink(self.tty.reader, self.tty.writer)
        self.link.open_timeout_s = 2
        self.client = fast_client(self.link.open_transport, self.client_id, keepalive_s=4)
        self.client.connect_timeout_s = 3
        return self

    async def __aexit__(self, *exc_info):
        self.link.stop()
        self.tty.close()


@pytest.fixture
def pty():
    board_fd, gateway_fd, path = raw_pty()
    yield board_fd, path
    os.close(board_fd)
    os.close(gateway_fd)


@pytest.fixture
def relay(pty, mosquitto, tmp_path):
    """A gateway process on the pty and a cloud peer listening to a fresh board's events:
    (board_fd, path, client_id, topics, gateway, cloud), both stopped after the test."""
    board_fd, path = pty
    client_id, topics = board_ids()
    gateway = GatewayProcess(path, mosquitto.url, tmp_path / "gateway.log").start()
    cloud = Peer(mosquitto.port, "cloud-" + client_id)
    cloud.subscribe(topics + "events")
    yield board_fd, path, client_id, topics, gateway, cloud
    cloud.close()
    gateway.stop()


def board_ids():
    locker = "T" + uuid.uuid4().hex[:8]
    return "locker-" + locker, "lockers/%s/" % locker


def test_messages_go_both_ways_through_the_gateway(relay):
    board_fd, path, client_id, topics, gateway, cloud = relay

    async def scenario():
        async with WiredBoard(board_fd, client_id) as board:
            board.client.subscribe(topics + "commands")
            async with Running(board.client):
                await within(board.client.up.wait(), 15)
                for n in range(20):
                    board.client.publish(topics + "events", b"event %d" % n + b"." * 700)
                for n in range(20):
                    message = await cloud.next_message()
                    assert message.payload == b"event %d" % n + b"." * 700
                await asyncio.to_thread(cloud.publish, topics + "commands", b"open 3")
                assert await within(board.client.messages().__anext__()) == (
                    topics + "commands",
                    b"open 3",
                )

    run(scenario(), timeout=40)
    gateway.wait_for_log("connected to the broker")


def test_a_gateway_killed_with_9_and_started_again_carries_the_board_on(relay):
    board_fd, path, client_id, topics, gateway, cloud = relay

    async def scenario():
        async with WiredBoard(board_fd, client_id) as board:
            async with Running(board.client):
                await within(board.client.up.wait(), 15)
                await asyncio.to_thread(gateway.kill9)
                board.client.publish(topics + "events", b"while the gateway was dead")
                await asyncio.to_thread(gateway.start)
                await eventually(lambda: board.client.reconnects >= 1, 20)
                message = await cloud.next_message(timeout=10)
                assert message.payload == b"while the gateway was dead"
                assert board.link.resets >= 1  # the new gateway said so at once

    run(scenario(), timeout=50)
    gateway.wait_for_log("serial port %s open" % path, count=2)


def test_a_broker_that_is_not_there_is_refused_and_tried_again(pty, tmp_path):
    board_fd, path = pty
    client_id, _ = board_ids()
    nowhere = "mqtt://127.0.0.1:%d" % free_port()
    gateway = GatewayProcess(path, nowhere, tmp_path / "gateway.log").start()

    async def scenario():
        async with WiredBoard(board_fd, client_id) as board:
            async with Running(board.client):
                await eventually(
                    lambda: "could not reach the broker" in str(board.client.last_error), 15
                )

    try:
        run(scenario(), timeout=30)
        gateway.wait_for_log("refused")
    finally:
        gateway.stop()


def test_an_unplugged_port_is_opened_again_when_it_is_back(mosquitto, tmp_path):
    """The gateway opens the port by a stable name (as /dev/serial/by-id/... is, a symlink):
    the board's pty goes away and a new one comes under the same name."""
    client_id, topics = board_ids()
    name = tmp_path / "ttyBOARD"
    first = raw_pty()
    name.symlink_to(first[2])
    gateway = GatewayProcess(name, mosquitto.url, tmp_path / "gateway.log").start()
    try:
        gateway.wait_for_log("open at 115200 baud")
        os.close(first[1])
        os.close(first[0])  # unplugged: the gateway's reads fail
        gateway.wait_for_log("lost")
        second = raw_pty()
        name.unlink()
        name.symlink_to(second[2])
        gateway.wait_for_log("open at 115200 baud", count=2)

        async def scenario():
            async with WiredBoard(second[0], client_id) as board:
                async with Running(board.client):
                    await within(board.client.up.wait(), 15)

        run(scenario(), timeout=30)
        os.close(second[0])
        os.close(second[1])
    finally:
        gateway.stop()


def test_a_wrong_port_name_is_one_clear_line_and_a_non_zero_exit(tmp_path):
    gateway = GatewayProcess(tmp_path / "no-such-tty", "mqtt://127.0.0.1:1", tmp_path / "g.log")
    gateway.start().process.wait(timeout=20)
    assert gateway.process.returncode != 0
    lines = gateway.log().strip().splitlines()
    assert len(lines) == 1 and "cannot open serial port" in lines[0], lines


def test_a_frame_lost_on_the_way_to_the_gateway_ends_that_connection_and_the_board_reconnects(
    relay,
):
    board_fd, path, client_id, topics, gateway, cloud = relay

    async def scenario():
        async with WiredBoard(board_fd, client_id) as board:
            async with Running(board.client):
                await within(board.client.up.wait(), 15)
                number = board.link.connection.number
                # as if the frames before this one had been refused for noise
                board.tty.writer.write(sf.encode(sf.DATA, number, b"\x30", seq=77))
                await eventually(lambda: board.client.reconnects >= 1, 10)
                board.client.publish(topics + "events", b"after the hole")
                assert (await cloud.next_message()).payload == b"after the hole"

    run(scenario(), timeout=30)
    gateway.wait_for_log("a frame from the board was lost")
