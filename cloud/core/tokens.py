"""Operator bearer tokens: a JSON payload and its HMAC-SHA256 under Settings.auth_secret.

Stateless (stdlib hmac, no extra library, no table to write per request); an operator's role
and `active` flag are read from the database on every request, so demoting or deactivating
someone takes effect at once, and a token dies at its expiry.
"""
import base64
import hashlib
import hmac
import json
from datetime import datetime

from cloud.core.clock import from_ms, to_ms

_VERSION = "v1"


def sign(key: bytes, username: str, expires_at: datetime) -> str:
    payload = _b64(json.dumps({"sub": username, "exp": to_ms(expires_at)},
                              separators=(",", ":"), sort_keys=True).encode())
    return f"{_VERSION}.{payload}.{_b64(_mac(key, payload))}"


def verified_subject(key: bytes, token: str, now: datetime) -> str | None:
    """The username a valid, unexpired token names; None for anything else."""
    try:
        version, payload, mac = token.split(".")
        if version != _VERSION or not hmac.compare_digest(_unb64(mac), _mac(key, payload)):
            return None
        claims = json.loads(_unb64(payload))
        if from_ms(int(claims["exp"])) <= now:
            return None
        return str(claims["sub"])
    except (ValueError, KeyError, TypeError):
        return None


def _mac(key: bytes, payload: str) -> bytes:
    return hmac.new(key, (_VERSION + "." + payload).encode(), hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
