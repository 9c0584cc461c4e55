"""A reset loses nothing: the controller's snapshot restores sequence, counter, journal and
credentials."""

import json

import pytest

from firmware.core.actions import PULSE
from firmware.core.controller import Controller
from firmware.core.events import DoorClosed, DoorOpened, KeyPressed, MessageReceived
from protocol import wire
from protocol.verifiers import courier_verifier, pin_verifier

KEY = bytes(range(32))
NOW = 1_700_000_000_000
LAYOUT = [(1, "S"), (2, "M")]


def _command(ctr, kind, **fields):
    body = dict({"lkr": "L1", "ctr": ctr, "exp": NOW + 60_000, "type": kind}, **fields)
    return MessageReceived("lockers/L1/commands", wire.sign(KEY, body))


def _press(controller, keys):
    actions = []
    for key in keys:
        actions += controller.handle(KeyPressed(key), NOW)
    return actions


def _busy_board():
    board = Controller("L1", KEY, LAYOUT)
    board.handle(_command(1, "couriers", v=[courier_verifier(KEY, "4711471147")]), NOW)
    board.handle(_command(2, "reserve", parcel="11", cmp=1), NOW)
    board.handle(_command(3, "reserve", parcel="P2", cmp=2), NOW)
    _press(board, "4711471147#11#")
    board.handle(DoorOpened(1), NOW)
    board.handle(DoorClosed(1), NOW)  # journals `deposited` seq 1
    board.handle(
        _command(
            4,
            "credential",
            parcel="11",
            cmp=1,
            v=pin_verifier(KEY, "123456"),
            until=NOW + 3_600_000,
        ),
        NOW,
    )
    return board


def _restored(board):
    fresh = Controller("L1", KEY, LAYOUT)
    fresh.restore(json.loads(json.dumps(board.snapshot())))  # as it goes through flash
    return fresh


def test_a_restored_board_keeps_its_journal_and_never_reuses_a_seq():
    board = _restored(_busy_board())
    assert [e["seq"] for e in board.pending_events()] == [1]
    assert board.snapshot()["journal"]["next_seq"] == 2


def test_a_restored_board_refuses_commands_it_accepted_before_the_reset():
    board = _restored(_busy_board())
    assert board.last_counter == 4
    board.handle(_command(3, "reserve", parcel="P9", cmp=2), NOW)
    assert not board.has_reservation("P9")


def test_a_restored_board_still_opens_for_its_pin_and_knows_what_is_inside():
    board = _restored(_busy_board())
    assert board.compartment(1).state == "occupied" and board.compartment(1).parcel == "11"
    assert board.has_reservation("P2") and board.courier_count() == 1
    actions = _press(board, "123456#")
    assert any(a[0] == PULSE and a[1] == 1 for a in actions)


def test_a_snapshot_round_trips_unchanged():
    board = _busy_board()
    assert _restored(board).snapshot() == json.loads(json.dumps(board.snapshot()))


@pytest.mark.parametrize("data", [None, {}, {"v": 99}])
def test_an_unknown_snapshot_is_refused(data):
    with pytest.raises(ValueError):
        Controller("L1", KEY, LAYOUT).restore(data)
