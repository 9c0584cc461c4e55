"""Messages to recipients (SMS or email) and carriers (webhooks): an outbox, kept until sent."""

import uuid

from pydantic import NaiveDatetime
from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from cloud.core.clock import utcnow

CHANNELS = ("sms", "email", "webhook")


class Notification(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    parcel_id: uuid.UUID = Field(foreign_key="parcel.id", index=True)
    channel: str = Field(max_length=8)  # "sms", "email" or "webhook"
    # A phone number, an email address, or (webhook) the carrier's name: its URL and secret are
    # read when sending, so a changed URL or a rotated secret applies to what is still queued.
    recipient: str = Field(max_length=254)
    kind: str = Field(default="pickup", max_length=32)  # what it says: pickup, expired, ...
    subject: str = Field(default="", max_length=200)  # an email's subject
    message: str = Field(sa_type=Text)  # with a placeholder where the PIN goes, never the PIN
    # The PIN sealed (cloud.core.security, purpose PIN_SEAL), put into the message only at send
    # time; cleared once sent or given up on.
    sealed_pin: str | None = Field(default=None, sa_type=Text)
    # The pickup QR token (cloud/services/qr.py), sealed like the PIN: it opens the door too.
    sealed_qr: str | None = Field(default=None, sa_type=Text)
    # One key per message, also handed to the receiver (webhook header, email Message-ID):
    # queueing the same message twice keeps one, and a receiver can drop a resend.
    idempotency_key: str = Field(max_length=100, unique=True, index=True)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    next_attempt_at: NaiveDatetime = Field(default_factory=utcnow, index=True)  # backoff
    sent_at: NaiveDatetime | None = None
    dead_at: NaiveDatetime | None = None  # given up on: MAX_ATTEMPTS, or the gateway said so
    # What an SMS gateway called the message when it took it, so that its delivery receipt
    # (cloud/services/sms_receipts.py) finds it; and when the receipt said it arrived.
    provider_ref: str | None = Field(default=None, max_length=100, index=True)
    delivered_at: NaiveDatetime | None = None
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=Text)


class WebhookConfig(SQLModel):
    """Where a carrier takes its parcels' status changes."""

    url: str = Field(max_length=2048, schema_extra={"pattern": r"^https?://[^\s/]+(/\S*)?$"})


class WebhookIssued(WebhookConfig):
    secret: str  # signs every webhook (Locker-Signature): shown this once, stored only sealed
