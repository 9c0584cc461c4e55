"""Keyed hashes of short secrets (PINs, courier codes), and those secrets sealed where the
cloud must give them out again (courier codes to new boards, PINs to the SMS gateway)."""

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_SEAL_LABEL = b"openlocker courier-code seal v1"  # derives the key; the default purpose
PIN_SEAL = b"openlocker pickup-pin seal v1"  # a sealed PIN never unseals as a courier code
_NONCE_BYTES = 12


def keyed_hash(pepper: bytes, text: str) -> str:
    """HMAC-SHA256 of `text` under the pepper, as 64 hex digits."""
    return hmac.new(pepper, text.encode(), hashlib.sha256).hexdigest()


def pin_hash(pepper: bytes, locker_id: str, pin: str) -> str:
    """What the cloud stores for a pickup PIN: equal PINs of one locker hash alike."""
    return keyed_hash(pepper, locker_id + ":" + pin)


def courier_code_hash(pepper: bytes, code: str) -> str:
    """What the cloud looks a courier code up by."""
    return keyed_hash(pepper, "courier:" + code)


def seal(pepper: bytes, text: str, purpose: bytes = _SEAL_LABEL) -> str:
    """`text` encrypted and authenticated (AES-256-GCM) under a key derived from the pepper;
    `purpose` is bound in as associated data, so a token unseals only for the same purpose."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_seal_key(pepper)).encrypt(nonce, text.encode(), purpose)
    return base64.b64encode(nonce + sealed).decode()


def unseal(pepper: bytes, token: str, purpose: bytes = _SEAL_LABEL) -> str:
    """The text `seal` sealed; cryptography's InvalidTag if it was altered, or the pepper or
    the purpose differs."""
    raw = base64.b64decode(token)
    nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    return AESGCM(_seal_key(pepper)).decrypt(nonce, sealed, purpose).decode()


def _seal_key(pepper: bytes) -> bytes:
    return hmac.new(pepper, _SEAL_LABEL, hashlib.sha256).digest()  # never the hash key itself
