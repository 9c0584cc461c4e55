"""A courier enters parcel after parcel: one door at a time, the next waits for the one open."""

from firmware.core.actions import PULSE, Beep, Show
from firmware.core.events import CodeScanned, Connected, DoorClosed, DoorOpened, Tick
from tests.firmware.core.builders import (
    COURIER_CODE,
    NOW,
    Cloud,
    controller,
    couriers,
    event_bodies,
    run,
    type_keys,
)


def _ready(*reservations):
    ctl, cloud = controller([(n, "M") for n in range(1, 6)]), Cloud()
    run(ctl, [couriers(cloud, COURIER_CODE), Connected()])
    for parcel, cmp in reservations:
        ctl.handle(cloud.command("reserve", parcel=parcel, cmp=cmp), NOW)
    type_keys(ctl, COURIER_CODE + "#")
    return ctl, cloud


def _pulses(actions):
    return [a[1] for a in actions if a[0] == PULSE]


def test_a_parcel_entered_while_a_door_is_open_waits_for_it_to_close():
    ctl, _ = _ready(("101", 1), ("102", 2))
    assert _pulses(type_keys(ctl, "101#")) == [1]
    actions = ctl.handle(CodeScanned("102"), NOW)
    assert actions == [Show("Queued 1 - close door 1"), Beep("ok")]
    assert ctl.compartment(2).state == "reserved"
    assert ctl.handle(DoorOpened(1), NOW) == []
    actions = ctl.handle(DoorClosed(1), NOW)
    assert [b["parcel"] for b in event_bodies(actions)] == ["101"]  # confirmed first
    assert _pulses(actions) == [2] and Show("Door 2 open") in actions


def test_a_stack_of_scans_opens_the_doors_one_after_another_each_close_confirming_one():
    ctl, _ = _ready(("101", 1), ("102", 2), ("103", 3))
    actions = run(ctl, [CodeScanned("101"), CodeScanned("102"), CodeScanned("103")])
    assert _pulses(actions) == [1]
    for cmp in (1, 2, 3):
        actions += run(ctl, [DoorOpened(cmp), DoorClosed(cmp)])
    assert _pulses(actions) == [1, 2, 3]
    assert [(b["parcel"], b["cmp"]) for b in event_bodies(actions)] == [
        ("101", 1),
        ("102", 2),
        ("103", 3),
    ]
    assert [ctl.compartment(n).state for n in (1, 2, 3)] == ["occupied"] * 3


def test_the_same_parcel_twice_is_refused_while_queued():
    ctl, _ = _ready(("101", 1), ("102", 2))
    type_keys(ctl, "101#")
    type_keys(ctl, "102#")
    assert type_keys(ctl, "102#")[-2:] == [Show("Door 2 unavailable"), Beep("error")]


def test_ending_the_session_drops_the_queue_but_the_open_door_still_settles():
    ctl, _ = _ready(("101", 1), ("102", 2))
    type_keys(ctl, "101#102#")
    ctl.handle(DoorOpened(1), NOW)
    type_keys(ctl, "**")  # '*' with a door open offers the menu, '*' again ends
    actions = ctl.handle(DoorClosed(1), NOW)
    assert [b["parcel"] for b in event_bodies(actions)] == ["101"] and _pulses(actions) == []
    assert not ctl.courier_session_active()


def test_a_door_closing_keeps_a_busy_courier_session_alive():
    ctl, _ = _ready(("101", 1), ("102", 2))
    type_keys(ctl, "101#102#")
    ctl.handle(DoorOpened(1), NOW + 50_000)
    ctl.handle(DoorClosed(1), NOW + 59_000)
    ctl.handle(Tick(), NOW + 70_000)
    assert ctl.courier_session_active()
