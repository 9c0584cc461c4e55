"""Collection: a courier takes parcels back out of a locker (expired parcels, deposited returns).

The board is told ahead of time with a `collect` command (parcel code + compartment), so the next
courier session there opens those doors first, online or offline; each door closing comes back
as a `courier_collected` event (cloud/board_events/keypad.py)."""

import logging
from datetime import datetime

from sqlmodel import Session, col, select

from cloud.core.config import Settings, get_settings
from cloud.models import Compartment, CompartmentState, Locker, Parcel, ParcelState
from cloud.services import outbox

log = logging.getLogger(__name__)


def schedule_collection(
    session: Session, parcel: Parcel, now: datetime, settings: Settings | None = None
) -> bool:
    """Ask the next courier at the parcel's locker to take it away; False (nothing queued) for a
    parcel that is in no compartment (never deposited, or already taken)."""
    settings = settings or get_settings()
    compartment = session.get(Compartment, parcel.compartment_id) if parcel.compartment_id else None
    if compartment is None or parcel.returned_at is not None:
        log.warning("parcel %s is in no compartment: no collection scheduled", parcel.id)
        return False
    if parcel.collect_scheduled_at is None:
        parcel.collect_scheduled_at = now
    push_collect(session, parcel, compartment, now, settings)
    return True


def push_collect(
    session: Session, parcel: Parcel, compartment: Compartment, now: datetime, settings: Settings
) -> None:
    # State the board must reach however long it is away, like a `reserve`.
    outbox.queue(
        session,
        parcel.locker_id,
        "collect",
        {"parcel": parcel.tracking_code, "cmp": compartment.number},
        now,
        settings.sync_command_ttl_s,
        settings=settings,
    )


def to_collect(session: Session, locker_id: str) -> list[tuple[Parcel, Compartment]]:
    """The parcels waiting in this locker for a courier to take them away, oldest first."""
    query = (
        select(Parcel, Compartment)
        .join(Compartment, col(Compartment.id) == Parcel.compartment_id)
        .where(
            Parcel.locker_id == locker_id,
            col(Parcel.collect_scheduled_at).is_not(None),
            col(Parcel.returned_at).is_(None),
        )
        .order_by(col(Parcel.collect_scheduled_at), col(Compartment.number))
    )
    return [tuple(row) for row in session.exec(query).all()]


def resync(session: Session, locker: Locker, now: datetime, settings: Settings) -> int:
    """Queue again what a (re)connected board needs for collections and return drop-offs; the
    number of commands queued (cloud/services/resync.py)."""
    from cloud.services import returns  # returns schedules collections: import at call time

    waiting = to_collect(session, locker.id)
    for parcel, compartment in waiting:
        push_collect(session, parcel, compartment, now, settings)
    return len(waiting) + returns.resync(session, locker, now, settings)


def mark_returned(
    session: Session, parcel: Parcel, compartment: Compartment | None, now: datetime
) -> None:
    """A courier took the parcel out: it goes back to its sender, the compartment is free."""
    parcel.state, parcel.returned_at = ParcelState.RETURNED, now
    if compartment is not None and compartment.parcel_id == parcel.id:
        compartment.state, compartment.parcel_id = CompartmentState.FREE, None
    parcel.compartment_id = None
