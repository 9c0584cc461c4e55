"""Pickup QR codes, attacked at the scanner: a replayed code, a forged or altered MAC, a code
made for another board, for another door or parcel, or an expired one, opens nothing.
(The format and the happy path: tests/firmware/test_qr_tokens.py, test_controller_qr_pickup.py.)"""
from hypothesis import given
from hypothesis import strategies as st

from firmware.core.actions import Pulse
from firmware.core.events import CodeScanned, DoorClosed, DoorOpened
from firmware.core.qr_tokens import MAC_CHARS, qr_token
from tests.firmware.builders import KEY, LATER, NOW, pin_credential, type_keys, with_deposits

DEADLINE_S = LATER // 1000  # the credential's `until`, in seconds
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ."


def board():
    """A board with PKG-1 behind door 1 and its credential (PIN and QR) live."""
    ctl, cloud = with_deposits(["PKG-1"])
    type_keys(ctl, "*")
    ctl.handle(pin_credential(cloud, "PKG-1", 1, until=LATER), NOW)
    return ctl


def genuine():
    return qr_token(KEY, 1, "PKG-1", DEADLINE_S)


def opens(ctl, code, now=NOW):
    return [a for a in ctl.handle(CodeScanned(code), now) if isinstance(a, Pulse)] != []


def test_the_genuine_code_opens_once_and_its_replay_opens_nothing():
    ctl = board()
    assert opens(ctl, genuine())
    ctl.handle(DoorOpened(1), NOW)
    ctl.handle(DoorClosed(1), NOW)
    assert not opens(ctl, genuine(), NOW + 1000)  # the parcel is gone: the code is dead


@given(st.text(alphabet="0123456789ABCDEF", min_size=MAC_CHARS, max_size=MAC_CHARS))
def test_a_forged_mac_opens_nothing(mac):
    code = genuine()
    forged = code[:-MAC_CHARS] + mac
    if forged == code:
        return
    ctl = board()
    assert not opens(ctl, forged)
    assert opens(ctl, code)  # refused for its MAC, not for anything else


@given(st.data())
def test_any_altered_character_opens_nothing(data):
    code = genuine()
    at = data.draw(st.integers(0, len(code) - 1))
    altered = code[:at] + data.draw(st.sampled_from(ALPHABET.replace(code[at], ""))) + code[at + 1:]
    ctl = board()
    assert not opens(ctl, altered)
    assert opens(ctl, code)


@given(st.binary(min_size=32, max_size=32).filter(lambda key: key != KEY))
def test_a_code_made_with_another_boards_key_opens_nothing(other_key):
    ctl = board()
    assert not opens(ctl, qr_token(other_key, 1, "PKG-1", DEADLINE_S))


@given(st.integers(0, NOW // 1000 - 1))
def test_an_expired_code_opens_nothing_even_with_its_own_valid_mac(expiry_s):
    ctl = board()
    assert not opens(ctl, qr_token(KEY, 1, "PKG-1", expiry_s))


def test_a_code_for_another_door_or_parcel_opens_nothing():
    for code in (qr_token(KEY, 2, "PKG-1", DEADLINE_S), qr_token(KEY, 1, "PKG-2", DEADLINE_S)):
        assert not opens(board(), code)
