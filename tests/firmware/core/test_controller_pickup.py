"""A recipient types a PIN; the door opens once; `collected` is journaled when it shuts."""

from firmware.core.actions import PUBLISH, PULSE, Beep, Publish, Pulse, Show
from firmware.core.events import Connected, DoorClosed, DoorOpened
from protocol import wire
from tests.firmware.core.builders import (
    EVENTS,
    KEY,
    LATER,
    LOCKER,
    NOW,
    PIN,
    Cloud,
    controller,
    deposit,
    pin_credential,
    ready_for_deposit,
    run,
    state,
    type_keys,
)


def stocked(parcel="PKG-1", cmp=1, until=LATER, online=True):
    """A controller with a parcel in `cmp` and a live PIN for it."""
    ctl, cloud = controller(), Cloud()
    ctl.handle(pin_credential(cloud, parcel, cmp, until=until), NOW)
    if online:
        ctl.handle(Connected(), NOW)
    return ctl, cloud


def test_a_credential_marks_a_free_compartment_occupied_with_its_parcel():
    ctl, _ = stocked("PKG-1", 1)
    assert (ctl.compartment(1).state, ctl.compartment(1).parcel) == ("occupied", "PKG-1")
    assert ctl.has_credential_for("PKG-1")


def test_the_right_pin_opens_the_door():
    ctl, _ = stocked("PKG-1", 1)
    actions = type_keys(ctl, PIN + "#")
    assert actions == [Beep("key")] * 4 + [Pulse(1, 300), Show("Door 1 open"), Beep("ok")]
    assert ctl.compartment(1).state == "open"


def test_the_pin_is_consumed_when_the_door_opens():
    ctl, _ = stocked("PKG-1", 1)
    type_keys(ctl, PIN + "#")
    assert not ctl.has_credential_for("PKG-1")


def test_closing_the_door_journals_collected_and_frees_the_compartment():
    ctl, _ = stocked("PKG-1", 1)
    type_keys(ctl, PIN + "#")
    actions = run(ctl, [DoorOpened(1), DoorClosed(1)], NOW + 5)
    body = {"lkr": LOCKER, "seq": 1, "t": NOW + 5, "type": "collected", "parcel": "PKG-1", "cmp": 1}
    assert actions == [Publish(EVENTS, wire.sign(KEY, body), 1, False)]
    assert (ctl.compartment(1).state, ctl.compartment(1).parcel) == ("free", None)


def test_the_same_pin_typed_again_opens_nothing():
    ctl, _ = stocked("PKG-1", 1)
    type_keys(ctl, PIN + "#")
    run(ctl, [DoorOpened(1), DoorClosed(1)])
    before = state(ctl)
    actions = type_keys(ctl, PIN + "#")
    assert actions[-2:] == [Show("Wrong code"), Beep("error")]
    assert not [a for a in actions if a[0] == PULSE]
    assert state(ctl) == before


def test_a_wrong_pin_is_refused_and_changes_nothing():
    ctl, _ = stocked("PKG-1", 1)
    before = state(ctl)
    assert type_keys(ctl, "0000#") == [Beep("key")] * 4 + [Show("Wrong code"), Beep("error")]
    assert state(ctl) == before


def test_an_expired_pin_is_refused_and_changes_nothing():
    ctl, _ = stocked("PKG-1", 1, until=NOW + 1000)
    before = state(ctl)
    assert type_keys(ctl, PIN + "#", NOW + 1001)[-2:] == [Show("Wrong code"), Beep("error")]
    assert state(ctl) == before


def test_a_pin_is_still_good_at_its_last_millisecond():
    ctl, _ = stocked("PKG-1", 1, until=NOW + 1000)
    assert Pulse(1, 300) in type_keys(ctl, PIN + "#", NOW + 1000)


def test_a_pickup_works_offline():
    ctl, _ = stocked("PKG-1", 1, online=False)
    actions = type_keys(ctl, PIN + "#") + run(ctl, [DoorOpened(1), DoorClosed(1)])
    assert Pulse(1, 300) in actions
    assert not [a for a in actions if a[0] == PUBLISH]
    assert [b["type"] for b in ctl.pending_events()] == ["collected"]


def test_full_deposit_then_pickup():
    ctl, cloud = ready_for_deposit("12345", 2)
    deposit(ctl, "12345", 2, NOW)
    assert type_keys(ctl, "*", NOW + 5) == [Show("Session ended")]  # the courier leaves
    ctl.handle(cloud.command("ack", seqs=[1]), NOW + 10)
    ctl.handle(pin_credential(cloud, "12345", 2, pin="2468"), NOW + 20)
    assert Pulse(2, 300) in type_keys(ctl, "2468#", NOW + 30)
    run(ctl, [DoorOpened(2), DoorClosed(2)], NOW + 40)
    assert [(b["seq"], b["type"], b["parcel"]) for b in ctl.pending_events()] == [
        (2, "collected", "12345")
    ]
    assert (ctl.compartment(2).state, ctl.compartment(2).parcel) == ("free", None)


def test_a_collected_compartment_with_a_new_reservation_becomes_reserved():
    ctl, cloud = stocked("PKG-1", 1)
    ctl.handle(cloud.command("reserve", parcel="777", cmp=1), NOW)
    type_keys(ctl, PIN + "#")
    run(ctl, [DoorOpened(1), DoorClosed(1)])
    assert ctl.compartment(1).state == "reserved"


def test_a_reissued_credential_replaces_the_old_pin():
    ctl, cloud = stocked("PKG-1", 1)
    ctl.handle(pin_credential(cloud, "PKG-1", 1, pin="1357"), NOW)
    assert type_keys(ctl, PIN + "#")[-2:] == [Show("Wrong code"), Beep("error")]
    assert Pulse(1, 300) in type_keys(ctl, "1357#")


def test_a_pin_for_a_compartment_that_holds_another_parcel_opens_nothing():
    ctl, cloud = ready_for_deposit("12345", 2)
    deposit(ctl, "12345", 2)
    type_keys(ctl, "*")
    ctl.handle(pin_credential(cloud, "PKG-9", 2), NOW)  # the cloud's plan is stale
    actions = type_keys(ctl, PIN + "#")
    assert actions[-2:] == [Show("Door 2 unavailable"), Beep("error")]
    assert ctl.has_credential_for("PKG-9")  # not consumed by a refusal
