# Pickup QR codes a board checks offline (DESIGN invariant 1): "Q<cmp>.<expiry>.<mac>", e.g.
# "Q12.1KX9ZT4.9F3A61C0B27D5E88". The MAC is HMAC-SHA256 under the board's own key over one
# pickup credential's verifier (the PIN's, protocol/verifiers.py), the compartment, the
# expiry and the parcel code. So a code opens one compartment of one board only while that very
# credential is live there: not a later stay of a parcel with the same code in the same
# compartment (a new PIN, a new verifier), and a delegate's code is not the recipient's. The
# board already holds the verifier, so the binding costs it no memory. It fits the scanner's
# 32-character codes in QR's compact alphanumeric mode (upper case, digits, '.').
from binascii import hexlify

from protocol.hmac256 import hmac_sha256

PREFIX = "Q"
MAC_CHARS = 16  # 64 bits: a forger gets one guess per scan, and scans are rate-limited
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def qr_token(key, v, cmp, parcel, expires_s):
    """The token of the pickup credential with verifier `v` (hex) for the parcel in compartment
    `cmp`, valid until expires_s (Unix seconds)."""
    expiry = _base36(expires_s)
    return PREFIX + str(cmp) + "." + expiry + "." + _mac(key, v, cmp, expiry, parcel)


def read_qr_token(code):
    """(cmp, expires_s, mac) from a scanned code, or None when it is not a pickup QR code."""
    if not isinstance(code, str) or not code.startswith(PREFIX):
        return None
    parts = code[1:].split(".")
    if len(parts) != 3 or not _is_cmp(parts[0]) or len(parts[2]) != MAC_CHARS:
        return None
    expires_s = _from_base36(parts[1])
    if expires_s is None or not 1 <= int(parts[0]) <= 999:
        return None
    return int(parts[0]), expires_s, parts[2]


def mac_matches(key, v, cmp, parcel, expires_s, mac):
    """True when `mac` is the token's for the credential with verifier `v`."""
    expected = _mac(key, v, cmp, _base36(expires_s), parcel)
    diff = 0
    for a, b in zip(expected, mac):
        diff |= ord(a) ^ ord(b)  # constant time: the scanner is an oracle otherwise
    return diff == 0 and len(mac) == len(expected)


def _mac(key, v, cmp, expiry, parcel):
    # "qr2": tokens of the first format (no verifier) can never match one of this one
    message = "qr2:" + v + ":" + str(cmp) + ":" + expiry + ":" + parcel
    return hexlify(hmac_sha256(key, message.encode())).decode().upper()[:MAC_CHARS]


def _is_cmp(text):
    # ASCII digits only: CPython's isdigit() takes "²", which int() refuses
    return 0 < len(text) <= 3 and all(c in "0123456789" for c in text)


def _base36(n):
    digits = ""
    while True:
        n, r = divmod(n, 36)
        digits = _BASE36[r] + digits
        if n == 0:
            return digits


def _from_base36(text):
    if not text or len(text) > 8:
        return None
    n = 0
    for c in text:
        i = _BASE36.find(c)
        if i < 0:
            return None
        n = n * 36 + i
    return n
