"""A courier deposits parcels at the keypad; the board journals `deposited` when the door shuts."""

from firmware.core.actions import PUBLISH, PULSE, Beep, Publish, Pulse, Show
from firmware.core.events import Disconnected, DoorClosed, DoorOpened, KeyPressed
from protocol import wire
from tests.firmware.core.builders import (
    COURIER_CODE,
    EVENTS,
    KEY,
    LOCKER,
    NOW,
    deposit,
    event_bodies,
    pin_credential,
    ready_for_deposit,
    run,
    state,
    type_keys,
)


def test_a_courier_code_opens_a_courier_session():
    ctl, _ = ready_for_deposit()
    actions = type_keys(ctl, COURIER_CODE + "#")
    assert actions == [Beep("key")] * len(COURIER_CODE) + [
        Show("Courier: parcel code?"),
        Beep("ok"),
    ]
    assert ctl.courier_session_active()


def test_a_reserved_parcel_code_opens_its_door():
    ctl, _ = ready_for_deposit("12345", 2)
    type_keys(ctl, COURIER_CODE + "#")
    actions = type_keys(ctl, "12345#")
    assert actions == [Beep("key")] * 5 + [Pulse(2, 300), Show("Door 2 open"), Beep("ok")]
    assert ctl.compartment(2).state == "open"


def test_closing_the_door_journals_and_publishes_deposited():
    ctl, _ = ready_for_deposit("12345", 2)
    type_keys(ctl, COURIER_CODE + "#12345#")
    assert ctl.handle(DoorOpened(2), NOW + 1000) == []
    actions = ctl.handle(DoorClosed(2), NOW + 2000)
    body = {
        "lkr": LOCKER,
        "seq": 1,
        "t": NOW + 2000,
        "type": "deposited",
        "parcel": "12345",
        "cmp": 2,
    }
    assert actions == [Publish(EVENTS, wire.sign(KEY, body), 1, False)]
    assert ctl.pending_events() == [body]


def test_after_the_deposit_the_compartment_holds_the_parcel_and_the_reservation_is_gone():
    ctl, _ = ready_for_deposit("12345", 2)
    deposit(ctl, "12345", 2)
    assert (ctl.compartment(2).state, ctl.compartment(2).parcel) == ("occupied", "12345")
    assert not ctl.has_reservation("12345")


def test_a_courier_deposits_several_parcels_in_one_session():
    ctl, cloud = ready_for_deposit("12345", 2)
    ctl.handle(cloud.command("reserve", parcel="777", cmp=3), NOW)
    actions = deposit(ctl, "12345", 2) + type_keys(ctl, "777#")
    actions += run(ctl, [DoorOpened(3), DoorClosed(3)])
    assert [a for a in actions if a[0] == PULSE] == [Pulse(2, 300), Pulse(3, 300)]
    assert [(b["seq"], b["parcel"], b["cmp"]) for b in event_bodies(actions)] == [
        (1, "12345", 2),
        (2, "777", 3),
    ]


def test_an_unknown_parcel_code_is_refused_and_changes_nothing():
    ctl, _ = ready_for_deposit("12345", 2)
    type_keys(ctl, COURIER_CODE + "#")
    ctl.handle(Disconnected(), NOW)  # online, the cloud is asked (test_controller_unadvised.py)
    before = state(ctl)
    assert type_keys(ctl, "54321#")[-2:] == [Show("Unknown parcel - locker offline"), Beep("error")]
    assert state(ctl) == before


def test_a_parcel_code_typed_outside_a_courier_session_is_just_a_wrong_code():
    ctl, _ = ready_for_deposit("12345", 2)
    assert type_keys(ctl, "12345#")[-2:] == [Show("Wrong code"), Beep("error")]
    assert ctl.compartment(2).state == "reserved"


def test_a_door_is_not_opened_twice_for_the_same_reservation_while_open():
    ctl, _ = ready_for_deposit("12345", 2)
    type_keys(ctl, COURIER_CODE + "#12345#")
    assert type_keys(ctl, "12345#")[-2:] == [Show("Door 2 unavailable"), Beep("error")]


def test_an_occupied_compartment_is_never_opened_for_a_deposit():
    ctl, cloud = ready_for_deposit("12345", 2)
    deposit(ctl, "12345", 2)
    ctl.handle(cloud.command("reserve", parcel="777", cmp=2), NOW)  # a stale plan
    actions = type_keys(ctl, "777#")
    assert actions[-2:] == [Show("Door 2 unavailable"), Beep("error")]
    assert not [a for a in actions if a[0] == PULSE]


def test_a_deposit_works_offline_and_is_published_on_reconnect():
    ctl, _ = ready_for_deposit("12345", 2, online=False)
    actions = deposit(ctl, "12345", 2)
    assert not [a for a in actions if a[0] == PUBLISH]
    assert [b["type"] for b in ctl.pending_events()] == ["deposited"]


def test_a_door_shut_before_it_was_seen_open_completes_nothing():
    ctl, _ = ready_for_deposit("12345", 2)
    type_keys(ctl, COURIER_CODE + "#12345#")
    assert ctl.handle(DoorClosed(2), NOW) == []
    assert ctl.compartment(2).state == "open"
    assert ctl.pending_events() == []


def test_door_events_for_doors_the_board_does_not_have_are_ignored():
    ctl, _ = ready_for_deposit("12345", 2)
    before = state(ctl)
    assert run(ctl, [DoorOpened(42), DoorClosed(0), DoorOpened("x"), DoorClosed(None)]) == []
    assert state(ctl) == before


def test_a_reservation_in_a_free_compartment_makes_it_reserved():
    ctl, _ = ready_for_deposit("12345", 2)
    assert ctl.compartment(2).state == "reserved"
    assert ctl.compartment(2).parcel is None
    assert ctl.has_reservation("12345")


def test_typing_the_courier_code_again_inside_the_session_is_an_unknown_parcel():
    ctl, _ = ready_for_deposit()
    type_keys(ctl, COURIER_CODE + "#")
    assert ctl.handle(KeyPressed("#"), NOW) == []  # empty submit: nothing
    assert type_keys(ctl, COURIER_CODE + "#")[-2:] == [
        Show("Unknown parcel - size? 1=S 2=M 3=L #"),
        Beep("ok"),
    ]  # online: the cloud is asked


def test_a_credential_that_came_before_the_deposit_does_not_block_it():
    ctl, cloud = ready_for_deposit("12345", 2)
    ctl.handle(pin_credential(cloud, "12345", 2), NOW)
    assert ctl.compartment(2).state == "occupied"
    actions = deposit(ctl, "12345", 2)
    assert Pulse(2, 300) in actions
    assert [b["type"] for b in event_bodies(actions)] == ["deposited"]


def test_door_events_with_nonsense_compartments_never_raise():
    ctl, _ = ready_for_deposit("12345", 2)
    type_keys(ctl, COURIER_CODE + "#12345#")
    assert run(ctl, [DoorOpened([2]), DoorClosed({}), DoorOpened(2.0), DoorClosed(True)]) == []
    assert ctl.compartment(2).state == "open"
