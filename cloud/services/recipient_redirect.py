"""The recipient sends their parcel to another locker before it is deposited (from the
recipient page): one of the lockers in walking distance with room (locker_finder.with_room_near).

The old locker's board forgets the reservation (`revoke`), the new one gets a `reserve`; route
planning reads the parcel's locker when it plans, so the next wave takes it to the new one (a
van already carrying it is re-planned like any change). A redirect moves where a door will
open, so it is on the door-release ledger (door_budget.py, kind `redirect`); the recipient's
own is recorded, not counted. The carrier hears of it by the `parcel.redirected` webhook."""

import uuid
from datetime import datetime

from sqlmodel import Session

from cloud.core.config import Settings
from cloud.models import Locker, Parcel, ParcelState
from cloud.models.door_release import REDIRECT
from cloud.services import (
    assignment,
    audit,
    door_budget,
    locker_finder,
    lockers,
    parcels,
    redirects,
    reservation,
)
from cloud.services.errors import Conflict

BEFORE_DEPOSIT = (ParcelState.ANNOUNCED, ParcelState.RESERVED)


def options(session: Session, parcel: Parcel, settings: Settings) -> list[tuple[Locker, int]]:
    """Where the parcel may go instead: none once it is deposited (or over)."""
    if parcel.state not in BEFORE_DEPOSIT:
        return []
    here = lockers.get_locker(session, parcel.locker_id)
    return locker_finder.with_room_near(session, here, _size(parcel), parcel.accessible, settings)


def redirect(
    session: Session,
    parcel_id: uuid.UUID,
    locker_id: str,
    now: datetime,
    settings: Settings,
    *,
    actor: str,
) -> Parcel:
    """Send the parcel to `locker_id`, one of its options(); a compartment is reserved there.

    A refusal after the parcel is found is on the ledger and raised `on_record`: commit it."""
    parcel = parcels.get_parcel(session, parcel_id)
    old_locker = parcel.locker_id
    attempted = door_budget.release(
        REDIRECT, old_locker, now, actor=actor, parcel_id=parcel.id, reason=f"to {locker_id}"[:200]
    )
    with door_budget.attempt(session, attempted, settings):
        session.refresh(parcel)  # as the events applied before the budget's lock left it
        offered = {locker.id for locker, _ in options(session, parcel, settings)}
        if parcel.state not in BEFORE_DEPOSIT:
            raise Conflict("already_deposited", "only a parcel not yet deposited can be redirected")
        if locker_id not in offered:
            raise Conflict("locker_not_offered", f"locker {locker_id} is not one of the options")
        compartment = assignment.choose_compartment(
            lockers.compartments_of(session, locker_id, for_update=True),
            _size(parcel),
            parcel.accessible,
        )
        if parcels.live_parcel(session, locker_id, parcel.tracking_code) is not None:
            raise Conflict("duplicate_parcel", "a parcel with this code waits there already")
    reservation.queue_revoke(session, parcel, now, settings=settings)  # at the old locker
    parcels.release_compartment(session, parcel)
    parcel.locker_id = locker_id
    reservation.reserve(parcel, compartment)
    parcels.push_reservation(session, parcel, compartment, now, settings=settings)
    redirects.tell_carrier(
        session, parcel, old_locker, now, settings, reason=redirects.RECIPIENT_CHOICE
    )
    audit.record(
        session,
        actor,
        "parcel_redirected",
        f"parcel:{parcel.id}",
        now,
        tracking_code=parcel.tracking_code,
        locker=locker_id,
        redirected_from=old_locker,
    )
    session.flush()
    return parcel


def _size(parcel: Parcel) -> tuple[int, int, int]:
    return (parcel.width_mm, parcel.height_mm, parcel.depth_mm)
