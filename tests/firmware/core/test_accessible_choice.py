"""A parcel whose recipient needs a low compartment (`reserve` with `acc` 1) is only ever moved
to an accessible one when the courier says "too small" or "door jammed"; with none free, the
courier keeps it, as when no compartment is free at all."""

from firmware.core.actions import PULSE, Show
from firmware.core.controller import Controller
from firmware.core.events import Connected, DoorOpened
from protocol.layout import parse_layout
from tests.firmware.core.builders import (
    COURIER_CODE,
    KEY,
    LOCKER,
    NOW,
    Cloud,
    couriers,
    event_bodies,
    run,
    type_keys,
)

# 1-2 S low, 3 S, 4 M, 5 M low, 6 L
LAYOUT = parse_layout("S2a,S1,M1,M1a,L1")


def _door_open(cmp=1, layout=LAYOUT, **reserve):
    ctl, cloud = Controller(LOCKER, KEY, layout), Cloud()
    run(
        ctl,
        [
            couriers(cloud, COURIER_CODE),
            Connected(),
            cloud.command("reserve", parcel="501", cmp=cmp, **reserve),
        ],
    )
    type_keys(ctl, COURIER_CODE + "#501#")
    ctl.handle(DoorOpened(cmp), NOW)
    return ctl, cloud


def _pulsed(actions):
    return [a[1] for a in actions if a[0] == PULSE]


def test_the_layout_marks_the_low_compartments():
    assert LAYOUT == [(1, "S", True), (2, "S", True), (3, "S"), (4, "M"), (5, "M", True), (6, "L")]


def test_too_small_skips_the_high_compartments_for_a_parcel_that_needs_a_low_one():
    ctl, _ = _door_open(1, acc=1)
    actions = type_keys(ctl, "*1")
    assert _pulsed(actions) == [5]  # not 4, the smallest bigger one: it is high
    assert [(b["type"], b["cmp"]) for b in event_bodies(actions)] == [("retargeted", 5)]


def test_a_jammed_door_moves_to_a_low_one_of_the_same_size():
    ctl, _ = _door_open(1, acc=1)
    assert _pulsed(type_keys(ctl, "*2")) == [2]


def test_a_parcel_without_the_need_takes_any():
    ctl, _ = _door_open(1, acc=0)
    assert _pulsed(type_keys(ctl, "*1")) == [4]


def test_with_no_low_compartment_free_the_courier_keeps_the_parcel():
    ctl, _ = _door_open(5, acc=1)  # 6 (L) is bigger, but high
    actions = type_keys(ctl, "*1")
    assert _pulsed(actions) == [] and Show("No bigger door free - keep parcel") in actions
    assert event_bodies(actions) == []  # nothing retargeted
    assert ctl.has_reservation("501")


def test_the_need_survives_a_retarget():
    ctl, _ = _door_open(1, acc=1)
    type_keys(ctl, "*2")  # now in 2, still needs a low one
    ctl.handle(DoorOpened(2), NOW)
    assert _pulsed(type_keys(ctl, "*1")) == [5]


def test_the_need_survives_a_reset():
    ctl, cloud = Controller(LOCKER, KEY, LAYOUT), Cloud()
    run(ctl, [couriers(cloud, COURIER_CODE), cloud.command("reserve", parcel="501", cmp=1, acc=1)])
    again = Controller(LOCKER, KEY, LAYOUT)
    again.restore(ctl.snapshot())
    run(again, [Connected()])
    type_keys(again, COURIER_CODE + "#501#")
    again.handle(DoorOpened(1), NOW)
    assert _pulsed(type_keys(again, "*1")) == [5]


def test_a_reserve_with_a_malformed_flag_changes_nothing():
    ctl, cloud = Controller(LOCKER, KEY, LAYOUT), Cloud()
    assert ctl.handle(cloud.command("reserve", parcel="501", cmp=1, acc="yes"), NOW) == []
    assert not ctl.has_reservation("501")


def test_a_layout_part_that_is_not_a_size_is_refused():
    for text in ("Sa", "S0a", "Xa2", "S2b"):
        try:
            parse_layout(text)
        except ValueError:
            continue
        raise AssertionError("accepted " + text)
