"""The packed credential records on flash apart from the state: a PIN consumed before a pulse
costs one small write (the changed slot rides in state.json), the records go whole to their own
file batch_ms later, and a power cut between the two files, or a broken records file, never
gives a consumed PIN back or half-restores the board."""

import json

import pytest

from firmware.board.store import FlashStore
from firmware.core.actions import PULSE
from firmware.core.events import Booted, KeyPressed
from tests.firmware.board.test_store import Shell, on_flash, reloaded
from tests.firmware.core.builders import COURIER_CODE, NOW, controller, couriers, pin_credential

MANY = 500  # credentials stored, as the benchmark's bank; P0, P1, P2 are in compartments 1-3
PINS_FROM = 100000  # six-digit PINs, one a parcel


def pin(n):
    return "%d" % (PINS_FROM + n)


@pytest.fixture
def shell(tmp_path):
    shell = Shell(tmp_path)
    shell.handle(couriers(shell.cloud, COURIER_CODE))
    for n in range(MANY):
        shell.handle(pin_credential(shell.cloud, "P%d" % n, 1 + n % 3, pin=pin(n)))
    shell.after(FlashStore.batch_ms)  # the records whole are on flash
    return shell


def pulses(actions):
    return [a for a in actions if a[0] == PULSE]


def test_a_pin_consumed_costs_a_small_state_write_and_no_records_write(shell, tmp_path):
    writes, record_writes = shell.store.writes, shell.store.record_writes
    assert pulses(shell.type(pin(0) + "#"))
    assert shell.store.writes == writes + 1 and shell.store.record_writes == record_writes
    state_file = (tmp_path / "state.json").read_bytes()
    assert len(state_file) < 2000  # not the ~33 KB of a snapshot with 500 credentials rows
    assert len(on_flash(tmp_path)["credentials"]["pickup_changes"]) == 1

    shell.after(FlashStore.batch_ms)  # then the records whole, and the state without the slot

    assert shell.store.record_writes == record_writes + 1
    assert on_flash(tmp_path)["credentials"]["pickup_changes"] == []


@pytest.mark.parametrize("batched", [False, True], ids=["before the batch", "after the batch"])
def test_a_consumed_pin_stays_consumed_across_a_power_cut(shell, tmp_path, batched):
    shell.type(pin(0) + "#")
    if batched:
        shell.after(FlashStore.batch_ms)
    ctl = reloaded(tmp_path)
    ctl.handle(Booted([]), NOW)
    assert not pulses(ctl.handle(KeyPressed("#"), NOW))
    assert not pulses([a for k in pin(0) + "#" for a in ctl.handle(KeyPressed(k), NOW)])
    assert ctl.has_credential_for("P1") and not ctl.has_credential_for("P0")
    assert ctl.snapshot()["credentials"] == shell.ctl.snapshot()["credentials"]


def test_a_cut_between_the_records_and_the_state_keeps_what_the_state_says(shell, tmp_path):
    shell.type(pin(0) + "#")  # consumed: on flash in state.json's changed slots
    old_state = (tmp_path / "state.json").read_bytes()
    shell.handle(pin_credential(shell.cloud, "NEW", 2, pin="222222"))  # batched
    shell.after(FlashStore.batch_ms)  # records file replaced, then the state...
    (tmp_path / "state.json").write_bytes(old_state)  # ...but the power went before its rename

    ctl = reloaded(tmp_path)

    assert not ctl.has_credential_for("P0")  # the consumed PIN stays consumed
    assert ctl.last_counter == shell.cloud.ctr - 1  # the cloud sends the credential again
    assert ctl.has_credential_for("P1")


@pytest.mark.parametrize(
    "records",
    ["", "garbage", "26 0\n00", "10 0\n" + "00" * 10, "26 26\n" + "00" * 26],
    ids=["empty", "garbage", "cut short", "not whole records", "returns missing"],
)
def test_a_broken_records_file_is_ignored_with_the_state(shell, tmp_path, records):
    (tmp_path / "state.json.records").write_text(records)
    assert not FlashStore(str(tmp_path)).load_into(controller())


def test_an_old_snapshot_with_records_inside_still_loads_and_moves_to_two_files(tmp_path):
    old = Shell(tmp_path)
    old.handle(pin_credential(old.cloud, "P1", 1, pin="123456"))
    with open(str(tmp_path / "state.json"), "w") as f:
        json.dump(old.ctl.snapshot(), f)  # as the firmware before the records file wrote it

    shell = Shell(tmp_path)
    assert shell.loaded and shell.ctl.has_credential_for("P1")
    shell.type("123456#")  # the PIN consumed: the records go whole first, there were none
    assert (tmp_path / "state.json.records").exists()
    assert not reloaded(tmp_path).has_credential_for("P1")
