"""A return drop-off: the cloud's `return` reserves a compartment for a return code; typed at
the keypad it opens that door, and the door closing journals `return_deposited`."""

from firmware.core.actions import Beep, Pulse, Show
from firmware.core.controller import Controller
from firmware.core.events import Booted, DoorClosed, DoorOpened
from protocol import verifiers
from tests.firmware.core.builders import KEY, LATER, LOCKER, NOW, Cloud, controller, run, type_keys

CODE = "246810"


def _with_return(until=LATER, **fields):
    ctl, cloud = controller(), Cloud()
    ctl.handle(
        cloud.command(
            "return",
            parcel="RET-1",
            cmp=2,
            until=until,
            v=verifiers.pin_verifier(KEY, CODE),
            **fields,
        ),
        NOW,
    )
    return ctl, cloud


def test_a_return_reserves_its_compartment():
    ctl, _ = _with_return()
    assert ctl.compartment(2).state == "reserved" and ctl.has_return_code_for("RET-1")


def test_the_return_code_opens_that_door_once():
    ctl, _ = _with_return()
    actions = type_keys(ctl, CODE + "#")
    assert actions[-3:] == [Pulse(2, 300), Show("Door 2 open"), Beep("ok")]
    assert type_keys(ctl, CODE + "#")[-2:] == [Show("Wrong code"), Beep("error")]


def test_the_door_closing_journals_the_return_and_holds_the_parcel():
    ctl, _ = _with_return()
    type_keys(ctl, CODE + "#")
    run(ctl, [DoorOpened(2), DoorClosed(2)])
    bodies = ctl.pending_events()
    assert [(b["type"], b["parcel"], b["cmp"]) for b in bodies] == [
        ("return_deposited", "RET-1", 2)
    ]
    assert (ctl.compartment(2).state, ctl.compartment(2).parcel) == ("occupied", "RET-1")
    assert not ctl.has_reservation("RET-1") and not ctl.has_return_code_for("RET-1")


def test_an_expired_return_code_is_a_wrong_code():
    ctl, _ = _with_return(until=NOW - 1000)
    assert type_keys(ctl, CODE + "#")[-2:] == [Show("Wrong code"), Beep("error")]
    assert ctl.compartment(2).state == "reserved"


def test_a_revoked_return_code_opens_nothing():
    ctl, cloud = _with_return()
    ctl.handle(cloud.command("revoke", parcel="RET-1"), NOW)
    assert type_keys(ctl, CODE + "#")[-2:] == [Show("Wrong code"), Beep("error")]
    assert ctl.compartment(2).state == "free"


def test_a_return_door_open_across_a_power_cut_still_settles():
    ctl, _ = _with_return()
    type_keys(ctl, CODE + "#")
    ctl.handle(DoorOpened(2), NOW)
    board = Controller(LOCKER, KEY, [(1, "S"), (2, "M"), (3, "L")])
    board.restore(ctl.snapshot())
    board.handle(Booted([]), NOW)
    assert [b["type"] for b in board.pending_events()] == ["return_deposited"]


def test_a_stale_return_command_is_dropped():
    ctl, cloud = _with_return()
    type_keys(ctl, CODE + "#")
    run(ctl, [DoorOpened(2), DoorClosed(2)])  # seq 1
    again = cloud.command(
        "return", parcel="RET-1", cmp=2, until=LATER, asof=0, v=verifiers.pin_verifier(KEY, CODE)
    )
    assert ctl.handle(again, NOW) == [] and not ctl.has_return_code_for("RET-1")


def test_the_return_code_survives_a_reset():
    ctl, _ = _with_return()
    board = Controller(LOCKER, KEY, [(1, "S"), (2, "M"), (3, "L")])
    board.restore(ctl.snapshot())
    assert Pulse(2, 300) in type_keys(board, CODE + "#")


def test_a_malformed_return_changes_nothing():
    ctl, cloud = controller(), Cloud()
    assert (
        ctl.handle(cloud.command("return", parcel="RET-1", cmp=2, until=LATER, v="xyz"), NOW) == []
    )
    assert ctl.compartment(2).state == "free"
