"""A parcel the courier brings to a locker with no free compartment that fits (it lost its
reservation, e.g. to a deposit the board chose, and none is left): the cloud sends it to the
nearest locker with room within walking distance (locker_finder), moves its reservation there,
and tells the recipient and the carrier (redirects.py, reason `full_at_deposit`). The parcel's
locker is what route planning reads, so the next plan carries it to the new locker."""

from datetime import datetime
from typing import cast

from sqlmodel import Session

from cloud.core.config import Settings
from cloud.models import Compartment, Locker, Parcel, ParcelState, Placement
from cloud.services import (
    assignment,
    audit,
    locker_finder,
    lockers,
    parcels,
    redirects,
    reservation,
)


def redirect_from_full(
    session: Session,
    parcel: Parcel,
    full: Locker,
    now: datetime,
    settings: Settings,
    *,
    actor: str,
) -> Placement | None:
    """Move an announced parcel of the `full` locker to the nearest one with room; None (and
    nothing changed) when none in walking distance has room. The caller holds the full
    locker's compartments locked; the others are tried without waiting (SKIP LOCKED)."""
    if parcel.state != ParcelState.ANNOUNCED or parcel.locker_id != full.id:
        return None
    if not parcel.redirect_when_full:
        return None  # its carrier said so at pre-advice: the courier keeps it, as before
    need = locker_finder.Need.of(parcel)
    placement = locker_finder.away_from_full(session, full, need, settings)
    if placement is None or parcels.live_parcel(session, placement.locker_id, parcel.tracking_code):
        return None  # (a live parcel of that code there: the board knows parcels by code)
    compartment = cast(
        Compartment,
        assignment.choose_compartment(
            lockers.compartments_of(session, placement.locker_id, for_update=True),
            need.dimensions,
            need.accessible,
        ),
    )  # it fits: locker_finder tried it under the same locks
    parcel.locker_id = placement.locker_id
    reservation.reserve(parcel, compartment)
    parcels.push_reservation(session, parcel, compartment, now, settings=settings)
    redirects.tell_of_redirect(
        session, parcel, placement, now, settings, reason=redirects.FULL_AT_DEPOSIT
    )
    audit.record(
        session,
        actor,
        "parcel_redirected",
        f"parcel:{parcel.id}",
        now,
        tracking_code=parcel.tracking_code,
        reason=redirects.FULL_AT_DEPOSIT,
        redirected_from=full.id,
        locker=placement.locker_id,
        distance_m=placement.distance_m,
    )
    return placement
