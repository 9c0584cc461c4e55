"""Messages to recipients: written with the decision, sent later.

The PIN is never stored in clear: the message holds a placeholder and the PIN is kept sealed
next to it; the text with the PIN is built only to hand it to the gateway, and the seal is
cleared once the message is sent or given up on.
"""
import logging
from datetime import datetime
from typing import Protocol, TextIO

from sqlmodel import Session, col, select

from cloud.core import security
from cloud.core.config import Settings, get_settings
from cloud.models import Compartment, Locker, Notification, Parcel

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
PIN_PLACEHOLDER = "PIN ******"


class Notifier(Protocol):
    """Delivers one message on a channel ("sms" or "email"); raises if it could not."""

    def send(self, channel: str, recipient: str, message: str) -> None: ...


class LoggingNotifier:
    """Stands in for an SMS and email gateway: logs each message (and writes it to `stream`)."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream

    def send(self, channel: str, recipient: str, message: str) -> None:
        log.info("%s to %s: %s", channel, recipient, message)
        if self.stream is not None:
            print(f"[{channel} to {recipient}] {message}", file=self.stream, flush=True)


def queue_pickup_notice(session: Session, parcel: Parcel, locker: Locker, compartment: Compartment,
                        pin: str, now: datetime, settings: Settings) -> Notification:
    """Tell the recipient where the parcel is and the PIN that opens its door."""
    channel, recipient = (("sms", parcel.recipient_phone) if parcel.recipient_phone
                          else ("email", parcel.recipient_email))
    where = f"locker {locker.name}" + (f", {locker.address}" if locker.address else "")
    message = (f"Your parcel {parcel.tracking_code} ({parcel.carrier}) is in {where}, "
               f"compartment {compartment.number}. {PIN_PLACEHOLDER}. "
               f"Collect it by {parcel.pickup_deadline:%Y-%m-%d %H:%M} UTC.")
    notification = Notification(parcel_id=parcel.id, channel=channel, recipient=recipient,
                                message=message, sealed_pin=seal_pin(settings, pin), created_at=now)
    session.add(notification)
    return notification


def seal_pin(settings: Settings, pin: str) -> str:
    """What a Notification keeps of a PIN."""
    return security.seal(settings.pepper, pin, security.PIN_SEAL)


def text_to_send(notification: Notification, settings: Settings) -> str:
    """The message with the PIN in place of its placeholder (the last one: the locker's name
    and address come before it and could contain anything)."""
    if notification.sealed_pin is None:
        return notification.message
    head, slot, tail = notification.message.rpartition(PIN_PLACEHOLDER)
    if not slot:
        raise ValueError(f"notification {notification.id} has a PIN but no place for it")
    pin = security.unseal(settings.pepper, notification.sealed_pin, security.PIN_SEAL)
    return f"{head}PIN {pin}{tail}"


def dispatch_pending(session: Session, notifier: Notifier, now: datetime,
                     *, settings: Settings | None = None) -> int:
    """Send every unsent notification (up to MAX_ATTEMPTS tries each); the number sent."""
    settings = settings or get_settings()
    query = (select(Notification)
             .where(col(Notification.sent_at).is_(None), Notification.attempts < MAX_ATTEMPTS)
             .order_by(col(Notification.id)).with_for_update(skip_locked=True))
    sent = sum(_send(notifier, notification, now, settings)
               for notification in session.exec(query).all())
    session.flush()
    return sent


def _send(notifier: Notifier, notification: Notification, now: datetime, settings: Settings) -> bool:
    notification.attempts += 1
    try:
        text = text_to_send(notification, settings)
        notifier.send(notification.channel, notification.recipient, text)
    except Exception:
        log.exception("notification %s not sent (attempt %d)", notification.id, notification.attempts)
        if notification.attempts >= MAX_ATTEMPTS:
            log.error("notification %s given up after %d attempts; its PIN is discarded",
                      notification.id, notification.attempts)
            notification.sealed_pin = None
        return False
    notification.sent_at = now
    notification.sealed_pin = None  # the PIN lives on only in the message the recipient got
    return True
