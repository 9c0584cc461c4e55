"""The scanner: a scanned code is that code typed and submitted; garbage changes nothing."""

from firmware.core.actions import Beep, Pulse, Show
from firmware.core.controller import Controller
from firmware.core.events import CodeScanned, KeyPressed, MessageReceived
from protocol import wire
from protocol.verifiers import courier_verifier

KEY = bytes(range(32))
NOW = 1_700_000_000_000


def _board():
    board = Controller("L1", KEY, [(1, "S"), (2, "M")])
    for ctr, kind, fields in [
        (1, "couriers", {"v": [courier_verifier(KEY, "4711471147")]}),
        (2, "reserve", {"parcel": "JJD0001", "cmp": 2}),
    ]:
        body = dict({"lkr": "L1", "ctr": ctr, "exp": NOW + 60_000, "type": kind}, **fields)
        board.handle(MessageReceived("lockers/L1/commands", wire.sign(KEY, body)), NOW)
    return board


def test_a_courier_scans_a_lettered_parcel_code_the_keypad_cannot_type():
    board = _board()
    for key in "4711471147#":
        board.handle(KeyPressed(key), NOW)
    actions = board.handle(CodeScanned("JJD0001"), NOW)
    assert Pulse(2, 300) in actions and Show("Door 2 open") in actions


def test_an_unknown_scanned_parcel_is_refused():
    board = _board()
    for key in "4711471147#":
        board.handle(KeyPressed(key), NOW)
    assert board.handle(CodeScanned("JJD9999"), NOW) == [
        Show("Unknown parcel - locker offline"),
        Beep("error"),
    ]


def test_a_scanned_courier_card_opens_a_session():
    board = _board()
    board.handle(CodeScanned("4711471147"), NOW)
    assert board.courier_session_active()


def test_garbage_from_the_scanner_is_refused_and_changes_nothing():
    board = _board()
    before = board.snapshot()
    for junk in ["", "x" * 40, "JJD 0001", None, 7]:
        assert board.handle(CodeScanned(junk), NOW) == [Show("Unreadable code"), Beep("error")]
    assert board.snapshot() == before and not board.courier_session_active()
