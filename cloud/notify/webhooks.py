"""Carrier webhooks: each status change of a carrier's parcel is POSTed as JSON, signed as
Stripe signs: `Locker-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The
timestamp is inside the MAC, so a receiver that refuses old timestamps refuses replays.

The URL is the carrier's, so it is checked when set and again at every delivery, on the
addresses actually connected to (`cloud/notify/targets.py`, `cloud/notify/guarded_http.py`);
redirects are never followed."""

import hashlib
import hmac
import logging
import secrets
import time

from sqlmodel import Session

from cloud.core import security
from cloud.core.config import Settings
from cloud.models import Carrier
from cloud.notify import Outgoing
from cloud.notify.guarded_http import guarded_client
from cloud.notify.targets import Resolver, SystemResolver, TargetPolicy, default_port

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "Locker-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
DEFAULT_TOLERANCE_S = 300  # Stripe's: five minutes of clock skew and queueing
WEBHOOK_SEAL = b"openlocker webhook-secret seal v1"


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def verify_signature(
    secret: str,
    header: str,
    body: bytes,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> bool:
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
    # As bytes: compare_digest refuses str with non-ASCII characters.
    return any(hmac.compare_digest(expected.encode(), mac.encode()) for mac in macs)


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def configure(
    session: Session,
    carrier: Carrier,
    url: str | None,
    settings: Settings,
    *,
    resolver: Resolver | None = None,
) -> str | None:
    """Point the carrier's webhooks at `url` (None: no webhooks) with a fresh secret, which is
    returned this once and kept only sealed. RefusedTarget (a ValueError) for a URL the cloud
    does not send to: see `check_target`."""
    if url is None:
        carrier.webhook_url = carrier.sealed_webhook_secret = None
        return None
    check_target(url, TargetPolicy.from_settings(settings), resolver or SystemResolver())
    secret = "whsec_" + secrets.token_hex(24)
    carrier.webhook_url = url
    carrier.sealed_webhook_secret = security.seal(settings.pepper, secret, WEBHOOK_SEAL)
    session.add(carrier)
    return secret


def check_target(url: str, policy: TargetPolicy, resolver: Resolver) -> None:
    """RefusedTarget unless `url` has an allowed form and its host is, or resolves to, allowed
    addresses only. A name that does not resolve yet is accepted: every delivery checks again."""
    parsed = policy.check_url(url)
    host = parsed.raw_host.decode("ascii")
    try:
        policy.addresses(host, default_port(parsed), resolver)
    except OSError:
        log.info("webhook host %s does not resolve now; it is checked at every delivery", host)


def endpoint_of(carrier: Carrier | None, settings: Settings) -> tuple[str, str] | None:
    """(url, secret) where the carrier takes webhooks, or None."""
    if carrier is None or not carrier.webhook_url or not carrier.sealed_webhook_secret:
        return None
    return carrier.webhook_url, security.unseal(
        settings.pepper, carrier.sealed_webhook_secret, WEBHOOK_SEAL
    )


class WebhookRedirected(Exception):
    """The endpoint answered with a redirect, which a webhook never follows: where it points
    was not checked, and the carrier should give the final URL."""


class WebhookPoster:
    """POSTs a webhook, signed when it leaves (so the timestamp is the sending time, however
    long the message waited), to an address the policy allows; anything but a 2xx answer is a
    failure to retry, a refused target (RefusedTarget) one to give up at once."""

    timeout_s = 10.0

    def __init__(
        self,
        policy: TargetPolicy | None = None,
        resolver: Resolver | None = None,
        *,
        clock=time.time,
        verify=True,
    ):
        """policy: where it may post (default: public https addresses only); verify: the TLS
        trust (True: the public CAs; an ssl.SSLContext for a private CA)."""
        self.policy, self.resolver = policy or TargetPolicy(), resolver or SystemResolver()
        self.clock, self.verify = clock, verify

    @classmethod
    def from_settings(cls, settings: Settings, resolver: Resolver | None = None) -> "WebhookPoster":
        return cls(TargetPolicy.from_settings(settings), resolver)

    def post(self, outgoing: Outgoing) -> None:
        if not outgoing.webhook_url or not outgoing.webhook_secret:
            raise LookupError(f"carrier {outgoing.recipient} has no webhook endpoint")
        url = self.policy.check_url(outgoing.webhook_url)  # set before these checks, perhaps
        body = outgoing.text.encode()
        headers = {
            "Content-Type": "application/json",
            IDEMPOTENCY_HEADER: outgoing.key,
            SIGNATURE_HEADER: signature_header(outgoing.webhook_secret, body, int(self.clock())),
        }
        with guarded_client(
            self.policy, self.resolver, timeout=self.timeout_s, verify=self.verify
        ) as client:
            # streamed and never read: only the status matters, not a body of any size
            with client.stream("POST", url, content=body, headers=headers) as response:
                self._check_answer(outgoing, response)

    @staticmethod
    def _check_answer(outgoing: Outgoing, response) -> None:
        if response.is_redirect:
            location = response.headers.get("Location", "")
            log.warning(
                "webhook to carrier %s answered %d with a redirect to %r: not followed",
                outgoing.recipient,
                response.status_code,
                location[:200],
            )
            raise WebhookRedirected(
                f"the webhook endpoint answered {response.status_code} with "
                f"a redirect to {location[:200]!r}; redirects are not followed"
            )
        response.raise_for_status()
