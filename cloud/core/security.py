"""Keyed hashes of short secrets (PINs, courier codes) and the sealed courier codes."""
import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_SEAL_LABEL = b"openlocker courier-code seal v1"
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


def seal(pepper: bytes, text: str) -> str:
    """`text` encrypted and authenticated (AES-256-GCM) under a key derived from the pepper."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_seal_key(pepper)).encrypt(nonce, text.encode(), _SEAL_LABEL)
    return base64.b64encode(nonce + sealed).decode()


def unseal(pepper: bytes, token: str) -> str:
    """The text `seal` sealed; cryptography's InvalidTag if it was altered or the pepper differs."""
    raw = base64.b64decode(token)
    nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    return AESGCM(_seal_key(pepper)).decrypt(nonce, sealed, _SEAL_LABEL).decode()


def _seal_key(pepper: bytes) -> bytes:
    return hmac.new(pepper, _SEAL_LABEL, hashlib.sha256).digest()  # never the hash key itself
