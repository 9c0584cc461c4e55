"""A pulsed door not seen open within 5 s is pulsed again; still shut 5 s later, it is jammed."""

from firmware.core.actions import PULSE, Publish, Pulse, Show
from firmware.core.events import DoorClosed, DoorOpened, Tick
from protocol import wire
from tests.firmware.core.builders import (
    COURIER_CODE,
    EVENTS,
    KEY,
    LOCKER,
    NOW,
    PIN,
    Cloud,
    controller,
    event_bodies,
    pin_credential,
    ready_for_deposit,
    type_keys,
)


def opened_for_deposit():
    ctl, cloud = ready_for_deposit("12345", 2)
    type_keys(ctl, COURIER_CODE + "#12345#", NOW)
    return ctl, cloud


def test_no_retry_before_5_s():
    ctl, _ = opened_for_deposit()
    assert ctl.handle(Tick(), NOW + 4_999) == []


def test_a_door_not_seen_open_is_pulsed_once_more():
    ctl, _ = opened_for_deposit()
    assert ctl.handle(Tick(), NOW + 5_000) == [Pulse(2, 300)]
    assert ctl.handle(Tick(), NOW + 5_100) == []
    assert ctl.compartment(2).state == "open"


def test_still_shut_5_s_after_the_retry_it_is_jammed():
    ctl, _ = opened_for_deposit()
    ctl.handle(Tick(), NOW + 5_000)
    assert ctl.handle(Tick(), NOW + 9_999) == []
    actions = ctl.handle(Tick(), NOW + 10_000)
    body = {"lkr": LOCKER, "seq": 1, "t": NOW + 10_000, "type": "jammed", "cmp": 2}
    assert actions == [
        Publish(EVENTS, wire.sign(KEY, body), 1, False),
        Show("Door 2 jammed - try another code"),
    ]
    assert ctl.compartment(2).state == "jammed"
    assert ctl.pending_events() == [body]


def test_a_jammed_door_is_reported_once():
    ctl, _ = opened_for_deposit()
    ctl.handle(Tick(), NOW + 5_000)
    ctl.handle(Tick(), NOW + 10_000)
    assert ctl.handle(Tick(), NOW + 15_000) == []  # the journal's own resend is not yet due
    assert [b["type"] for b in ctl.pending_events()] == ["jammed"]


def test_a_door_seen_open_is_never_jammed():
    ctl, _ = opened_for_deposit()
    ctl.handle(DoorOpened(2), NOW + 100)
    assert ctl.handle(Tick(), NOW + 59_000) == []
    assert ctl.compartment(2).state == "open"


def test_a_door_that_opens_after_the_retry_completes_normally():
    ctl, _ = opened_for_deposit()
    ctl.handle(Tick(), NOW + 5_000)
    ctl.handle(DoorOpened(2), NOW + 6_000)
    ctl.handle(DoorClosed(2), NOW + 7_000)
    assert ctl.handle(Tick(), NOW + 10_000) == []
    assert [b["type"] for b in ctl.pending_events()] == ["deposited"]


def test_a_deposit_that_jammed_keeps_its_reservation_and_no_parcel():
    ctl, _ = opened_for_deposit()
    ctl.handle(Tick(), NOW + 5_000)
    ctl.handle(Tick(), NOW + 10_000)
    assert ctl.compartment(2).parcel is None
    assert ctl.has_reservation("12345")
    # entered again, the jammed door is not pulsed: the parcel gets another compartment
    # (test_controller_retarget.py)
    again = type_keys(ctl, "12345#", NOW + 11_000)
    assert [a for a in again if a[0] == PULSE] == [Pulse(3, 300)]
    assert again[-1] == Show("Door 2 jammed - use door 3")


def test_a_jammed_door_that_opens_later_is_tamper_and_stays_jammed():
    ctl, _ = opened_for_deposit()
    ctl.handle(Tick(), NOW + 5_000)
    ctl.handle(Tick(), NOW + 10_000)
    assert [b["type"] for b in event_bodies(ctl.handle(DoorOpened(2), NOW + 11_000))] == ["tamper"]
    assert ctl.handle(DoorClosed(2), NOW + 12_000) == []
    assert ctl.compartment(2).state == "jammed"


def test_a_pickup_that_jams_keeps_the_parcel_in_place():
    ctl, cloud = controller(), Cloud()
    ctl.handle(pin_credential(cloud, "PKG-1", 1), NOW)
    type_keys(ctl, PIN + "#", NOW)
    ctl.handle(Tick(), NOW + 5_000)
    ctl.handle(Tick(), NOW + 10_000)
    assert (ctl.compartment(1).state, ctl.compartment(1).parcel) == ("jammed", "PKG-1")


def test_a_remote_open_of_a_jammed_door_that_works_clears_the_jam():
    ctl, cloud = controller(), Cloud()
    ctl.handle(pin_credential(cloud, "PKG-1", 1), NOW)
    type_keys(ctl, PIN + "#", NOW)
    ctl.handle(Tick(), NOW + 5_000)
    ctl.handle(Tick(), NOW + 10_000)
    assert ctl.handle(cloud.command("open", cmp=1), NOW + 20_000)[0] == Pulse(1, 300)
    ctl.handle(DoorOpened(1), NOW + 20_500)
    ctl.handle(DoorClosed(1), NOW + 30_000)
    assert ctl.compartment(1).state == "occupied"


def test_a_remote_open_that_jams_is_journaled_too():
    ctl, cloud = controller(), Cloud()
    ctl.handle(cloud.command("open", cmp=3), NOW)
    ctl.handle(Tick(), NOW + 5_000)
    ctl.handle(Tick(), NOW + 10_000)
    assert [(b["type"], b["cmp"]) for b in ctl.pending_events()] == [("jammed", 3)]
