"""Collection: the cloud names parcels a courier takes away (`collect`); the courier's code
opens their doors one after another and each door closing journals `courier_collected`."""

from firmware.core.actions import PULSE, Beep, Pulse, Show
from firmware.core.controller import Controller
from firmware.core.events import DoorClosed, DoorOpened
from tests.firmware.core.builders import (
    COURIER_CODE,
    KEY,
    LOCKER,
    NOW,
    PIN,
    couriers,
    event_bodies,
    pin_credential,
    run,
    type_keys,
    with_deposits,
)


def _with_parcels_to_collect():
    ctl, cloud = with_deposits(["101", "102", "103"])
    type_keys(ctl, "*")  # that courier left
    ctl.handle(pin_credential(cloud, "101", 1), NOW)
    ctl.handle(cloud.command("collect", parcel="101", cmp=1), NOW)
    ctl.handle(cloud.command("collect", parcel="103", cmp=3), NOW)
    return ctl, cloud


def test_collect_commands_are_kept_and_kill_the_recipients_pin():
    ctl, _ = _with_parcels_to_collect()
    assert ctl.parcels_to_collect() == [(1, "101"), (3, "103")]
    assert not ctl.has_credential_for("101")
    assert type_keys(ctl, PIN + "#")[-2:] == [Show("Wrong code"), Beep("error")]


def test_the_courier_code_lists_them_and_opens_the_first_door():
    ctl, _ = _with_parcels_to_collect()
    actions = type_keys(ctl, COURIER_CODE + "#")
    assert Show("Collect 2 parcels") in actions
    assert [a for a in actions if a[0] == PULSE] == [Pulse(1, 300)]
    assert actions[-2:] == [Show("Collect 2: door 1 open"), Beep("ok")]  # 2 left, this one too


def test_each_door_closing_journals_a_collection_and_opens_the_next():
    ctl, _ = _with_parcels_to_collect()
    actions = type_keys(ctl, COURIER_CODE + "#")
    actions += run(ctl, [DoorOpened(1), DoorClosed(1), DoorOpened(3), DoorClosed(3)])
    assert [a[1] for a in actions if a[0] == PULSE] == [1, 3]
    collected = [(b["type"], b["parcel"], b["cmp"]) for b in event_bodies(actions)]
    assert collected == [("courier_collected", "101", 1), ("courier_collected", "103", 3)]
    assert [ctl.compartment(n).state for n in (1, 2, 3)] == ["free", "occupied", "free"]
    assert ctl.parcels_to_collect() == []


def test_after_the_collections_the_courier_deposits_as_usual():
    ctl, cloud = _with_parcels_to_collect()
    ctl.handle(cloud.command("reserve", parcel="555", cmp=4), NOW)
    type_keys(ctl, COURIER_CODE + "#")
    queued = type_keys(ctl, "555#")
    assert queued[-2:] == [Show("Queued 2 - close door 1"), Beep("ok")]  # after door 3
    actions = run(ctl, [DoorOpened(1), DoorClosed(1), DoorOpened(3), DoorClosed(3)])
    assert [a[1] for a in actions if a[0] == PULSE] == [3, 4]


def test_the_list_survives_a_reset():
    ctl, _ = _with_parcels_to_collect()
    board = Controller(LOCKER, KEY, [(n, "S") for n in range(1, 5)])
    board.restore(ctl.snapshot())
    assert board.parcels_to_collect() == [(1, "101"), (3, "103")]


def test_a_collect_for_a_compartment_the_board_lacks_is_refused():
    ctl, cloud = _with_parcels_to_collect()
    assert ctl.handle(cloud.command("collect", parcel="999", cmp=99), NOW) == []
    assert ctl.parcels_to_collect() == [(1, "101"), (3, "103")]


def test_nothing_to_collect_is_the_plain_prompt():
    ctl, cloud = with_deposits(["101"])
    type_keys(ctl, "*")
    run(ctl, [couriers(cloud, COURIER_CODE)])
    assert type_keys(ctl, COURIER_CODE + "#")[-2:] == [Show("Courier: parcel code?"), Beep("ok")]
