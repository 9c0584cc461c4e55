# What a board stores instead of a secret: a truncated HMAC under the board's own key.
# The cloud computes the same value from the PIN it issues, so the PIN never reaches the board
# and a verifier copied from one board is useless on any other.
from binascii import hexlify

from protocol.hmac256 import hmac_sha256
from protocol.wire import VERIFIER_HEX


def pin_verifier(key, pin):
    return _verifier(key, "pin:" + pin)


def courier_verifier(key, code):
    return _verifier(key, "courier:" + code)


def _verifier(key, text):
    return hexlify(hmac_sha256(key, text.encode())).decode()[:VERIFIER_HEX]
