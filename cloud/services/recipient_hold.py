"""A recipient's hold ("vacation"): before the deposit, they ask that the parcel not be
delivered before a day of their choosing, at most MAX_DAYS ahead.

What a hold means:
- the compartment reserved for the parcel is given back (the board forgets the reservation,
  `revoke`): no door stands empty for up to two weeks; the parcel is `announced` again, and the
  courier who brings it after the hold gets a free compartment at the keypad, as for any
  parcel whose compartment was lost (cloud/board_events/keypad.py);
- route planning leaves it out of every wave that starts before the hold ends
  (cloud/planning/wave.py), and it lapses only reservation_hours after the hold ends
  (cloud/services/lifecycle.py);
- operators see `hold_until` on the parcel (API, admin page) and a `parcel_held` entry in its
  timeline; the carrier gets the `parcel.held` webhook.
One hold per parcel: a second would let a recipient keep a parcel away for ever."""

import uuid
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from cloud.core.config import Settings
from cloud.models import Parcel, ParcelState
from cloud.models.parcel import HOLD_MAX_DAYS
from cloud.services import audit, lockers, notifications, parcels, reservation
from cloud.services.errors import Conflict, Invalid

MAX_DAYS = HOLD_MAX_DAYS
BEFORE_DEPOSIT = (ParcelState.ANNOUNCED, ParcelState.RESERVED)


def hold(
    session: Session,
    parcel_id: uuid.UUID,
    until: date,
    now: datetime,
    settings: Settings,
    *,
    actor: str,
) -> Parcel:
    """No delivery before `until` (00:00 UTC that day): from tomorrow to MAX_DAYS ahead."""
    first, last = choosable_days(now)
    if not first <= until <= last:
        raise Invalid(
            "hold_out_of_range", f"a hold lasts until a day from tomorrow to {MAX_DAYS} days ahead"
        )
    parcel = parcels.get_parcel(session, parcel_id)
    lockers.compartments_of(session, parcel.locker_id, for_update=True)
    session.refresh(parcel)  # as the events applied before our lock left it
    if parcel.state not in BEFORE_DEPOSIT:
        raise Conflict("already_deposited", "only a parcel not yet deposited can be held")
    if parcel.hold_until is not None:
        raise Conflict("already_held", "a parcel can be held only once")
    if parcel.compartment_id is not None:
        reservation.queue_revoke(session, parcel, now, settings=settings)
        parcels.release_compartment(session, parcel)
    parcel.state, parcel.hold_until = ParcelState.ANNOUNCED, datetime.combine(until, time())
    notifications.queue_status_webhook(session, parcel, "held", now, settings)
    audit.record(
        session,
        actor,
        "parcel_held",
        f"parcel:{parcel.id}",
        now,
        until=parcel.hold_until.isoformat(),
        tracking_code=parcel.tracking_code,
    )
    session.flush()
    return parcel


def choosable_days(now: datetime) -> tuple[date, date]:
    """The first and last day a hold may last until."""
    return now.date() + timedelta(days=1), now.date() + timedelta(days=MAX_DAYS)
