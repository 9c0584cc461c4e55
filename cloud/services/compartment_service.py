"""Taking a compartment out of service and back (an operator's decision, audited).

Out of service is an operator's decision the reconciliation respects (cloud/services/reconcile.py,
ADOPTED): the assignment never picks such a compartment, and a board's "free" does not undo it.
It reaches the board as a signed `service` command (queued again on every reconnect,
cloud/services/resync.py), so the board never offers it to a courier either.
"""

from datetime import datetime

from sqlmodel import Session

from cloud.core.config import Settings
from cloud.models import Compartment, CompartmentState
from cloud.services import audit, lockers, outbox
from cloud.services.errors import Conflict, NotFound

# what a person may clear
IN_SERVICE_AGAIN = (CompartmentState.OUT_OF_SERVICE, CompartmentState.JAMMED)


def take_out_of_service(
    session: Session,
    locker_id: str,
    number: int,
    now: datetime,
    *,
    actor: str,
    reason: str = "",
    settings: Settings | None = None,
) -> Compartment:
    """Stop using an empty compartment; Conflict if it holds or awaits a parcel."""
    compartment = find_compartment(session, locker_id, number, for_update=True)
    if compartment.state == CompartmentState.OUT_OF_SERVICE:
        return compartment
    if compartment.parcel_id is not None or compartment.state not in (
        CompartmentState.FREE,
        CompartmentState.JAMMED,
    ):
        raise Conflict(
            "compartment_in_use",
            f"compartment {number} of locker {locker_id} is "
            f"{compartment.state}: empty it before taking it out of service",
        )
    before, compartment.state = compartment.state, CompartmentState.OUT_OF_SERVICE
    push_service(session, locker_id, number, True, now, settings=settings)
    audit.record(
        session,
        actor,
        "compartment_out_of_service",
        _subject(locker_id, number),
        now,
        was=before,
        reason=reason,
    )
    return compartment


def return_to_service(
    session: Session,
    locker_id: str,
    number: int,
    now: datetime,
    *,
    actor: str,
    settings: Settings | None = None,
) -> Compartment:
    """Make an out-of-service (or cleared jammed) compartment free again."""
    compartment = find_compartment(session, locker_id, number, for_update=True)
    if compartment.state == CompartmentState.FREE:
        return compartment
    if compartment.state not in IN_SERVICE_AGAIN or compartment.parcel_id is not None:
        raise Conflict(
            "compartment_in_service",
            f"compartment {number} of locker {locker_id} "
            f"is {compartment.state}, not out of service",
        )
    before, compartment.state = compartment.state, CompartmentState.FREE
    push_service(session, locker_id, number, False, now, settings=settings)
    audit.record(
        session, actor, "compartment_in_service", _subject(locker_id, number), now, was=before
    )
    return compartment


def push_service(
    session: Session,
    locker_id: str,
    number: int,
    out: bool,
    now: datetime,
    *,
    settings: Settings | None = None,
) -> None:
    """Queue the signed `service` command: the board takes the compartment out of (or back
    into) use."""
    fields = {"cmp": number, "out": 1 if out else 0}
    outbox.queue(session, locker_id, "service", fields, now, settings=settings)


def find_compartment(
    session: Session, locker_id: str, number: int, *, for_update: bool = False
) -> Compartment:
    """The locker's compartment of this number; NotFound for an unknown locker or number."""
    lockers.get_locker(session, locker_id)
    # All of the locker's compartments, locked in the order pre-advices and events lock them.
    compartments = lockers.compartments_of(session, locker_id, for_update=for_update)
    compartment = next((c for c in compartments if c.number == number), None)
    if compartment is None:
        raise NotFound("compartment", f"{locker_id}/{number}")
    return compartment


def _subject(locker_id: str, number: int) -> str:
    return f"compartment:{locker_id}/{number}"
