"""Channels that carry a notification out of the cloud: email (SMTP), SMS (a provider) and
carrier webhooks. cloud/services/notifications.py decides what to send and when; these only
deliver one message and raise if they could not."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Outgoing:
    """One message, ready for its channel (secrets in it: the PIN, the QR token)."""

    key: str  # the idempotency key: the receiver may drop a resend by it
    channel: str  # "sms", "email" or "webhook"
    recipient: str  # phone, email address, or the carrier's name
    text: str  # the message; for a webhook its JSON body
    subject: str = ""
    qr_token: str | None = None  # email: shown as an inline QR image
    webhook_url: str | None = None
    webhook_secret: str | None = None


class Undeliverable(Exception):
    """A message no retry can deliver (its target is refused): it is given up at once, with
    this as the reason, instead of being tried again and again."""
