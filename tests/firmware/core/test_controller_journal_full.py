"""With no room left for an unacknowledged event, no new deposit or pickup is started."""

from firmware.core.actions import Beep, Pulse, Show
from firmware.core.events import Connected, DoorClosed, DoorOpened, Tick
from firmware.core.journal import Journal
from tests.firmware.core.builders import (
    COURIER_CODE,
    NOW,
    PIN,
    Cloud,
    controller,
    pin_credential,
    run,
    state,
    type_keys,
    with_deposits,
)

OFFLINE = [Show("Locker offline - try later"), Beep("error")]


def full():
    """A controller whose 2-entry journal holds two unacknowledged deposits."""
    return with_deposits(["101", "102"], journal=Journal(capacity=2))


def test_a_full_journal_refuses_a_deposit():
    ctl, cloud = full()
    ctl.handle(cloud.command("reserve", parcel="103", cmp=3), NOW)
    before = state(ctl, parcels=("103",))
    assert type_keys(ctl, "103#")[-2:] == OFFLINE
    assert state(ctl, parcels=("103",)) == before


def test_a_full_journal_refuses_a_pickup_and_keeps_the_pin():
    ctl, cloud = full()
    type_keys(ctl, "*")  # the courier leaves
    ctl.handle(pin_credential(cloud, "101", 1), NOW)
    assert type_keys(ctl, PIN + "#")[-2:] == OFFLINE
    assert ctl.has_credential_for("101")


def test_an_ack_makes_room_again():
    ctl, cloud = full()
    ctl.handle(cloud.command("reserve", parcel="103", cmp=3), NOW)
    ctl.handle(cloud.command("ack", seqs=[1]), NOW)
    assert Pulse(3, 300) in type_keys(ctl, "103#")


def test_a_door_in_flight_keeps_its_slot():
    # one free slot and a door already open for a deposit: the next transaction must wait,
    # or the first door's `deposited` would have nowhere to go
    ctl, cloud = controller(journal=Journal(capacity=1)), Cloud()
    run(ctl, [pin_credential(cloud, "PKG-1", 1), pin_credential(cloud, "PKG-2", 2, pin="2222")])
    assert Pulse(1, 300) in type_keys(ctl, PIN + "#")
    assert type_keys(ctl, "2222#")[-2:] == OFFLINE
    run(ctl, [DoorOpened(1), DoorClosed(1)])
    assert len(ctl.pending_events()) == 1


def test_a_full_journal_refuses_a_remote_open():
    ctl, cloud = full()
    before = state(ctl)
    assert ctl.handle(cloud.command("open", cmp=3), NOW) == []
    assert state(ctl) == before


def test_the_journal_never_exceeds_its_capacity():
    ctl, cloud = controller(journal=Journal(capacity=1)), Cloud()
    run(ctl, [pin_credential(cloud, "PKG-1", 1), Connected()])
    type_keys(ctl, PIN + "#")
    run(ctl, [cloud.command("open", cmp=2)])  # refused: the pickup holds the only slot
    run(ctl, [Tick()], NOW + 5_000)
    run(ctl, [Tick()], NOW + 10_000)  # door 1 jams
    assert [b["type"] for b in ctl.pending_events()] == ["jammed"]


def test_courier_login_still_works_when_full():
    ctl, _ = full()
    type_keys(ctl, "*")
    type_keys(ctl, COURIER_CODE + "#")
    assert ctl.courier_session_active()
