"""Pickup QR tokens: made in the cloud, checked on the board, the same code on both."""

from hypothesis import given
from hypothesis import strategies as st

from protocol import wire
from protocol.qr_tokens import mac_matches, qr_token, read_qr_token
from protocol.verifiers import pin_verifier

KEY, OTHER_KEY = bytes(range(32)), bytes(range(1, 33))
EXPIRES = 1_900_000_000
V, OTHER_V = pin_verifier(KEY, "123456"), pin_verifier(KEY, "654321")


def test_a_token_reads_back_and_its_mac_matches_the_credential():
    token = qr_token(KEY, V, 12, "JJD0001", EXPIRES)
    cmp, expires_s, mac = read_qr_token(token)
    assert (cmp, expires_s) == (12, EXPIRES) and mac_matches(KEY, V, 12, "JJD0001", EXPIRES, mac)


def test_a_token_fits_the_scanner_and_qr_alphanumeric_mode():
    token = qr_token(KEY, "f" * wire.VERIFIER_HEX, 999, "X" * 32, 2**40)
    assert wire.is_code(token) and len(token) <= wire.MAX_CODE
    assert set(token) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.")


def test_another_board_credential_parcel_or_compartment_does_not_match():
    cmp, expires_s, mac = read_qr_token(qr_token(KEY, V, 12, "JJD0001", EXPIRES))
    assert not mac_matches(OTHER_KEY, V, 12, "JJD0001", EXPIRES, mac)
    assert not mac_matches(KEY, OTHER_V, 12, "JJD0001", EXPIRES, mac)  # another PIN's: another stay
    assert not mac_matches(KEY, V, 12, "JJD0002", EXPIRES, mac)
    assert not mac_matches(KEY, V, 11, "JJD0001", EXPIRES, mac)
    assert not mac_matches(KEY, V, 12, "JJD0001", EXPIRES + 1, mac)


def test_two_credentials_of_one_parcel_have_two_tokens():
    assert qr_token(KEY, V, 12, "JJD0001", EXPIRES) != qr_token(
        KEY, OTHER_V, 12, "JJD0001", EXPIRES
    )


@given(st.text(max_size=40))
def test_anything_scanned_is_a_token_or_none_never_an_error(code):
    found = read_qr_token(code)
    assert found is None or (1 <= found[0] <= 999 and found[1] >= 0)
