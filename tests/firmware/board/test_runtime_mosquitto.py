"""The whole board runtime under CPython asyncio against a real Mosquitto, assembled as
simulator/wasm/harness.py assembles it on MicroPython (VirtualBank, wiring, FlashStore), with
paho-mqtt as the cloud: it comes online, a courier deposits at the virtual keypad and door, the
signed event reaches the cloud and an ack clears it from the journal and the flash, telemetry
is signed and well-formed, safe mode connects but drives nothing, stop() leaves every lock off."""

import asyncio
import json
import os
import queue
import time
import uuid

import paho.mqtt.client as mqtt

from firmware.board.runtime import Board
from firmware.board.store import FlashStore
from firmware.board.wiring import build_hardware
from firmware.core.controller import Controller
from firmware.core.events import DoorClosed, DoorOpened, KeyPressed, MessageReceived
from firmware.drivers.matrix_keypad import KEYS_3X4
from hardware.profiles import esp32_devkitc
from hardware.profiles.logical import EXPANDER_ADDRESSES, EXPANDER_PINS
from protocol import verifiers, wire
from simulator.virtual_bank import VirtualBank
from tests.firmware.board.fakes import (
    COURIER_CODE,
    CpythonClock,
    FakeSystem,
    FakeWatchdog,
    energised_locks,
    eventually,
    layout,
    run,
)

KEY_HOLD_S = 0.08  # a finger on a key: well past the keypad's 30 ms debounce


class BoardUnderTest:
    """`async with BoardUnderTest(...)`: the Board running on a VirtualBank for the block."""

    def __init__(self, port, directory, mode="normal", locker=None, key=None):
        self.port = port
        self.locker = locker or "T" + uuid.uuid4().hex[:8]  # sessions outlive a test
        self.key = key or os.urandom(32)  # the board's own key
        self.directory = str(directory)
        self.clock = CpythonClock()
        self.bank = VirtualBank(
            esp32_devkitc, EXPANDER_PINS, EXPANDER_ADDRESSES, KEYS_3X4, 3, self.clock.ticks_ms
        )
        config = {"locker_id": self.locker, "key": self.key.hex(), "compartments": layout(3)}
        self.hardware = build_hardware(esp32_devkitc, config, self.bank)
        self.store = FlashStore(self.directory)
        self.store.batch_ms = 200
        self.watchdog = FakeWatchdog()
        self.board = Board(
            config,
            self.hardware,
            self.open_transport,
            self.clock,
            self.store,
            FakeSystem(),
            self.watchdog,
            mode,
        )
        self.board.telemetry_s = 0.3
        self.task = None

    async def open_transport(self):
        return await asyncio.open_connection("127.0.0.1", self.port)

    async def __aenter__(self):
        self.task = asyncio.create_task(self.board.run())
        return self

    async def __aexit__(self, *exc_info):
        await asyncio.wait_for(self.board.stop(), 5)
        await asyncio.wait([self.task], timeout=5)  # stop() cancels the board's tasks

    async def press(self, keys):
        for key in keys:
            self.bank.keypad.pressed = key
            await asyncio.sleep(KEY_HOLD_S)
            self.bank.keypad.pressed = None
            await asyncio.sleep(KEY_HOLD_S)

    async def walk_through_door(self, cmp):
        """Pull the door the board unlatched open, then push it shut, as a person would."""
        await eventually(lambda: self.bank.door_can_open(cmp), what="door %d unlatched" % cmp)
        self.bank.set_door(cmp, True)
        await eventually(lambda: self.hardware.doors.is_open(cmp), what="door seen open")
        self.bank.set_door(cmp, False)
        await eventually(lambda: not self.hardware.doors.is_open(cmp), what="door seen shut")

    def pending_on_flash(self):
        with open(self.directory + "/state.json") as f:
            return [body["seq"] for body in json.load(f)["journal"]["pending"]]


class CloudSide:
    """paho-mqtt where the bridge would be: signs commands with the board's key, keeps every
    message on the board's topics."""

    def __init__(self, port, locker, key):
        self.locker, self.key, self.ctr = locker, key, 0
        self.messages = []
        self.client = _connected_client(port, "cloud-" + locker)
        self.client.on_message = lambda client, userdata, message: self.messages.append(message)
        _subscribe(self.client, "lockers/%s/#" % locker)

    def command(self, type_, **fields):
        self.ctr += 1
        body = {
            "lkr": self.locker,
            "ctr": self.ctr,
            "exp": int(time.time() * 1000) + 60000,
            "type": type_,
        }
        body.update(fields)
        self.client.publish(wire.topic(self.locker, "commands"), wire.sign(self.key, body), qos=1)

    def couriers(self, *codes):
        self.command("couriers", v=[verifiers.courier_verifier(self.key, c) for c in codes])

    def bodies(self, channel):
        topic = wire.topic(self.locker, channel)
        return [
            wire.open_signed(self.key, m.payload) for m in list(self.messages) if m.topic == topic
        ]

    def online(self):
        """Whether the board said it is online, signed with its key."""
        return any(body["online"] for body in self.bodies("status"))

    def payloads(self, channel):
        topic = wire.topic(self.locker, channel)
        return [m.payload for m in list(self.messages) if m.topic == topic]

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def _connected_client(port, client_id):
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
    client.connect("127.0.0.1", port)
    client.loop_start()
    return client


