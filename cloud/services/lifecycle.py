"""A parcel's life after pre-advice: expiry of uncollected parcels and of reservations no
courier filled (`expire_due`, a periodic job), and the recipient's one extension."""

import uuid
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from cloud.core.config import Settings
from cloud.i18n import say
from cloud.models import Compartment, Locker, Parcel, ParcelState, PickupCredential
from cloud.services import (
    audit,
    collection,
    credentials,
    lockers,
    notifications,
    parcels,
    qr,
    reservation,
)
from cloud.services.errors import Conflict

UNFILLED = (ParcelState.ANNOUNCED, ParcelState.RESERVED)  # a courier has yet to bring it


def expire_due(session: Session, now: datetime, settings: Settings) -> int:
    """Expire what is due at `now`: deposited parcels past their pickup deadline (marked for
    return, collection scheduled) and reservations older than reservation_hours (released).
    The number of parcels changed; the caller commits."""
    changed = 0
    for locker_id in _lockers_with_due(session, now, settings):
        # The locker's compartments locked, as pre-advice and device events lock them: a
        # deposit or pickup applied meanwhile is seen, not overwritten.
        lockers.compartments_of(session, locker_id, for_update=True)
        for parcel in _overdue(session, locker_id, now):
            expire(session, parcel, now, settings)
            changed += 1
        for parcel in _unfilled(session, locker_id, _reservation_cutoff(now, settings)):
            lapse(session, parcel, now, settings)
            changed += 1
    return changed


def _reservation_cutoff(now: datetime, settings: Settings) -> datetime:
    return now - timedelta(hours=settings.reservation_hours)


def _lockers_with_due(session: Session, now: datetime, settings: Settings) -> list[str]:
    due = _is_overdue(now) | _is_unfilled(_reservation_cutoff(now, settings))
    query = select(Parcel.locker_id).where(due).distinct().order_by(Parcel.locker_id)
    return list(session.exec(query).all())


def _is_overdue(now: datetime):
    return (Parcel.state == ParcelState.DEPOSITED) & (col(Parcel.pickup_deadline) <= now)


def _is_unfilled(cutoff: datetime):
    # A held parcel (recipient_hold.py) is counted from the end of its hold, not its pre-advice.
    unheld = col(Parcel.hold_until).is_(None) | (col(Parcel.hold_until) <= cutoff)
    return col(Parcel.state).in_(UNFILLED) & (col(Parcel.created_at) <= cutoff) & unheld


def _overdue(session: Session, locker_id: str, now: datetime) -> list[Parcel]:
    return _of_locker(session, locker_id, _is_overdue(now))


def _unfilled(session: Session, locker_id: str, cutoff: datetime) -> list[Parcel]:
    return _of_locker(session, locker_id, _is_unfilled(cutoff))


def _of_locker(session: Session, locker_id: str, condition) -> list[Parcel]:
    query = (
        select(Parcel)
        .where(Parcel.locker_id == locker_id, condition)
        .order_by(col(Parcel.created_at))
    )
    return list(session.exec(query).all())


def expire(session: Session, parcel: Parcel, now: datetime, settings: Settings) -> None:
    """Not collected in time: the PIN and QR code die on the board, the parcel waits in its
    compartment for a courier to take it back, recipient and carrier are told."""
    parcel.state, parcel.expired_at = ParcelState.EXPIRED, now
    reservation.queue_revoke(session, parcel, now, settings=settings)
    notifications.queue_to_recipient(
        session,
        parcel,
        "expired",
        say(
            parcel.language,
            "Your parcel {code} ({carrier}) was not collected by {deadline} and goes back to "
            "the sender. Its PIN no longer works.",
            code=parcel.tracking_code,
            carrier=parcel.carrier,
            deadline=notifications.deadline_text(parcel.pickup_deadline),
        ),
        now,
        settings,
    )
    notifications.queue_status_webhook(session, parcel, "expired", now, settings)
    audit.record(
        session,
        "system",
        "parcel_expired",
        f"parcel:{parcel.id}",
        now,
        locker=parcel.locker_id,
        tracking_code=parcel.tracking_code,
    )
    collection.schedule_collection(session, parcel, now, settings)


