"""Pickup QR codes, attacked at the scanner: a replayed code, a forged or altered MAC, a code
made for another board, for another door or parcel, or an expired one, opens nothing; nor does
a code of an earlier stay open a later parcel that came with the same tracking code into the
same door (two carriers can use one code), nor a delegate's code outlive the pickup.
(The format and the happy path: tests/firmware/core/test_qr_tokens.py, test_controller_qr_pickup.py;
the reused tracking code end to end: test_qr_reused_tracking_code.py.)"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmware.core.actions import PULSE, Beep, Pulse, Show
from firmware.core.events import CodeScanned, DoorClosed, DoorOpened
from protocol.qr_tokens import MAC_CHARS, qr_token
from protocol.verifiers import pin_verifier
from tests.firmware.core.builders import (
    COURIER_CODE,
    KEY,
    LATER,
    NOW,
    PIN,
    pin_credential,
    run,
    type_keys,
    with_deposits,
)

DEADLINE_S = LATER // 1000  # the credential's `until`, in seconds
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ."
V = pin_verifier(KEY, PIN)  # the live credential's verifier: the genuine code is bound to it


def board():
    """A board with PKG-1 behind door 1 and its credential (PIN and QR) live."""
    ctl, cloud = with_deposits(["PKG-1"])
    type_keys(ctl, "*")
    ctl.handle(pin_credential(cloud, "PKG-1", 1, until=LATER), NOW)
    return ctl


def genuine():
    return qr_token(KEY, V, 1, "PKG-1", DEADLINE_S)


def opens(ctl, code, now=NOW):
    return [a for a in ctl.handle(CodeScanned(code), now) if a[0] == PULSE] != []


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
    altered = (
        code[:at] + data.draw(st.sampled_from(ALPHABET.replace(code[at], ""))) + code[at + 1 :]
    )
    ctl = board()
    assert not opens(ctl, altered)
    assert opens(ctl, code)


@given(st.binary(min_size=32, max_size=32).filter(lambda key: key != KEY))
def test_a_code_made_with_another_boards_key_opens_nothing(other_key):
    ctl = board()
    assert not opens(ctl, qr_token(other_key, V, 1, "PKG-1", DEADLINE_S))


@given(st.integers(0, NOW // 1000 - 1))
def test_an_expired_code_opens_nothing_even_with_its_own_valid_mac(expiry_s):
    ctl = board()
    assert not opens(ctl, qr_token(KEY, V, 1, "PKG-1", expiry_s))


def test_a_code_for_another_door_or_parcel_opens_nothing():
    for code in (
        qr_token(KEY, V, 2, "PKG-1", DEADLINE_S),
        qr_token(KEY, V, 1, "PKG-2", DEADLINE_S),
    ):
        assert not opens(board(), code)


# --- a tracking code used again: the stay a code was made for, and no other -------------------

DELEGATE_PIN, NEXT_PIN = "2222", "5555"
WRONG = [Show("Wrong code"), Beep("error")]


def code_of(pin, parcel="PKG-1", cmp=1, expires_s=DEADLINE_S):
    """The QR code the cloud mails with the PIN `pin` (qr.token_for)."""
    return qr_token(KEY, pin_verifier(KEY, pin), cmp, parcel, expires_s)


def delegated_board():
    """PKG-1 behind door 1 with the recipient's PIN and a delegate's PIN (and QR codes) live."""
    ctl, cloud = with_deposits(["PKG-1"])
    type_keys(ctl, "*")
    ctl.handle(pin_credential(cloud, "PKG-1", 1), NOW)
    ctl.handle(pin_credential(cloud, "PKG-1", 1, pin=DELEGATE_PIN, keep=1), NOW)
    return ctl, cloud


def typed(ctl, pin, now=NOW):
    """The actions of the '#' after `pin`."""
    type_keys(ctl, pin, now)
    return type_keys(ctl, "#", now)


def picked_up_by_pin(ctl, pin=PIN, cmp=1):
    assert Pulse(cmp, 300) in type_keys(ctl, pin + "#")
    run(ctl, [DoorOpened(cmp), DoorClosed(cmp)])


def next_parcel_with_the_same_code(ctl, cloud, credential=True):
    """Another carrier's PKG-1 deposited behind the same door 1; its own PIN pushed or not yet."""
    ctl.handle(cloud.command("reserve", parcel="PKG-1", cmp=1), NOW)
    type_keys(ctl, COURIER_CODE + "#")
    assert Pulse(1, 300) in ctl.handle(CodeScanned("PKG-1"), NOW)  # the courier scans it
    run(ctl, [DoorOpened(1), DoorClosed(1)])
    type_keys(ctl, "*")
    assert (ctl.compartment(1).state, ctl.compartment(1).parcel) == ("occupied", "PKG-1")
    if credential:
        ctl.handle(pin_credential(cloud, "PKG-1", 1, pin=NEXT_PIN), NOW)


@pytest.mark.parametrize(
    "credential", [True, False], ids=["its PIN pushed", "its PIN not yet there"]
)
@pytest.mark.parametrize("earlier", ["recipient's code", "delegate's code", "delegate's PIN"])
def test_a_code_of_the_earlier_stay_does_not_open_the_next_parcel_with_the_same_code(
    earlier, credential
):
    ctl, cloud = delegated_board()
    picked_up_by_pin(ctl)  # the first PKG-1 is gone; its codes were mailed out and stay there
    next_parcel_with_the_same_code(ctl, cloud, credential)
    if earlier == "delegate's PIN":
        refused = typed(ctl, DELEGATE_PIN)
    else:
        refused = ctl.handle(
            CodeScanned(code_of(PIN if earlier == "recipient's code" else DELEGATE_PIN)), NOW
        )
    assert refused[:2] == WRONG and not [a for a in refused if a[0] == PULSE]
    if credential:
        assert opens(ctl, code_of(NEXT_PIN))  # the new parcel's own code does


def test_a_credential_that_arrives_while_the_pickup_door_is_open_dies_with_the_parcel():
    ctl, cloud = delegated_board()
    assert Pulse(1, 300) in type_keys(ctl, PIN + "#")
    ctl.handle(DoorOpened(1), NOW)
    ctl.handle(pin_credential(cloud, "PKG-1", 1, pin=DELEGATE_PIN, keep=1), NOW)  # a resync, late
    ctl.handle(DoorClosed(1), NOW)
    next_parcel_with_the_same_code(ctl, cloud, credential=False)
    assert ctl.handle(CodeScanned(code_of(DELEGATE_PIN)), NOW)[:2] == WRONG


@pytest.mark.parametrize(
    "first, second",
    [(PIN, DELEGATE_PIN), (DELEGATE_PIN, PIN)],
    ids=["recipient first", "delegate first"],
)
def test_the_delegates_code_is_not_the_recipients_and_the_first_used_ends_both(first, second):
    assert code_of(PIN) != code_of(DELEGATE_PIN)
    ctl, _ = delegated_board()
    assert opens(ctl, code_of(first))
    run(ctl, [DoorOpened(1), DoorClosed(1)])
    assert ctl.handle(CodeScanned(code_of(second)), NOW + 1000)[:2] == WRONG
    assert typed(ctl, second, NOW + 1000)[:2] == WRONG
