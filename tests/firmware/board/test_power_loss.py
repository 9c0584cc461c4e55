"""Power cut at every step of a deposit and a pickup, through the real FlashStore write rules:
what is on flash at that moment is restored into a fresh controller, the door sensors are read
at boot, and the locker is consistent: no door opens twice for one PIN, no deposit is lost, no
compartment is occupied by a phantom."""

import pytest

from firmware.board.store import FlashStore
from firmware.core.actions import PULSE, Pulse
from firmware.core.events import Booted, DoorClosed, DoorOpened, KeyPressed
from tests.firmware.board.test_store import Shell
from tests.firmware.core.builders import (
    COURIER_CODE,
    NOW,
    PIN,
    controller,
    couriers,
    pin_credential,
)

LATER = NOW + 1_000


@pytest.fixture
def shell(tmp_path):
    shell = Shell(tmp_path)
    shell.handle(
        couriers(shell.cloud, COURIER_CODE),
        shell.cloud.command("reserve", parcel="555", cmp=2),
        pin_credential(shell.cloud, "P1", 1),
    )
    shell.after(FlashStore.batch_ms)  # the credentials are on flash; nothing else is batched
    return shell


def boot(tmp_path, open_doors=()):
    """A fresh board after the power came back: flash restored, sensors read."""
    ctl = controller()
    assert FlashStore(str(tmp_path)).load_into(ctl)
    ctl.handle(Booted(list(open_doors)), LATER)
    return ctl


def events(ctl):
    return [(b["type"], b.get("parcel"), b.get("cmp")) for b in ctl.pending_events()]


def pulses(ctl, text):
    return [a for k in text for a in ctl.handle(KeyPressed(k), LATER) if a[0] == PULSE]


def slot(ctl, cmp):
    return ctl.compartment(cmp).state, ctl.compartment(cmp).parcel


# --- pickup -----------------------------------------------------------------------------------


def test_cut_right_after_the_pulse_the_pin_stays_used(shell, tmp_path):
    assert [a for a in shell.type(PIN + "#") if a[0] == PULSE] == [Pulse(1, 300)]
    ctl = boot(tmp_path)  # the door never opened
    assert pulses(ctl, PIN + "#") == []  # the same PIN never opens twice
    assert slot(ctl, 1) == ("occupied", "P1") and events(ctl) == []  # the parcel is still there


def test_cut_while_the_pickup_door_is_open_collects_when_it_closes(shell, tmp_path):
    shell.type(PIN + "#")
    shell.handle(DoorOpened(1))
    ctl = boot(tmp_path, open_doors=[1])
    assert slot(ctl, 1) == ("open", "P1") and events(ctl) == []
    ctl.handle(DoorClosed(1), LATER)
    assert events(ctl) == [("collected", "P1", 1)] and slot(ctl, 1) == ("free", None)
    assert pulses(ctl, PIN + "#") == []


def test_a_pickup_door_closed_during_the_outage_settles_at_boot(shell, tmp_path):
    shell.type(PIN + "#")
    shell.handle(DoorOpened(1))
    ctl = boot(tmp_path, open_doors=[])
    assert events(ctl) == [("collected", "P1", 1)] and slot(ctl, 1) == ("free", None)


def test_cut_after_the_pickup_door_closed_keeps_one_collected(shell, tmp_path):
    shell.type(PIN + "#")
    shell.handle(DoorOpened(1), DoorClosed(1))
    ctl = boot(tmp_path)
    assert events(ctl) == [("collected", "P1", 1)] and slot(ctl, 1) == ("free", None)
    assert pulses(ctl, PIN + "#") == []


# --- deposit ----------------------------------------------------------------------------------


def test_cut_right_after_the_deposit_pulse_leaves_the_reservation(shell, tmp_path):
    shell.type(COURIER_CODE + "#555#")
    ctl = boot(tmp_path)  # the door never opened: nothing went in
    assert slot(ctl, 2) == ("reserved", None) and events(ctl) == []
    assert pulses(ctl, COURIER_CODE + "#555#") == [Pulse(2, 300)]  # the courier tries again


def test_cut_while_the_deposit_door_is_open_deposits_when_it_closes(shell, tmp_path):
    shell.type(COURIER_CODE + "#555#")
    shell.handle(DoorOpened(2))
    ctl = boot(tmp_path, open_doors=[2])
    ctl.handle(DoorClosed(2), LATER)
    assert events(ctl) == [("deposited", "555", 2)] and slot(ctl, 2) == ("occupied", "555")


def test_a_deposit_door_closed_during_the_outage_is_no_lost_deposit(shell, tmp_path):
    shell.type(COURIER_CODE + "#555#")
    shell.handle(DoorOpened(2))
    ctl = boot(tmp_path, open_doors=[])
    assert events(ctl) == [("deposited", "555", 2)] and slot(ctl, 2) == ("occupied", "555")


def test_cut_after_the_deposit_door_closed_keeps_one_deposited(shell, tmp_path):
    shell.type(COURIER_CODE + "#555#")
    shell.handle(DoorOpened(2), DoorClosed(2))
    ctl = boot(tmp_path)
    assert events(ctl) == [("deposited", "555", 2)] and slot(ctl, 2) == ("occupied", "555")
    assert not ctl.has_reservation("555")


def test_the_opening_is_on_flash_before_the_pulse_leaves_the_core(shell, tmp_path):
    writes = shell.store.writes
    shell.type(PIN + "#")  # no time passes: nothing is batched
    assert shell.store.writes == writes + 1
    shell.handle(DoorOpened(1))
    assert shell.store.writes == writes + 2  # seen open: a cut now still collects


def test_a_version_1_snapshot_still_restores():
    old = controller().snapshot()
    old["v"] = 1
    del old["doors"]
    ctl = controller()
    ctl.restore(old)
    assert ctl.snapshot()["doors"] == []