def lapse(session: Session, parcel: Parcel, now: datetime, settings: Settings) -> None:
    """No courier came: the reservation is released on the board and in the cloud."""
    parcels.release_compartment(session, parcel)
    parcel.state, parcel.expired_at = ParcelState.LAPSED, now
    reservation.queue_revoke(session, parcel, now, settings=settings)
    notifications.queue_status_webhook(session, parcel, "reservation_expired", now, settings)
    audit.record(
        session,
        "system",
        "reservation_lapsed",
        f"parcel:{parcel.id}",
        now,
        locker=parcel.locker_id,
        tracking_code=parcel.tracking_code,
    )


def extend(
    session: Session,
    parcel_id: uuid.UUID,
    now: datetime,
    settings: Settings,
    *,
    actor: str = "system",
) -> Parcel:
    """Push the pickup deadline back by extension_hours, once, before it passes: the board gets
    every live PIN of the parcel again with the new expiry, the recipient a fresh QR code."""
    parcel, locker, compartment = in_locker(session, parcel_id, now)
    if parcel.extended_at is not None:
        raise Conflict("already_extended", "the pickup deadline can be extended only once")
    parcel.pickup_deadline += timedelta(hours=settings.extension_hours)
    parcel.extended_at = now
    live = _live_credentials(session, parcel)
    for n, credential in enumerate(live):
        credential.expires_at = parcel.pickup_deadline
        credentials.push_credential(
            session, locker.id, parcel, compartment, credential, now, settings, keep=n > 0
        )  # the first replaces, the rest join it
    mine = [credential for credential in live if credential.holder == "recipient"]  # a code each
    told = say(
        parcel.language,
        "You have until {deadline} to collect parcel {code}; your PIN stays the same.",
        code=parcel.tracking_code,
        deadline=notifications.deadline_text(parcel.pickup_deadline),
    )
    notifications.queue_to_recipient(
        session,
        parcel,
        "extended",
        # a new link, valid until the new deadline (the old one lives until the old deadline)
        told + " " + notifications.page_link_text(parcel, settings),
        now,
        settings,
        qr_token=qr.token_for(locker, compartment, parcel, mine[0]) if mine else None,
        subject=told,
    )
    notifications.queue_status_webhook(session, parcel, "extended", now, settings)
    audit.record(
        session,
        actor,
        "parcel_extended",
        f"parcel:{parcel.id}",
        now,
        until=parcel.pickup_deadline.isoformat(),
        tracking_code=parcel.tracking_code,
    )
    session.flush()
    return parcel


def in_locker(
    session: Session, parcel_id: uuid.UUID, now: datetime
) -> tuple[Parcel, Locker, Compartment]:
    """The parcel, waiting in its compartment before its deadline, with the locker's
    compartments locked; Conflict otherwise."""
    parcel = parcels.get_parcel(session, parcel_id)
    lockers.compartments_of(session, parcel.locker_id, for_update=True)
    session.refresh(parcel)  # as the events applied before our lock left it
    if parcel.state != ParcelState.DEPOSITED or parcel.compartment_id is None:
        raise Conflict("not_in_locker", f"a {parcel.state} parcel is not waiting in a locker")
    if parcel.pickup_deadline is None or now >= parcel.pickup_deadline:
        raise Conflict("deadline_passed", "the pickup deadline has passed")
    return (
        parcel,
        session.get(Locker, parcel.locker_id),
        session.get(Compartment, parcel.compartment_id),
    )


def _live_credentials(session: Session, parcel: Parcel) -> list[PickupCredential]:
    query = (
        select(PickupCredential)
        .where(PickupCredential.parcel_id == parcel.id, col(PickupCredential.used_at).is_(None))
        .order_by(col(PickupCredential.id))
    )
    return list(session.exec(query).all())
