"""Pickup QR tokens: made in the cloud, checked on the board, the same code on both."""
from hypothesis import given
from hypothesis import strategies as st

from firmware.core import wire
from firmware.core.qr_tokens import mac_matches, qr_token, read_qr_token

KEY, OTHER_KEY = bytes(range(32)), bytes(range(1, 33))
EXPIRES = 1_900_000_000


def test_a_token_reads_back_and_its_mac_matches_the_parcel():
    token = qr_token(KEY, 12, "JJD0001", EXPIRES)
    cmp, expires_s, mac = read_qr_token(token)
    assert (cmp, expires_s) == (12, EXPIRES) and mac_matches(KEY, 12, EXPIRES, "JJD0001", mac)


def test_a_token_fits_the_scanner_and_qr_alphanumeric_mode():
    token = qr_token(KEY, 999, "X" * 32, 2 ** 40)
    assert wire.is_code(token) and len(token) <= wire.MAX_CODE
    assert set(token) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.")


def test_another_board_another_parcel_or_another_compartment_does_not_match():
    cmp, expires_s, mac = read_qr_token(qr_token(KEY, 12, "JJD0001", EXPIRES))
    assert not mac_matches(OTHER_KEY, 12, EXPIRES, "JJD0001", mac)
    assert not mac_matches(KEY, 12, EXPIRES, "JJD0002", mac)
    assert not mac_matches(KEY, 11, EXPIRES, "JJD0001", mac)
    assert not mac_matches(KEY, 12, EXPIRES + 1, "JJD0001", mac)


@given(st.text(max_size=40))
def test_anything_scanned_is_a_token_or_none_never_an_error(code):
    found = read_qr_token(code)
    assert found is None or (1 <= found[0] <= 999 and found[1] >= 0)
