"""The Board's own rules, without a broker: flash before publish, no lock driven in safe mode,
batched changes written when the board is stopped. The Board is assembled as harness.py does
it, on a VirtualBank, with a clock the test moves by hand."""

import json

from firmware.board.runtime import Board
from firmware.board.store import FlashStore
from firmware.core.events import Connected, DoorClosed, DoorOpened, KeyPressed, MessageReceived
from protocol import verifiers, wire
from tests.firmware.board.fakes import (
    COURIER_CODE,
    KEY,
    LOCKER,
    FakeClock,
    FakeSystem,
    FakeWatchdog,
    bank_and_hardware,
    board_config,
    energised_locks,
    run,
)

EVENTS = wire.topic(LOCKER, "events")


async def no_network():
    raise OSError(101, "network is unreachable")  # these tests never run the MQTT client


def pending_on_flash(path):
    try:
        with open(path) as f:
            return [body["seq"] for body in json.load(f)["journal"]["pending"]]
    except FileNotFoundError:
        return []


class FlashAtPublish:
    """Stands in for the Board's MQTT client: records each publish with what flash held then."""

    def __init__(self, directory):
        self.path = str(directory / "state.json")
        self.published = []

    def publish(self, topic, payload, qos=1, retain=False):
        self.published.append((topic, payload, pending_on_flash(self.path)))
        return True

    async def stop(self):
        pass


class Cloud:
    def __init__(self, clock):
        self.clock, self.ctr = clock, 0

    def command(self, type_, **fields):
        self.ctr += 1
        body = {"lkr": LOCKER, "ctr": self.ctr, "exp": self.clock.wall_ms() + 60000, "type": type_}
        body.update(fields)
        return MessageReceived(wire.topic(LOCKER, "commands"), wire.sign(KEY, body))


def assembled(tmp_path, mode="normal", **config):
    clock = FakeClock()
    bank, hardware = bank_and_hardware(config=board_config(), ticks=clock.ticks)
    board = Board(
        dict(board_config(), **config),
        hardware,
        no_network,
        clock,
        FlashStore(str(tmp_path)),
        FakeSystem(),
        FakeWatchdog(),
        mode,
    )
    return board, bank, clock, Cloud(clock)


def test_an_event_is_on_flash_before_it_is_published(tmp_path):
    board, _, _, cloud = assembled(tmp_path)
    board.mqtt = FlashAtPublish(tmp_path)
    board.handle(cloud.command("couriers", v=[verifiers.courier_verifier(KEY, COURIER_CODE)]))
    board.handle(cloud.command("reserve", parcel="12345", cmp=2))
    board.handle(Connected())
    for key in COURIER_CODE + "#12345#":
        board.handle(KeyPressed(key))
    board.handle(DoorOpened(2))
    board.handle(DoorClosed(2))

    events = [
        (payload, on_flash) for topic, payload, on_flash in board.mqtt.published if topic == EVENTS
    ]
    assert len(events) == 1
    payload, on_flash = events[0]
    assert wire.check_event(wire.open_signed(KEY, payload))["seq"] == 1 and on_flash == [1]


def test_a_blank_board_with_a_new_key_numbers_on_from_where_the_cloud_says(tmp_path):
    # `locker install --reprovision`: the old board's events went up to 40, its connections
    # to 6; numbered from 1 again, the cloud would take this board's events for old ones
    board, _, clock, cloud = assembled(tmp_path, resume={"seq": 41, "conn": 7})
    board.mqtt = FlashAtPublish(tmp_path)
    topic, will = board.controller.will(clock.wall_ms())
    assert wire.open_signed(KEY, will)["conn"] >= 7
    board.handle(cloud.command("reserve", parcel="12345", cmp=2))
    board.handle(DoorOpened(2))  # forced: an event
    assert [b["seq"] for b in board.controller.pending_events()] == [41]
    again, _, _, _ = assembled(tmp_path, resume={"seq": 1, "conn": 1})
    assert again.controller.next_seq() == 42  # its own flash wins once it has one


def test_a_remote_open_pulses_the_lock_in_normal_mode(tmp_path):
    board, bank, _, cloud = assembled(tmp_path)
    board.handle(cloud.command("open", cmp=2))
    assert energised_locks(bank) == [2]


def test_safe_mode_drives_no_lock_even_when_the_cloud_says_open(tmp_path):
    # No I/O loop runs in safe mode, so nothing would ever end the pulse: the coil would stay
    # energised until it burnt (DESIGN invariant 5).
    board, bank, clock, cloud = assembled(tmp_path, mode="safe")
    board.handle(cloud.command("open", cmp=2))
    clock.ticks.advance(5000)
    assert energised_locks(bank) == [] and bank.pulses == []


def test_stop_writes_batched_changes_and_leaves_every_lock_off(tmp_path):
    board, bank, _, cloud = assembled(tmp_path)
    board.store.save(board.controller)
    board.handle(cloud.command("open", cmp=3))  # moves the counter: batched, not yet on flash
    assert energised_locks(bank) == [3]

    run(board.stop())

    assert energised_locks(bank) == []
    with open(str(tmp_path / "state.json")) as f:
        assert json.load(f)["counter"] == 1  # a restart must not accept counter 1 again


def test_the_parts_are_polled_faster_only_while_someone_is_at_the_keypad(tmp_path):
    board, _, clock, _ = assembled(tmp_path)
    assert board._io_period_ms() == Board.io_ms
    board.handle(KeyPressed("4"))
    assert board._io_period_ms() == Board.typing_io_ms  # the '#' waits for the next poll
    clock.ticks.advance(Board.typing_ms)
    assert board._io_period_ms() == Board.io_ms  # nobody typing: no CPU spent on it