def _subscribe(client, topic):
    done = queue.Queue()
    client.on_subscribe = lambda *args: done.put(True)
    client.subscribe(topic, qos=1)
    done.get(timeout=5)


def retained_status(port, locker):
    """What a newcomer subscribing to the board's status gets: (payload, retain flag)."""
    got = queue.Queue()
    client = _connected_client(port, "observer-" + uuid.uuid4().hex[:8])
    client.on_message = lambda c, u, message: got.put((message.payload, message.retain))
    try:
        _subscribe(client, wire.topic(locker, "status"))
        return got.get(timeout=5)
    finally:
        client.disconnect()
        client.loop_stop()


def scenario_with(mosquitto, tmp_path, body, mode="normal", **board_options):
    async def scenario():
        unit = BoardUnderTest(mosquitto.port, tmp_path, mode, **board_options)
        cloud = CloudSide(mosquitto.port, unit.locker, unit.key)
        try:
            async with unit:
                await eventually(cloud.online, what="online")
                return await body(unit, cloud)
        finally:
            cloud.close()

    return run(scenario(), timeout=30)


async def courier_deposits(unit, cloud, parcel="12345", cmp=2):
    cloud.couriers(COURIER_CODE)
    cloud.command("reserve", parcel=parcel, cmp=cmp)
    await eventually(lambda: unit.board.controller.has_reservation(parcel), what="reservation")
    await unit.press(COURIER_CODE + "#")
    await eventually(unit.board.controller.courier_session_active, what="courier session")
    await unit.press(parcel + "#")
    await unit.walk_through_door(cmp)
    await eventually(lambda: cloud.bodies("events"), what="the deposited event")
    return cloud.bodies("events")[0]


def test_the_board_comes_online_with_a_retained_signed_status(mosquitto, tmp_path):
    async def body(unit, cloud):
        payload, retained = await asyncio.to_thread(retained_status, mosquitto.port, unit.locker)
        status = wire.check_status(wire.open_signed(unit.key, payload))
        assert retained and (status["lkr"], status["online"], status["conn"]) == (
            unit.locker,
            True,
            1,
        )
        assert unit.board.controller.is_online()
        with open(unit.directory + "/state.json") as f:
            assert json.load(f)["conn"] > status["conn"]  # its number was on flash before its will
        await eventually(lambda: unit.watchdog.feeds > 0, what="a watchdog feed")
        return True

    assert scenario_with(mosquitto, tmp_path, body)


def test_a_courier_deposit_reaches_the_cloud_signed_and_an_ack_clears_it(mosquitto, tmp_path):
    async def body(unit, cloud):
        event = await courier_deposits(unit, cloud)
        on_flash_when_received = unit.pending_on_flash()
        assert [n for n, _ in unit.bank.pulses] == [2]

        cloud.command("ack", seqs=[event["seq"]])
        await eventually(lambda: unit.board.controller.pending_events() == [], what="ack")
        await eventually(lambda: unit.pending_on_flash() == [], what="ack on flash")
        return (
            unit.locker,
            event,
            on_flash_when_received,
            unit.board.controller.compartment(2).state,
        )

    locker, event, on_flash, state = scenario_with(mosquitto, tmp_path, body)
    assert wire.check_event(event) == event
    assert (event["lkr"], event["seq"], event["type"], event["parcel"], event["cmp"]) == (
        locker,
        1,
        "deposited",
        "12345",
        2,
    )
    assert abs(event["t"] - time.time() * 1000) < 60000  # board time is Unix ms
    assert on_flash == [1] and state == "occupied"


def test_telemetry_is_signed_and_well_formed(mosquitto, tmp_path):
    async def body(unit, cloud):
        await eventually(lambda: cloud.bodies("telemetry"), what="telemetry")
        return unit.locker, cloud.bodies("telemetry")[0]

    locker, telemetry = scenario_with(mosquitto, tmp_path, body)
    assert wire.check_telemetry(telemetry) == telemetry
    assert (telemetry["lkr"], telemetry["mode"], telemetry["reset"]) == (
        locker,
        "normal",
        "power-on",
    )
    assert telemetry["heap"] == 81920 and telemetry["rssi"] == -61 and telemetry["reconn"] == 0


