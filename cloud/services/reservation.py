"""A compartment reserved for a parcel, and a reservation withdrawn from the board: each
written once here for pre-advice, returns, and the board events that move parcels."""

from datetime import datetime

from sqlmodel import Session

from cloud.core.config import Settings
from cloud.models import Compartment, CompartmentState, Parcel, ParcelState
from cloud.services import outbox


def reserve(parcel: Parcel, compartment: Compartment) -> None:
    """The parcel waits for its deposit in `compartment`: each names the other. The caller
    holds the locker's compartments locked and tells the board (`reserve` or `return`)."""
    compartment.state, compartment.parcel_id = CompartmentState.RESERVED, parcel.id
    parcel.state, parcel.compartment_id = ParcelState.RESERVED, compartment.id


def queue_revoke(
    session: Session, parcel: Parcel, now: datetime, *, settings: Settings | None = None
) -> None:
    """Tell the parcel's board to forget it: its reservation or its credentials."""
    outbox.queue(
        session,
        parcel.locker_id,
        "revoke",
        {"parcel": parcel.tracking_code},
        now,
        settings=settings,
    )
