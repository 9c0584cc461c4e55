"""Door faults on the board: what the person at the keypad is told after a jam, a door left
open (once per opening, after left_open_ms) and a door opened without a pulse (tamper)."""

from firmware.core.actions import Show
from firmware.core.doors import Doors
from firmware.core.events import DoorClosed, DoorOpened, Tick
from tests.firmware.core.builders import (
    COURIER_CODE,
    NOW,
    PIN,
    Cloud,
    controller,
    event_bodies,
    pin_credential,
    ready_for_deposit,
    type_keys,
)


def jam(ctl):
    ctl.handle(Tick(), NOW + 5_000)
    return ctl.handle(Tick(), NOW + 10_000)


def kinds(actions):
    return [(b["type"], b["cmp"]) for b in event_bodies(actions)]


def test_a_courier_whose_door_jams_is_told_to_try_another_code():
    ctl, _ = ready_for_deposit("12345", 2)
    type_keys(ctl, COURIER_CODE + "#12345#")
    actions = jam(ctl)
    assert kinds(actions) == [("jammed", 2)] and actions[-1] == Show(
        "Door 2 jammed - try another code"
    )


def test_a_recipient_whose_door_jams_is_told_to_call_support():
    ctl, cloud = controller(), Cloud()
    ctl.handle(pin_credential(cloud, "PKG-1", 1), NOW)
    type_keys(ctl, PIN + "#")
    assert jam(ctl)[-1] == Show("Door 1 jammed - call support")


def opened_for_pickup():
    ctl, cloud = ready_for_deposit("12345", 2)
    ctl.handle(pin_credential(cloud, "PKG-1", 1), NOW)
    type_keys(ctl, PIN + "#")
    ctl.handle(DoorOpened(1), NOW + 1_000)
    return ctl


def test_a_door_left_open_raises_an_alarm_once_after_left_open_ms():
    ctl = opened_for_pickup()
    assert ctl.handle(Tick(), NOW + 1_000 + Doors.left_open_ms - 1) == []
    assert kinds(ctl.handle(Tick(), NOW + 1_000 + Doors.left_open_ms)) == [("door_left_open", 1)]
    ctl.handle(Tick(), NOW + 10 * Doors.left_open_ms)
    assert [b["type"] for b in ctl.pending_events()] == ["door_left_open"]


def test_a_door_left_open_still_collects_when_it_finally_closes():
    ctl = opened_for_pickup()
    ctl.handle(Tick(), NOW + Doors.left_open_ms * 2)
    assert kinds(ctl.handle(DoorClosed(1), NOW + Doors.left_open_ms * 3)) == [("collected", 1)]


def test_a_door_opened_without_a_pulse_is_tamper_once_per_opening():
    ctl, _ = ready_for_deposit("12345", 2)
    assert kinds(ctl.handle(DoorOpened(3), NOW)) == [("tamper", 3)]
    assert ctl.handle(DoorOpened(3), NOW) == []  # a repeated sensor report is the same opening
    assert ctl.handle(DoorClosed(3), NOW) == []
    assert ctl.compartment(3).state == "free"
    assert kinds(ctl.handle(DoorOpened(3), NOW)) == [("tamper", 3)]  # the next forced opening


def test_a_forced_door_left_open_raises_left_open_too():
    ctl, _ = ready_for_deposit("12345", 2)
    ctl.handle(DoorOpened(3), NOW)
    ctl.handle(Tick(), NOW + Doors.left_open_ms)
    assert [b["type"] for b in ctl.pending_events()] == ["tamper", "door_left_open"]


def test_a_forced_open_door_is_not_pulsed_for_a_deposit():
    ctl, _ = ready_for_deposit("12345", 2)
    ctl.handle(DoorOpened(2), NOW)
    assert type_keys(ctl, COURIER_CODE + "#12345#")[-2] == Show("Door 2 unavailable")
