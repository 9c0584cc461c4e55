"""FlashStore on a real directory with a real Controller: new events reach flash at once (before
they are published), acks, credentials and counters wait batch_ms and cost one write, the file
is replaced atomically, and whatever garbage sits on flash is ignored, never half-restored."""

import json

import pytest

from firmware.board import store as store_module
from firmware.board.store import FlashStore
from firmware.core.events import Connected, DoorClosed, DoorOpened, KeyPressed, Tick
from tests.firmware.board.fakes import FakeTicks, FlakyOs
from tests.firmware.core.builders import (
    COURIER_CODE,
    NOW,
    Cloud,
    controller,
    couriers,
    pin_credential,
    state,
)


class Shell:
    """What Board.handle does with the store: the event through the core, then after_event."""

    def __init__(self, directory, ctl=None):
        self.ctl = ctl if ctl is not None else controller()
        self.store = FlashStore(str(directory))
        self.loaded = self.store.load_into(self.ctl)
        self.ticks = FakeTicks()
        self.cloud = Cloud()

    def handle(self, *events):
        actions = []
        for event in events:
            actions += self.ctl.handle(event, NOW)
            self.store.after_event(self.ctl, self.ticks())
        return actions

    def type(self, text):
        return self.handle(*[KeyPressed(k) for k in text])

    def deposit(self, parcel, cmp):
        self.handle(self.cloud.command("reserve", parcel=parcel, cmp=cmp))
        self.type(COURIER_CODE + "#" + parcel + "#")
        return self.handle(DoorOpened(cmp), DoorClosed(cmp))

    def after(self, ms):
        self.ticks.advance(ms)
        self.store.flush_due(self.ctl, self.ticks())


def on_flash(directory):
    with open(str(directory / "state.json")) as f:
        return json.load(f)


def pending_on_flash(directory):
    return [body["seq"] for body in on_flash(directory)["journal"]["pending"]]


def reloaded(directory):
    ctl = controller()
    assert FlashStore(str(directory)).load_into(ctl)
    return ctl


@pytest.fixture
def shell(tmp_path):
    shell = Shell(tmp_path)
    shell.handle(couriers(shell.cloud, COURIER_CODE), Connected())
    shell.after(FlashStore.batch_ms)  # the courier list is on flash; the counter is 1
    return shell


def test_a_new_event_is_on_flash_before_its_publish_leaves_the_core(shell, tmp_path):
    writes = shell.store.writes
    shell.handle(shell.cloud.command("reserve", parcel="12345", cmp=2))
    shell.type(COURIER_CODE + "#12345#")
    shell.handle(DoorOpened(2))
    writes = (
        shell.store.writes
    )  # (the opening itself went to flash: tests/firmware/board/test_power_loss.py)

    shell.handle(DoorClosed(2))  # journals `deposited`; no time passes

    assert shell.store.writes == writes + 1
    assert pending_on_flash(tmp_path) == [1]
    assert on_flash(tmp_path)["journal"]["pending"][0]["type"] == "deposited"


def test_an_ack_waits_batch_ms_then_costs_one_write(shell, tmp_path):
    shell.deposit("12345", 2)
    writes = shell.store.writes

    shell.handle(shell.cloud.command("ack", seqs=[1]))
    assert shell.ctl.pending_events() == []
    assert pending_on_flash(tmp_path) == [1] and shell.store.writes == writes

    shell.after(FlashStore.batch_ms - 1)
    assert shell.store.writes == writes

    shell.after(1)
    assert shell.store.writes == writes + 1 and pending_on_flash(tmp_path) == []

    shell.after(10 * FlashStore.batch_ms)
    assert shell.store.writes == writes + 1  # nothing left to write


def test_a_credential_and_its_counter_are_batched(shell, tmp_path):
    writes = shell.store.writes
    shell.handle(pin_credential(shell.cloud, "PKG-1", 1))
    assert shell.store.writes == writes and on_flash(tmp_path)["counter"] == 1

    shell.after(FlashStore.batch_ms)

    assert shell.store.writes == writes + 1
    assert on_flash(tmp_path)["counter"] == 2 and reloaded(tmp_path).has_credential_for("PKG-1")


def test_a_batched_change_rides_along_with_the_next_event(shell, tmp_path):
    shell.deposit("12345", 2)
    shell.handle(shell.cloud.command("ack", seqs=[1]))
    writes = shell.store.writes

    shell.handle(shell.cloud.command("reserve", parcel="777", cmp=3))  # batched too
    shell.type(COURIER_CODE + "#777#")  # the door opening is written at once, the rest with it

    assert shell.store.writes == writes + 1 and pending_on_flash(tmp_path) == []
    assert on_flash(tmp_path)["counter"] == shell.cloud.ctr
    shell.after(FlashStore.batch_ms)
    assert shell.store.writes == writes + 1  # the ack and the reserve already went with it


def test_ticks_that_change_nothing_write_nothing(shell):
    writes = shell.store.writes
    for _ in range(100):
        shell.handle(Tick())
        shell.after(100)
    assert shell.store.writes == writes


