"""Signed bearer tokens: a JSON payload and its HMAC-SHA256, as `<version>.<payload>.<mac>`.

Stdlib hmac, no extra library. The version is part of what the MAC covers, so a token of one
version never passes for another:
- v1 {sub, exp}: dies only at its expiry (a recipient's link, cloud/services/recipient_links.py);
- v2 {sub, exp, sid}: an operator's session (cloud/services/operator_sessions.py), valid while
  that session is, which logout and a password change end. v1 tokens no longer log anyone in.
"""

import base64
import hashlib
import hmac
import json
from datetime import datetime

from cloud.core.clock import from_ms, to_ms

_VERSION = "v1"
SESSION_VERSION = "v2"


def sign(key: bytes, username: str, expires_at: datetime) -> str:
    return _signed(key, _VERSION, {"sub": username, "exp": to_ms(expires_at)})


def sign_session(key: bytes, username: str, session_id: int, expires_at: datetime) -> str:
    """A token naming `username`'s session `session_id`."""
    return _signed(
        key, SESSION_VERSION, {"sub": username, "sid": session_id, "exp": to_ms(expires_at)}
    )


def verified_subject(key: bytes, token: str, now: datetime) -> str | None:
    """The subject a valid, unexpired v1 token names; None for anything else."""
    claims = _verified_claims(key, _VERSION, token, now)
    return str(claims["sub"]) if claims is not None else None


def verified_session(key: bytes, token: str, now: datetime) -> tuple[str, int] | None:
    """(username, session id) of a valid, unexpired session token; None for anything else."""
    claims = _verified_claims(key, SESSION_VERSION, token, now)
    try:
        return (str(claims["sub"]), _session_id(claims["sid"])) if claims is not None else None
    except (KeyError, TypeError, ValueError):
        return None


def _signed(key: bytes, version: str, claims: dict) -> str:
    payload = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    return f"{version}.{payload}.{_b64(_mac(key, version, payload))}"


def _verified_claims(key: bytes, expected_version: str, token: str, now: datetime) -> dict | None:
    try:
        version, payload, mac = token.split(".")
        if version != expected_version or not hmac.compare_digest(
            _unb64(mac), _mac(key, version, payload)
        ):
            return None
        claims = json.loads(_unb64(payload))
        if from_ms(int(claims["exp"])) <= now:
            return None
        return claims
    except (ValueError, KeyError, TypeError, OverflowError):
        return None


def _session_id(value: object) -> int:
    if type(value) is not int or not 1 <= value < 2**31:  # the id column's range
        raise ValueError("not a session id")
    return value


def _mac(key: bytes, version: str, payload: str) -> bytes:
    return hmac.new(key, (version + "." + payload).encode(), hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
