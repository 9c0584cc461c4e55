"""A recipient shows a QR code instead of typing the PIN: checked on the board, offline."""

from firmware.core.actions import PULSE, Beep, Pulse, Show
from firmware.core.controller import Controller
from firmware.core.events import CodeScanned, DoorClosed, DoorOpened, KeyPressed, MessageReceived
from protocol import wire
from protocol.qr_tokens import qr_token
from protocol.verifiers import courier_verifier, pin_verifier

KEY = bytes(range(32))
NOW = 1_700_000_000_000
DEADLINE_S = NOW // 1000 + 3600
V = pin_verifier(KEY, "123456")  # the credential the cloud pushed: its QR code is bound to it


class Cloud:
    def __init__(self, board):
        self.board, self.ctr = board, 0

    def send(self, kind, **fields):
        self.ctr += 1
        body = dict({"lkr": "L1", "ctr": self.ctr, "exp": NOW + 60_000, "type": kind}, **fields)
        return self.board.handle(MessageReceived("lockers/L1/commands", wire.sign(KEY, body)), NOW)


def _board_with_parcel_inside():
    board = Controller("L1", KEY, [(1, "S"), (2, "M")])
    cloud = Cloud(board)
    cloud.send("couriers", v=[courier_verifier(KEY, "4711471147")])
    cloud.send("reserve", parcel="JJD0001", cmp=2)
    for key in "4711471147#":
        board.handle(KeyPressed(key), NOW)
    board.handle(CodeScanned("JJD0001"), NOW)
    board.handle(DoorOpened(2), NOW)
    board.handle(DoorClosed(2), NOW)
    board.handle(KeyPressed("*"), NOW)  # the courier leaves
    cloud.send("credential", parcel="JJD0001", cmp=2, v=V, until=DEADLINE_S * 1000)
    return board, cloud


def _pickup(board, code):
    return board.handle(CodeScanned(code), NOW)


def test_the_qr_code_opens_the_parcels_door_once_and_the_pin_dies_with_it():
    board, _ = _board_with_parcel_inside()
    assert Pulse(2, 300) in _pickup(board, qr_token(KEY, V, 2, "JJD0001", DEADLINE_S))
    board.handle(DoorOpened(2), NOW)
    board.handle(DoorClosed(2), NOW)
    assert _pickup(board, qr_token(KEY, V, 2, "JJD0001", DEADLINE_S)) == [
        Show("Wrong code"),
        Beep("error"),
    ]
    actions = []
    for key in "123456#":
        actions += board.handle(KeyPressed(key), NOW)
    assert not [a for a in actions if a[0] == PULSE]


def test_a_code_from_another_board_an_expired_code_or_one_for_another_door_or_pin_is_refused():
    board, _ = _board_with_parcel_inside()
    before = board.snapshot()
    codes = [
        qr_token(bytes(32), V, 2, "JJD0001", DEADLINE_S),
        qr_token(KEY, V, 2, "JJD0001", NOW // 1000 - 1),
        qr_token(KEY, V, 1, "JJD0001", DEADLINE_S),
        qr_token(KEY, V, 2, "JJD0002", DEADLINE_S),
        qr_token(KEY, pin_verifier(KEY, "654321"), 2, "JJD0001", DEADLINE_S),
    ]
    for i, code in enumerate(codes):  # minutes apart: each after the keypad's back-off window
        assert board.handle(CodeScanned(code), NOW + i * 60_000)[:2] == [
            Show("Wrong code"),
            Beep("error"),
        ]
    after = board.snapshot()
    # only the wrong attempts are counted (and reported: tests/firmware/core/test_keypad_lockout.py)
    assert after.pop("lockout")[0] == 5 and before.pop("lockout")[0] == 0
    old, new = before.pop("journal")["pending"], after.pop("journal")["pending"]
    assert new[: len(old)] == old and [e["type"] for e in new[len(old) :]] == ["pin_guessing"]
    assert after == before  # nothing else changed: no door, no credential


def test_a_revoked_parcels_qr_code_no_longer_opens():
    board, cloud = _board_with_parcel_inside()
    cloud.send("revoke", parcel="JJD0001")
    assert _pickup(board, qr_token(KEY, V, 2, "JJD0001", DEADLINE_S)) == [
        Show("Wrong code"),
        Beep("error"),
    ]


def test_after_an_extension_the_same_credentials_codes_open_until_their_own_expiry():
    board, cloud = _board_with_parcel_inside()
    extended_s = DEADLINE_S + 86400
    cloud.send("credential", parcel="JJD0001", cmp=2, v=V, until=extended_s * 1000)  # the same PIN
    first, fresh = (
        qr_token(KEY, V, 2, "JJD0001", DEADLINE_S),
        qr_token(KEY, V, 2, "JJD0001", extended_s),
    )
    later_ms = DEADLINE_S * 1000 + 1000  # past the first code's expiry, before the new deadline
    assert board.handle(CodeScanned(first), later_ms)[:2] == [Show("Wrong code"), Beep("error")]
    assert Pulse(2, 300) in board.handle(CodeScanned(fresh), later_ms)


def test_a_delegates_code_opens_next_to_the_recipients():
    board, cloud = _board_with_parcel_inside()
    delegate_v = pin_verifier(KEY, "222222")
    cloud.send("credential", parcel="JJD0001", cmp=2, v=delegate_v, until=DEADLINE_S * 1000, keep=1)
    assert Pulse(2, 300) in _pickup(board, qr_token(KEY, delegate_v, 2, "JJD0001", DEADLINE_S))
