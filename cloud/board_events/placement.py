"""Where a parcel is: the board's compartment is the physical truth, and the cloud's plan
(which parcel is reserved where) yields to what the board did."""

import logging
from typing import cast

from cloud.board_events.context import EventContext, Ignored
from cloud.models import Compartment, CompartmentState, Parcel, ParcelState
from cloud.services import assignment, lockers, parcels, reservation, returns
from cloud.services.errors import Conflict

log = logging.getLogger(__name__)


def why_not(code: str, parcel: Parcel | None) -> str:
    """Why an event about the parcel with this code cannot be applied to it."""
    return f"parcel {code} not live" if parcel is None else f"parcel {code} is {parcel.state}"


def place(ctx: EventContext, parcel: Parcel, compartment: Compartment) -> None:
    """The parcel went into `compartment`: it holds it now, whatever was planned."""
    if parcel.compartment_id != compartment.id:
        parcels.release_compartment(ctx.session, parcel)
        _give_way_to_deposit(ctx, compartment)
    compartment.state, compartment.parcel_id = CompartmentState.OCCUPIED, parcel.id
    parcel.compartment_id = compartment.id
    ctx.session.flush()


def occupied_anyway(ctx: EventContext, compartment: Compartment, reason: str) -> str:
    """The outcome of a deposit of no parcel of the cloud's: the door sensor saw one, so
    something is in there and the compartment must never be assigned as free (invariant 4)."""
    if compartment.state == CompartmentState.OCCUPIED:
        raise Ignored(reason)
    if _give_way_to_deposit(ctx, compartment):
        compartment.parcel_id = None
    # parcel_id None: nobody's parcel (or kept: a jammed one's)
    compartment.state = CompartmentState.OCCUPIED
    ctx.session.flush()
    return f"ignored: {reason}; compartment {compartment.number} marked occupied"


def emptied_anyway(compartment: Compartment, reason: str) -> str:
    """The outcome of a pickup of no parcel of the cloud's: a compartment the cloud holds
    nothing in (but thought occupied, e.g. after a deposit of a parcel no longer live) is empty
    now. One reserved for or holding a parcel of the cloud's is left to that parcel."""
    if compartment.parcel_id is not None or compartment.state in (
        CompartmentState.FREE,
        CompartmentState.OUT_OF_SERVICE,
    ):
        raise Ignored(reason)
    compartment.state = CompartmentState.FREE
    return f"ignored: {reason}; compartment {compartment.number} marked free"


def displace(ctx: EventContext, compartment: Compartment) -> Parcel | None:
    """Take the compartment from the parcel reserved in it, if any, and return that parcel:
    announced again, its reservation revoked on the board. The board only picks compartments
    it holds no reservation for, but a `reserve` may have been on its way."""
    other = ctx.session.get(Parcel, compartment.parcel_id) if compartment.parcel_id else None
    if other is None or other.state != ParcelState.RESERVED:
        return None
    other.state, other.compartment_id = ParcelState.ANNOUNCED, None
    reservation.queue_revoke(ctx.session, other, ctx.now, settings=ctx.settings)
    return other


def _give_way_to_deposit(ctx: EventContext, compartment: Compartment) -> bool:
    # True if a parcel was reserved there. A return's code is out with a person: the return
    # needs another door at once; any other parcel gets one when its courier comes.
    other = displace(ctx, compartment)
    if other is None:
        return False
    log.warning(
        "parcel %s lost compartment %s to a deposit; it needs a new one",
        other.id,
        compartment.number,
    )
    if other.kind == "return":
        ctx.session.flush()
        reassign(ctx, other)
    return True


def reassign(ctx: EventContext, parcel: Parcel) -> None:
    """A parcel that lost its reserved compartment to what the board did gets another, if one
    fits (its `reserve`, or for a return its `return` with the same code, goes to the board)."""
    compartments = lockers.compartments_of(ctx.session, ctx.locker.id, for_update=True)
    try:
        chosen = cast(
            Compartment,
            assignment.choose_compartment(
                compartments, (parcel.width_mm, parcel.height_mm, parcel.depth_mm)
            ),
        )
    except Conflict:
        log.warning(
            "parcel %s lost its compartment and no other fits: it stays announced", parcel.id
        )
        return
    reservation.reserve(parcel, chosen)
    if parcel.kind == "return":
        returns.push_again(ctx.session, parcel, chosen, ctx.now, ctx.settings)
    else:
        parcels.push_reservation(ctx.session, parcel, chosen, ctx.now, settings=ctx.settings)