def test_telemetry_goes_out_again_every_period_while_the_link_is_up(mosquitto, tmp_path):
    async def body(unit, cloud):
        await eventually(lambda: len(cloud.bodies("telemetry")) >= 3, what="three reports")
        return [report["t"] for report in cloud.bodies("telemetry")[:3]]

    sent = scenario_with(mosquitto, tmp_path, body)
    # telemetry_s is 0.3 here; the tick (0.1 s) it rides on may add up to one period of its own
    assert all(250 <= later - earlier <= 1000 for earlier, later in zip(sent, sent[1:]))


def test_a_bad_signature_is_refused_and_opens_nothing(mosquitto, tmp_path):
    async def body(unit, cloud):
        real_key, cloud.key = cloud.key, os.urandom(32)
        cloud.command("open", cmp=1)
        cloud.key = real_key
        cloud.command("open", cmp=3)  # a good one after it, so the bad one was surely handled
        await eventually(lambda: unit.bank.pulses, what="the good open")
        return [n for n, _ in unit.bank.pulses], unit.board.controller.last_counter

    assert scenario_with(mosquitto, tmp_path, body) == ([3], 2)


def test_safe_mode_connects_but_keys_and_opens_drive_nothing(mosquitto, tmp_path):
    async def body(unit, cloud):
        cloud.couriers(COURIER_CODE)
        await eventually(lambda: unit.board.controller.courier_count() == 1, what="couriers")
        await unit.press(COURIER_CODE + "#")
        cloud.command("open", cmp=1)
        await eventually(lambda: unit.board.controller.last_counter == 2, what="the open")
        await asyncio.sleep(0.3)
        await eventually(lambda: cloud.bodies("telemetry"), what="telemetry")
        return (
            unit.board.controller.courier_session_active(),
            unit.bank.pulses,
            energised_locks(unit.bank),
            cloud.bodies("telemetry")[0]["mode"],
        )

    assert scenario_with(mosquitto, tmp_path, body, mode="safe") == (False, [], [], "safe")


def journal_a_deposit(directory, locker, key):
    """What a board that crashed after a deposit leaves on flash: one unacknowledged event."""
    ctl = Controller(locker, key, [tuple(c) for c in layout(3)])
    exp = int(time.time() * 1000) + 60000
    for ctr, (type_, fields) in enumerate(
        [
            ("couriers", {"v": [verifiers.courier_verifier(key, COURIER_CODE)]}),
            ("reserve", {"parcel": "777", "cmp": 1}),
        ],
        1,
    ):
        body = dict({"lkr": locker, "ctr": ctr, "exp": exp, "type": type_}, **fields)
        ctl.handle(MessageReceived(wire.topic(locker, "commands"), wire.sign(key, body)), exp)
    for event in [KeyPressed(k) for k in COURIER_CODE + "#777#"] + [DoorOpened(1), DoorClosed(1)]:
        ctl.handle(event, exp)
    FlashStore(str(directory)).save(ctl)
    return ctl.pending_events()


def test_safe_mode_resends_the_journal_and_keeps_acks_on_flash(mosquitto, tmp_path):
    locker, key = "T" + uuid.uuid4().hex[:8], os.urandom(32)
    journal = journal_a_deposit(tmp_path, locker, key)

    async def body(unit, cloud):
        await eventually(lambda: cloud.bodies("events"), what="the journal resent")
        cloud.ctr = 2  # the counter the board already accepted
        cloud.command("ack", seqs=[1])
        await eventually(lambda: unit.pending_on_flash() == [], what="the ack on flash")
        return cloud.bodies("events")

    events = scenario_with(mosquitto, tmp_path, body, mode="safe", locker=locker, key=key)
    assert events[0] == journal[0]


def test_a_restarted_board_sends_its_unacknowledged_event_again(mosquitto, tmp_path):
    async def first_life(unit, cloud):
        return unit.locker, unit.key, await courier_deposits(unit, cloud)

    locker, key, event = scenario_with(mosquitto, tmp_path, first_life)

    async def second_life(unit, cloud):
        await eventually(lambda: cloud.bodies("events"), what="the event resent")
        return cloud.bodies("events")[0], unit.board.controller.compartment(2).state

    resent, state = scenario_with(mosquitto, tmp_path, second_life, locker=locker, key=key)
    assert resent == event and state == "occupied"


def test_stop_leaves_every_lock_off(mosquitto, tmp_path):
    async def body(unit, cloud):
        cloud.command("open", cmp=2)
        await eventually(lambda: unit.bank.lock_energised(2), what="lock 2 energised")
        await asyncio.wait_for(unit.board.stop(), 5)
        right_after = energised_locks(unit.bank)
        await asyncio.sleep(0.2)
        return right_after, energised_locks(unit.bank)

    assert scenario_with(mosquitto, tmp_path, body) == ([], [])
