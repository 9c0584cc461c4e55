"""Delivery receipts from the SMS gateway: the gateway took a message (its id is kept as the
notification's provider_ref) and later says whether the phone got it.

"delivered" stamps the notification; a final failure ("failed", "undelivered", "rejected",
"expired") gives it up as a failed send does (an alarm at the locker, an audit entry on the
parcel's timeline). Progress reports change nothing. A receipt is idempotent, and one that
comes after the opposite verdict changes nothing: delivered stays delivered."""

from datetime import datetime

from sqlmodel import Session, select

from cloud.models import Notification
from cloud.services import notifications
from cloud.services.errors import Invalid, NotFound

DELIVERED = ("delivered",)
FAILED = ("failed", "undelivered", "rejected", "expired")
IN_PROGRESS = ("accepted", "queued", "sending", "sent", "buffered", "enroute", "scheduled")


def apply_receipt(
    session: Session, reference: str, status: str, error: str | None, now: datetime
) -> Notification:
    """Apply one receipt for the SMS the gateway calls `reference`."""
    status = status.strip().lower()
    if status not in DELIVERED + FAILED + IN_PROGRESS:
        known = ", ".join(DELIVERED + FAILED + IN_PROGRESS)
        raise Invalid("bad_receipt_status", f"receipt status {status!r}: one of {known}")
    query = select(Notification).where(
        Notification.channel == "sms", Notification.provider_ref == reference
    )
    notification = session.exec(query.with_for_update()).first()
    if notification is None:
        raise NotFound("sms", reference)
    if status in DELIVERED and notification.delivered_at is None:
        notification.delivered_at = now
    elif status in FAILED and notification.delivered_at is None and notification.dead_at is None:
        notification.last_error = f"gateway: {status}" + (f": {error}" if error else "")
        notifications.give_up(session, notification, now, f"the SMS gateway reported {status}")
    return notification
