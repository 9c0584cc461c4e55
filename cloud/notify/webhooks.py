"""Carrier webhooks: each status change of a carrier's parcel is POSTed as JSON, signed as
Stripe signs: `Locker-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The
timestamp is inside the MAC, so a receiver that refuses old timestamps refuses replays."""
import hashlib
import hmac
import secrets
import time

import httpx
from sqlmodel import Session

from cloud.core import security
from cloud.core.config import Settings
from cloud.models import Carrier
from cloud.notify import Outgoing

SIGNATURE_HEADER = "Locker-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
DEFAULT_TOLERANCE_S = 300  # Stripe's: five minutes of clock skew and queueing
WEBHOOK_SEAL = b"openlocker webhook-secret seal v1"


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def verify_signature(secret: str, header: str, body: bytes, tolerance_s: int = DEFAULT_TOLERANCE_S,
                     now: float | None = None) -> bool:
    """Whether `header` signs `body` under `secret` and is at most `tolerance_s` old (or
    ahead): what a carrier's receiver checks before trusting a webhook."""
    try:
        fields = [part.split("=", 1) for part in header.split(",")]
        timestamp = int(next(value for name, value in fields if name == "t"))
        macs = [value for name, value in fields if name == "v1"]
    except (ValueError, StopIteration):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance_s:
        return False
    expected = _mac(secret, timestamp, body)
    return any(hmac.compare_digest(expected, mac) for mac in macs)


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def configure(session: Session, carrier: Carrier, url: str | None, settings: Settings) -> str | None:
    """Point the carrier's webhooks at `url` (None: no webhooks) with a fresh secret, which is
    returned this once and kept only sealed."""
    if url is None:
        carrier.webhook_url = carrier.sealed_webhook_secret = None
        return None
    if not url.startswith("https://") and (settings.environment == "production"
                                           or not url.startswith("http://")):
        raise ValueError("a webhook URL starts with https:// (http:// only in development)")
    secret = "whsec_" + secrets.token_hex(24)
    carrier.webhook_url = url
    carrier.sealed_webhook_secret = security.seal(settings.pepper, secret, WEBHOOK_SEAL)
    session.add(carrier)
    return secret


def endpoint_of(carrier: Carrier | None, settings: Settings) -> tuple[str, str] | None:
    """(url, secret) where the carrier takes webhooks, or None."""
    if carrier is None or not carrier.webhook_url or not carrier.sealed_webhook_secret:
        return None
    return carrier.webhook_url, security.unseal(settings.pepper, carrier.sealed_webhook_secret,
                                                WEBHOOK_SEAL)


class WebhookPoster:
    """POSTs a webhook, signed when it leaves (so the timestamp is the sending time, however
    long the message waited); anything but a 2xx answer is a failure to retry."""

    timeout_s = 10.0

    def __init__(self, clock=time.time):
        self.clock = clock

    def post(self, outgoing: Outgoing) -> None:
        if not outgoing.webhook_url or not outgoing.webhook_secret:
            raise LookupError(f"carrier {outgoing.recipient} has no webhook endpoint")
        body = outgoing.text.encode()
        headers = {"Content-Type": "application/json", IDEMPOTENCY_HEADER: outgoing.key,
                   SIGNATURE_HEADER: signature_header(outgoing.webhook_secret, body,
                                                      int(self.clock()))}
        response = httpx.post(outgoing.webhook_url, content=body, headers=headers,
                              timeout=self.timeout_s)
        response.raise_for_status()
