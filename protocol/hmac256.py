# HMAC-SHA256 (RFC 2104) over hashlib.sha256: MicroPython ships sha256 but no hmac module.
import hashlib

_BLOCK = 64


def _pad(key, byte):
    return bytes([b ^ byte for b in key])


def hmac_sha256(key, message):
    """The 32-byte HMAC-SHA256 of `message` (bytes) under `key` (bytes)."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key + bytes(_BLOCK - len(key))
    inner = hashlib.sha256(_pad(key, 0x36))
    inner.update(message)
    outer = hashlib.sha256(_pad(key, 0x5C))
    outer.update(inner.digest())
    return outer.digest()


def equal(a, b):
    """Compare two byte strings in time that does not depend on where they differ."""
    if len(a) != len(b):
        return False
    diff = 0
    for x, y in zip(a, b):
        diff |= x ^ y
    return diff == 0