@pytest.mark.parametrize("fresh_board", [True, False], ids=["first boot", "after a save"])
def test_a_burst_of_50_commands_costs_one_write(tmp_path, fresh_board):
    if not fresh_board:
        Shell(tmp_path).store.save(controller())
    shell = Shell(tmp_path)
    assert shell.loaded is not fresh_board
    writes = shell.store.writes

    shell.handle(couriers(shell.cloud, COURIER_CODE))
    for n in range(49):
        shell.handle(shell.cloud.command("reserve", parcel="P%d" % n, cmp=1 + n % 3))
        shell.after(10)
    shell.after(FlashStore.batch_ms)

    assert shell.store.writes - writes == 1
    assert reloaded(tmp_path).last_counter == 50


def test_load_into_restores_what_save_wrote(shell, tmp_path):
    shell.deposit("12345", 2)
    shell.deposit("777", 3)
    shell.handle(
        shell.cloud.command("ack", seqs=[1]),
        pin_credential(shell.cloud, "12345", 2),
        shell.cloud.command("reserve", parcel="PKG-2", cmp=1),
    )
    shell.store.save(shell.ctl)

    restored = reloaded(tmp_path)

    assert restored.snapshot() == shell.ctl.snapshot()
    assert restored.next_seq() == 3 and restored.courier_count() == 1
    expected = dict(state(shell.ctl), online=False, courier=False)  # RAM-only, as after a reset
    assert state(restored) == expected


def test_a_rename_that_never_happens_leaves_the_old_state_readable(shell, tmp_path, monkeypatch):
    shell.deposit("12345", 2)
    before = reloaded(tmp_path).snapshot()
    shell.handle(shell.cloud.command("ack", seqs=[1]))
    flaky = FlakyOs(failing_renames=1)
    monkeypatch.setattr(store_module, "os", flaky)

    with pytest.raises(OSError):
        shell.after(FlashStore.batch_ms)  # power lost between the temporary file and the rename

    assert reloaded(tmp_path).snapshot() == before  # the old state, whole
    shell.after(100)  # the change is still owed to flash: the next chance writes it
    assert flaky.renames == 1 and pending_on_flash(tmp_path) == []


def test_a_new_event_whose_rename_failed_is_written_at_the_next_chance(
    shell, tmp_path, monkeypatch
):
    shell.handle(shell.cloud.command("reserve", parcel="12345", cmp=2))
    shell.type(COURIER_CODE + "#12345#")
    shell.handle(DoorOpened(2))
    monkeypatch.setattr(store_module, "os", FlakyOs(failing_renames=1))
    with pytest.raises(OSError):
        shell.handle(DoorClosed(2))
    assert pending_on_flash(tmp_path) == []

    shell.handle(Tick())

    assert pending_on_flash(tmp_path) == [1]


class Unwritable(object):
    """A value json cannot encode: the dump dies half-way through the temporary file."""


def test_a_write_that_dies_half_way_never_reaches_the_final_path(shell, tmp_path, monkeypatch):
    shell.deposit("12345", 2)
    good = (tmp_path / "state.json").read_bytes()
    snapshot = shell.ctl.snapshot
    monkeypatch.setattr(shell.ctl, "snapshot", lambda: dict(snapshot(), zz=Unwritable()))

    with pytest.raises(TypeError):
        shell.store.save(shell.ctl)

    assert (tmp_path / "state.json").read_bytes() == good


GARBAGE = {
    "empty": b"",
    "binary": bytes(range(256)),
    "truncated": b'{"v": 1, "counter": 3, "journal": {"next_',
    "a list": b"[1, 2, 3]",
    "a string": b'"state"',
    "another version": b'{"v": 99}',
    "half a snapshot": b'{"v": 1, "counter": 7, "journal": {"next_seq": 9, "pending": []},'
    b' "credentials": {"reserved": {"P": 1}}}',
    "wrong shapes": b'{"v": 1, "counter": 7, "journal": {"next_seq": 9, "pending": []},'
    b' "credentials": {"reserved": [], "pickups": [], "couriers": 5},'
    b' "compartments": []}',
    "a text counter": b'{"v": 1, "counter": "x", "journal": {"next_seq": 9, "pending": []},'
    b' "credentials": {"reserved": {}, "pickups": [], "couriers": []},'
    b' "compartments": []}',
    "a text seq": b'{"v": 1, "counter": 0, "journal": {"next_seq": "9", "pending": []},'
    b' "credentials": {"reserved": {}, "pickups": [], "couriers": []},'
    b' "compartments": []}',
    "deep nesting": b"[" * 100000,
    "huge number": b'{"v": 1, "counter": 1e999}',
}


@pytest.mark.parametrize("content", GARBAGE.values(), ids=list(GARBAGE))
def test_a_garbage_state_file_is_ignored_whole(tmp_path, content):
    (tmp_path / "state.json").write_bytes(content)
    fresh = controller()

    shell = Shell(tmp_path)

    assert shell.loaded is False
    assert shell.ctl.snapshot() == fresh.snapshot() and state(shell.ctl) == state(fresh)
    shell.handle(couriers(shell.cloud, COURIER_CODE), Connected())
    shell.deposit("12345", 2)  # the board works, and its first event replaces the garbage
    assert pending_on_flash(tmp_path) == [1] and reloaded(tmp_path).last_counter == 2


def test_a_directory_where_the_file_should_be_is_no_crash(tmp_path):
    (tmp_path / "state.json").mkdir()
    assert Shell(tmp_path).loaded is False


def test_no_file_means_a_first_boot(tmp_path):
    shell = Shell(tmp_path)
    assert shell.loaded is False and shell.store.writes == 0
    assert not (tmp_path / "state.json").exists()
