"""Messages to recipients: written with the decision, sent later, the PIN redacted once sent."""
import logging
import re
from datetime import datetime
from typing import Protocol, TextIO

from sqlmodel import Session, col, select

from cloud.models import Compartment, Locker, Notification, Parcel

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
_PIN = re.compile(r"PIN \d+")
_REDACTED = "PIN ******"


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
                        pin: str, now: datetime) -> Notification:
    """Tell the recipient where the parcel is and the PIN that opens its door."""
    channel, recipient = (("sms", parcel.recipient_phone) if parcel.recipient_phone
                          else ("email", parcel.recipient_email))
    where = f"locker {locker.name}" + (f", {locker.address}" if locker.address else "")
    message = (f"Your parcel {parcel.tracking_code} ({parcel.carrier}) is in {where}, "
               f"compartment {compartment.number}. PIN {pin}. "
               f"Collect it by {parcel.pickup_deadline:%Y-%m-%d %H:%M} UTC.")
    notification = Notification(parcel_id=parcel.id, channel=channel, recipient=recipient,
                                message=message, created_at=now)
    session.add(notification)
    return notification


def redact(message: str) -> str:
    """The message without its PIN."""
    return _PIN.sub(_REDACTED, message)


def dispatch_pending(session: Session, notifier: Notifier, now: datetime) -> int:
    """Send every unsent notification (up to MAX_ATTEMPTS tries each); the number sent."""
    query = (select(Notification)
             .where(col(Notification.sent_at).is_(None), Notification.attempts < MAX_ATTEMPTS)
             .order_by(col(Notification.id)).with_for_update(skip_locked=True))
    sent = sum(_send(notifier, notification, now) for notification in session.exec(query).all())
    session.flush()
    return sent


def _send(notifier: Notifier, notification: Notification, now: datetime) -> bool:
    notification.attempts += 1
    try:
        notifier.send(notification.channel, notification.recipient, notification.message)
    except Exception:
        log.exception("notification %s not sent (attempt %d)", notification.id, notification.attempts)
        return False
    notification.sent_at = now
    notification.message = redact(notification.message)  # the PIN lives on only in the SMS
    return True
