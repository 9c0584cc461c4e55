"""VirtualLocker runs the firmware's own Board, MQTT client and FlashStore on a virtual bank, in
the process's one board loop, against a real Mosquitto with paho-mqtt as the cloud: it comes
online with a retained signed status, a courier deposit at the keypad and door pulses the lock
and reaches the cloud signed, a restarted board goes on from its state file (no seq or counter
reused), a power cut fires the will, and many boards share one loop thread."""

import os
import queue
import threading
import time
import uuid

import paho.mqtt.client as mqtt

from protocol import verifiers, wire
from simulator.virtual_locker import VirtualLocker

COURIER_CODE = "9999999999"
LAYOUT = [(1, "S"), (2, "M"), (3, "L")]


class Cloud:
    """paho-mqtt where the bridge would be: signs commands with the board's key, keeps every
    message on the board's topics."""

    def __init__(self, port, locker, key):
        self.locker, self.key, self.ctr = locker, key, 0
        self.messages = queue.Queue()
        self.seen = []
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="cloud-" + locker)
        self.client.on_message = lambda client, userdata, message: self.messages.put(message)
        subscribed = threading.Event()
        self.client.on_subscribe = lambda *args: subscribed.set()
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self.client.subscribe("lockers/%s/#" % locker, qos=1)
        assert subscribed.wait(5)

    def command(self, type_, **fields):
        self.ctr += 1
        body = dict(
            {
                "lkr": self.locker,
                "ctr": self.ctr,
                "exp": int(time.time() * 1000) + 60000,
                "type": type_,
            },
            **fields,
        )
        self.client.publish(wire.topic(self.locker, "commands"), wire.sign(self.key, body), qos=1)

    def next_body(self, channel, timeout=10, where=lambda body: True):
        """The first signed body on `channel` that `where` accepts, waiting for it if need be."""
        deadline = time.monotonic() + timeout
        topic = wire.topic(self.locker, channel)
        while True:
            for message in self.seen:
                if message.topic == topic and where(wire.open_signed(self.key, message.payload)):
                    self.seen.remove(message)
                    return wire.open_signed(self.key, message.payload)
            self.seen.append(self.messages.get(timeout=max(0.01, deadline - time.monotonic())))

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def new_board(mosquitto, state_file=None, locker=None, key=None):
    locker = locker or "S" + uuid.uuid4().hex[:8]
    key = key or os.urandom(32)
    return VirtualLocker(locker, key, LAYOUT, mosquitto.url, state_file=state_file)


def deposit(board, cloud, parcel):
    cloud.command("couriers", v=[verifiers.courier_verifier(board.board.key, COURIER_CODE)])
    cloud.command("reserve", parcel=parcel, cmp=2)
    board.wait_until(lambda c: c.has_reservation(parcel), 10, "the reservation")
    board.press(COURIER_CODE + "#" + parcel + "#")
    assert board.wait_for_pulse(after=0) == 2
    assert board.open_door(2)
    board.close_door(2)
    board.press("*")
    return cloud.next_body("events", where=lambda body: body["type"] == "deposited")


def test_a_board_comes_online_and_a_deposit_reaches_the_cloud_signed(mosquitto):
    board = new_board(mosquitto)
    cloud = Cloud(mosquitto.port, board.locker_id, board.board.key)
    board.start()
    try:
        board.wait_until(lambda c: c.is_online(), 10, "online")
        status = cloud.next_body("status", where=lambda body: body["online"])
        assert board.online and (status["lkr"], status["conn"]) == (board.locker_id, 1)
        event = deposit(board, cloud, "12345")
        assert (event["seq"], event["parcel"], event["cmp"]) == (1, "12345", 2)
        assert board.pulsed == [2] and board.controller.compartment(2).state == "occupied"
        assert board.panel.text and board.panel.beeps  # the display and buzzer were driven
        assert wire.check_telemetry(cloud.next_body("telemetry"))["lkr"] == board.locker_id
    finally:
        board.stop()
        cloud.close()


def test_a_locked_door_does_not_open_and_a_wrong_code_is_shown(mosquitto):
    board = new_board(mosquitto).start()
    try:
        board.press("12#")
        assert board.panel.text == "Wrong code"  # the locker's language: English
        assert not board.open_door(1) and board.pulsed == []
        assert not board.doors.is_open(1)
    finally:
        board.stop()


def test_a_restarted_board_goes_on_from_its_state_file(mosquitto, tmp_path):
    flash = str(tmp_path / "boards" / "board.json")
    board = new_board(mosquitto, state_file=flash)
    cloud = Cloud(mosquitto.port, board.locker_id, board.board.key)
    board.start()
    try:
        board.wait_until(lambda c: c.is_online(), 10, "online")
        deposit(board, cloud, "777")
        counter, seq = board.controller.last_counter, board.controller.next_seq()
        board.stop()
        assert os.path.exists(flash) and not os.path.exists(flash + ".tmp")

        again = new_board(mosquitto, flash, board.locker_id, board.board.key)
        assert (again.controller.last_counter, again.controller.next_seq()) == (counter, seq)
        assert again.controller.compartment(2).state == "occupied"
        again.start()
        resent = cloud.next_body("events", where=lambda body: body["seq"] == 1)  # not acked yet
        assert resent["parcel"] == "777"
        again.stop()
    finally:
        cloud.close()


def test_without_a_state_file_a_new_board_starts_blank(mosquitto):
    board = new_board(mosquitto)
    board.controller.will(time.time() * 1000)  # a change that would reach flash
    again = new_board(mosquitto, None, board.locker_id, board.board.key)
    assert again.controller.next_seq() == 1 and again.controller.pending_events() == []


def test_a_power_cut_fires_the_will_and_writes_nothing_more(mosquitto, tmp_path):
    flash = str(tmp_path / "board.json")
    board = new_board(mosquitto, state_file=flash)
    cloud = Cloud(mosquitto.port, board.locker_id, board.board.key)
    board.start()
    try:
        board.wait_until(lambda c: c.is_online(), 10, "online")
        cloud.next_body("status", where=lambda body: body["online"])
        writes = board.board.store.writes
        board.power_off()
        will = cloud.next_body("status", where=lambda body: not body["online"])
        assert will["lkr"] == board.locker_id and board.board.store.writes == writes
    finally:
        cloud.close()


def test_many_boards_run_in_one_loop_thread(mosquitto):
    boards = [new_board(mosquitto).start() for _ in range(20)]
    try:
        for board in boards:
            board.wait_until(lambda c: c.is_online(), 20, "online")
        assert len({board.runner for board in boards}) == 1
        assert [t.name for t in threading.enumerate()].count("boards") == 1
    finally:
        for board in boards:
            board.stop()
