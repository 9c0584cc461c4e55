"""Contact-data purge: a recipient's name, phone and email go once the parcel's life is over.

A parcel's life ends when it leaves LIVE_STATES (collected, cancelled, expired and returned).
Not every path that ends it records when, so the purge keeps its own clock: `life_ended_at` is
the parcel's collected_at, or else the first time a purge run saw it ended (never earlier than
the truth, so data is kept at least `contact_retention_days`, at most one run longer).
"""

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from cloud.core.config import Settings, get_settings
from cloud.models import LIVE_STATES, Notification, Parcel
from cloud.services import delegate_contacts

PERSONAL_CHANNELS = ("sms", "email")  # a webhook's recipient is the carrier, not a person
_BATCH = 500  # parcels purged per query, so a first run over a big table holds few rows at once


def purge_contacts(session: Session, now: datetime, settings: Settings | None = None) -> int:
    """Clear the contact data of parcels whose life ended over the retention period ago (and
    their notifications' addresses), and delegates' contact keys past their window; the number
    of parcels purged. Idempotent."""
    settings = settings or get_settings()
    delegate_contacts.forget(session, now, settings)
    _start_clocks(session, now)
    cutoff = now - timedelta(days=settings.contact_retention_days)
    purged = 0
    while batch := _due(session, cutoff):
        for parcel in batch:
            _purge(session, parcel, now)
        session.flush()
        purged += len(batch)
    return purged


def _start_clocks(session: Session, now: datetime) -> None:
    query = select(Parcel).where(
        col(Parcel.state).not_in(LIVE_STATES), col(Parcel.life_ended_at).is_(None)
    )
    for parcel in session.exec(query).all():
        parcel.life_ended_at = parcel.collected_at or now
        session.add(parcel)
    session.flush()


def _due(session: Session, cutoff: datetime) -> list[Parcel]:
    query = (
        select(Parcel)
        .where(
            col(Parcel.state).not_in(LIVE_STATES),
            col(Parcel.purged_at).is_(None),
            col(Parcel.life_ended_at) <= cutoff,
        )
        .order_by(col(Parcel.id))
        .limit(_BATCH)
        .with_for_update(skip_locked=True)
    )
    return list(session.exec(query).all())


def _purge(session: Session, parcel: Parcel, now: datetime) -> None:
    parcel.recipient_name, parcel.recipient_phone, parcel.recipient_email = "", None, None
    parcel.delegate_name = parcel.delegate_phone = parcel.delegate_email = None  # delegation.py
    parcel.purged_at = now
    session.add(parcel)
    query = select(Notification).where(Notification.parcel_id == parcel.id)
    for notification in session.exec(query).all():
        if notification.channel in PERSONAL_CHANNELS:
            notification.recipient = ""
        notification.sealed_pin, notification.sealed_qr = None, None
        if notification.sent_at is None and notification.dead_at is None:
            notification.dead_at = now  # unsent after the whole retention: given up, to nobody
        session.add(notification)
